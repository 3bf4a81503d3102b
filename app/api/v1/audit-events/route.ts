import { withBearer } from "@/lib/api/handler";
import { strictQueryOf } from "@/lib/api/query";
import { json, refusalResponse } from "@/lib/api/responses";
import { challenge } from "@/lib/api/bearer";
import { eventFilterOf, listEvents, type EventReach } from "@/lib/audit/query";
import { eventQuerySchema } from "@/lib/validation/audit-events";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

/**
 * The caller's own events; `user` naming anyone else (or all) needs an administrator's token with
 * admin:read. To anyone else's token that is a 404, as the admin area is invisible to them.
 */
export const GET = withBearer("tokens:read", async ({ request, token }) => {
  const query = strictQueryOf(eventQuerySchema, request.nextUrl.searchParams);
  const others = query.user !== "" && query.user.toLowerCase() !== token.userId;
  if (others && !token.userIsAdmin) return refusalResponse({ code: "not_found", message: "No such user." });
  if (others && !token.scopes.includes("admin:read")) {
    return refusalResponse({
      code: "insufficient_scope",
      message: "Another account's events need the scope admin:read, which this token does not have.",
      details: { scope: "admin:read" },
      headers: { "WWW-Authenticate": challenge("insufficient_scope", "admin:read") },
    });
  }
  const reach: EventReach = others ? { everyone: true } : { own: token.userId };
  const { filter } = await eventFilterOf(query, reach);
  return json(await listEvents(filter, { cursor: query.cursor || undefined, limit: query.limit }));
});
