import { withAdmin } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { disableUser } from "@/lib/admin/users";
import { serializeAdminUser } from "@/lib/validation/admin-users";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

export const POST = withAdmin<{ id: string }>("admin:write", async ({ admin, params }) => json(serializeAdminUser(await disableUser(admin, params.id))));
