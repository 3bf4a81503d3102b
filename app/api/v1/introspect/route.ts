import { readIntrospectionToken } from "@/lib/api/body";
import { withBearer } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { introspectionView } from "@/lib/api/views";
import { verifySecret } from "@/lib/tokens/verify";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

/**
 * RFC 7662 introspection. The token asked about is verified exactly as a bearer token is, but its
 * "last used" is not touched: the address and user agent here are the asking service's.
 */
export const POST = withBearer("tokens:introspect", async ({ request }) => {
  const result = await verifySecret(await readIntrospectionToken(request));
  return json(introspectionView(result.ok ? result.token : null));
});
