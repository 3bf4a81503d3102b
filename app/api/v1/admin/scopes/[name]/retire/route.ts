import { withAdmin } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { serializeScope } from "@/lib/scopes/contract";
import { retireScope } from "@/lib/scopes/service";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

export const POST = withAdmin<{ name: string }>("admin:write", async ({ admin, params }) => json(serializeScope(await retireScope(admin, params.name))));
