import { withBearer } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { serializeToken } from "@/lib/tokens/contract";
import { endOverlap, tokenActor } from "@/lib/tokens/service";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

export const POST = withBearer<{ guid: string }>("tokens:write", async ({ token, params, client }) =>
  json(serializeToken(await endOverlap(tokenActor(token, client), params.guid))),
);
