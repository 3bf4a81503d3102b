import { readJsonObject } from "@/lib/api/body";
import { withBearer } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { serializeToken } from "@/lib/tokens/contract";
import { deleteToken, getToken, tokenActor, updateToken } from "@/lib/tokens/service";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

type Params = { guid: string };

export const GET = withBearer<Params>("tokens:read", async ({ token, params }) => json(serializeToken(await getToken(token.userId, params.guid))));

export const PATCH = withBearer<Params>("tokens:write", async ({ request, token, params, client }) =>
  json(serializeToken(await updateToken(tokenActor(token, client), params.guid, await readJsonObject(request)))),
);

export const DELETE = withBearer<Params>("tokens:write", async ({ token, params, client }) => {
  await deleteToken(tokenActor(token, client), params.guid);
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
