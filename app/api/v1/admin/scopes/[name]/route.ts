import { readJsonObject } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { serializeScope } from "@/lib/scopes/contract";
import { editScope } from "@/lib/scopes/service";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

export const PATCH = withAdmin<{ name: string }>("admin:write", async ({ request, admin, params }) =>
  json(serializeScope(await editScope(admin, params.name, await readJsonObject(request)))),
);
