import { withBearer } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { tokenView } from "@/lib/api/views";
import { revokeToken } from "@/lib/tokens/service";

export const POST = withBearer<{ guid: string }>("tokens:write", async ({ token, params }) =>
  json(tokenView(await revokeToken(token.userId, params.guid))),
);
