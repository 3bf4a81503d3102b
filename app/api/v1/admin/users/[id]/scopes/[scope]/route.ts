import { withAdmin } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { grantToUser, withdrawFromUser } from "@/lib/admin/users";
import { serializeAdminUser } from "@/lib/validation/admin-users";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

type Params = { id: string; scope: string };

export const PUT = withAdmin<Params>("admin:write", async ({ admin, params }) => json(serializeAdminUser(await grantToUser(admin, params.id, params.scope))));

export const DELETE = withAdmin<Params>("admin:write", async ({ admin, params }) =>
  json(serializeAdminUser(await withdrawFromUser(admin, params.id, params.scope))),
);
