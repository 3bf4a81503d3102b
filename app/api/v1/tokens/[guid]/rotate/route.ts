import { readJsonObject } from "@/lib/api/body";
import { withBearer } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { tokenWithSecretView } from "@/lib/api/views";
import { rotateToken, tokenActor } from "@/lib/tokens/service";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

export const POST = withBearer<{ guid: string }>("tokens:write", async ({ request, token, params, client }) =>
  json(tokenWithSecretView(await rotateToken(tokenActor(token, client), params.guid, await readJsonObject(request, { optional: true })))),
);
