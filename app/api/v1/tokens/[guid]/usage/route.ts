import { withBearer } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { tokenUsageView } from "@/lib/api/views";
import { tokenAddresses, tokenUsage } from "@/lib/tokens/activity";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

export const GET = withBearer<{ guid: string }>("tokens:read", async ({ token, params }) => {
  const [usage, addresses] = await Promise.all([tokenUsage(token.userId, params.guid), tokenAddresses(token.userId, params.guid)]);
  return json(tokenUsageView(usage, addresses));
});
