import { withAdmin } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { tokenUsageView } from "@/lib/api/views";
import { tokenAddresses, tokenOwner, tokenUsage } from "@/lib/tokens/activity";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

/** Any account's token's use, as its owner's usage route answers them: for an administrator answering "how often, from where". */
export const GET = withAdmin<{ guid: string }>("admin:read", async ({ params }) => {
  const owner = await tokenOwner(params.guid);
  const [usage, addresses] = await Promise.all([tokenUsage(owner, params.guid), tokenAddresses(owner, params.guid)]);
  return json(tokenUsageView(usage, addresses));
});
