import { readIntrospectionToken } from "@/lib/api/body";
import { SHUTTING_DOWN, withBearer } from "@/lib/api/handler";
import { json, refusalResponse } from "@/lib/api/responses";
import { introspectionView } from "@/lib/api/views";
import { noteIntrospected } from "@/lib/tokens/introspected";
import { countUsage, usageClosed } from "@/lib/tokens/usage";
import { verifySecret, verifySecretAfresh } from "@/lib/tokens/verify";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

/**
 * RFC 7662 introspection. The token asked about is verified exactly as a bearer token is and, when
 * valid, counted as used in its hour with the asking token as the source; its "last used" and
 * addresses are not touched: the address and user agent here are the asking service's.
 * An active answer also records that the asking token knows this token, for its change feed
 * (lib/tokens/introspected.ts); the first time, the answer is then read afresh from the database.
 */
export const POST = withBearer("tokens:introspect", async ({ request, token }) => {
  const now = new Date();
  const secret = await readIntrospectionToken(request);
  let result = await verifySecret(secret, now);
  if (result.ok) {
    const noting = noteIntrospected(token.guid, result.token, now);
    if (noting) {
      await noting;
      result = await verifySecretAfresh(secret, now);
    }
  }
  if (result.ok) {
    // As in withBearer: a count noted once shutdown began may miss the final flush.
    if (usageClosed()) return refusalResponse(SHUTTING_DOWN);
    countUsage(result.token.guid, now, "answered", token.guid);
  }
  return json(introspectionView(result.ok ? result.token : null));
});
