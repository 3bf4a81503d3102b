import { readJsonObject } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { serializeToken } from "@/lib/tokens/contract";
import { revokeTokenAsAdmin } from "@/lib/tokens/service";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

export const POST = withAdmin<{ guid: string }>("admin:write", async ({ request, params, admin }) =>
  json(serializeToken(await revokeTokenAsAdmin(admin, params.guid, await readJsonObject(request)))),
);
