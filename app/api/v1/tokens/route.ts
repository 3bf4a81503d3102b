import { readJsonObject } from "@/lib/api/body";
import { withBearer } from "@/lib/api/handler";
import { listQueryOf } from "@/lib/api/query";
import { json } from "@/lib/api/responses";
import { tokenPageView, tokenWithSecretView } from "@/lib/api/views";
import { createToken, listTokens, tokenActor } from "@/lib/tokens/service";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

export const GET = withBearer("tokens:read", async ({ request, token }) =>
  json(tokenPageView(await listTokens(token.userId, listQueryOf(request.nextUrl.searchParams)))),
);

export const POST = withBearer("tokens:write", async ({ request, token, client }) => {
  const created = await createToken(tokenActor(token, client), await readJsonObject(request));
  return json(tokenWithSecretView(created), { status: 201, headers: { Location: `/api/v1/tokens/${created.token.guid}` } });
});
