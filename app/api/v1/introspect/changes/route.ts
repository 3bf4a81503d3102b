import { readCredential } from "@/lib/api/bearer";
import { withBearer } from "@/lib/api/handler";
import { changeFeedResponse } from "@/lib/tokens/change-feed";

// A stream that lasts as long as the connection: never prerendered or cached.
export const dynamic = "force-dynamic";

/**
 * The change feed (server-sent events) for a service that keeps introspection answers in memory:
 * which of the tokens it has introspected changed. Its events: lib/tokens/change-feed.ts.
 */
export const GET = withBearer("tokens:introspect", async ({ request, token }) => {
  // withBearer has verified it; the feed re-checks it on every change to it and every heartbeat.
  const credential = readCredential(request.headers.get("authorization"));
  return changeFeedResponse(token, credential.ok ? credential.secret : "", request.signal);
});
