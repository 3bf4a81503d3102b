import "server-only";
import type { NextRequest } from "next/server";
import { countUsage, recordUsage, usageClosed } from "@/lib/tokens/usage";
import { verifyFromMemory, verifySecretMaybeSync, type VerifiedToken } from "@/lib/tokens/verify";
import { challenge, readCredential, refusalFor } from "./bearer";
import { clientOf, type Client } from "@/lib/client";
import { errorResponse, refusalResponse, type Refusal } from "./responses";
import { blockedSeconds, recordFailure } from "./rate-limit";
import type { BuiltInScope } from "@/lib/scopes/built-in";
import { adminActor, type AdminActor } from "@/lib/admin/actor";

/** A route may require only one of Tollgate's own scopes. */
export type RequiredScope = BuiltInScope;

export type ApiRequest<Params> = {
  request: NextRequest;
  /** The verified token making the request; its `scopes` are already the effective ones. */
  token: VerifiedToken;
  params: Params;
  client: Client;
};

type RouteContext<Params> = { params: Promise<Params> };

/**
 * The one way into a protected route: refuse an address that has failed too often, verify the
 * bearer token (counting a failure against the address), check the scope the route needs
 * (`null`: any valid token), note the use (last used, address, the hour's count: answered or
 * refused for its scope), run the handler, and turn whatever it throws into the API's error shape.
 */
export function withBearer<Params = Record<string, never>>(
  scope: RequiredScope | null,
  handler: (call: ApiRequest<Params>) => Promise<Response>,
) {
  return bearerRoute(scope ? (token) => (token.scopes.includes(scope) ? null : scope) : () => null, handler);
}

/** withBearer with the scope decided by `missingScope`: the scope the token lacks, or null. */
function bearerRoute<Params>(
  missingScope: (token: VerifiedToken) => RequiredScope | null,
  handler: (call: ApiRequest<Params>) => Promise<Response>,
) {
  return async (request: NextRequest, context: RouteContext<Params>): Promise<Response> => {
    try {
      const client = clientOf(request.headers);
      const wait = blockedSeconds(client.key);
      if (wait > 0) {
        countRateRefusal(request);
        return refusalResponse({
          code: "rate_limited",
          message: `Too many failed authentications from your address. Try again in ${wait} seconds.`,
          headers: { "Retry-After": String(wait) },
        });
      }

      // Synchronous up to the database: a flood of bad or repeated tokens is answered without a
      // single promise of ours (each costs, as Next tracks its async context through every one).
      const credential = readCredential(request.headers.get("authorization"));
      if (!credential.ok) {
        if (credential.attempted) recordFailure(client.key);
        return refusalResponse(credential.refusal);
      }
      const now = new Date();
      const pending = verifySecretMaybeSync(credential.secret, now);
      const verified = pending instanceof Promise ? await pending : pending;
      if (!verified.ok) {
        recordFailure(client.key);
        return refusalResponse(refusalFor(verified.reason));
      }
      const { token } = verified;
      // Checked before the use is noted, with no await between: a use noted before shutdown began
      // is in the final flush; a request arriving after is refused rather than answered untraced.
      if (usageClosed()) return refusalResponse(SHUTTING_DOWN);
      const missing = missingScope(token);
      recordUsage(token, { at: now, ip: client.address, userAgent: client.userAgent }, missing ? "refusedScope" : "answered");
      if (missing) return insufficientScope(missing);
      return await handler({ request, token, params: await context.params, client });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/**
 * A blocked address is refused before its credential is looked at; its token is counted as
 * refused for the rate only when memory alone says it is valid (an HMAC and a map lookup), so a
 * blocked address never costs a database query.
 */
function countRateRefusal(request: NextRequest): void {
  if (usageClosed()) return;
  const credential = readCredential(request.headers.get("authorization"));
  if (!credential.ok) return;
  const now = new Date();
  const verified = verifyFromMemory(credential.secret, now);
  if (verified?.ok) countUsage(verified.token.guid, now, "refusedRate");
}

function insufficientScope(scope: RequiredScope): Response {
  return refusalResponse({
    code: "insufficient_scope",
    message:
      `This route needs the scope ${scope}, which this token does not have. ` +
      "A token may use only the scopes it was given that its owner still holds.",
    details: { scope },
    headers: { "WWW-Authenticate": challenge("insufficient_scope", scope) },
  });
}

export type AdminApiRequest<Params> = ApiRequest<Params> & { admin: AdminActor };

/**
 * The way into /api/v1/admin/ routes: a token of anyone but an administrator is told the route
 * does not exist (the admin area is invisible to them, as its pages are); an administrator's token
 * without the route's scope gets 403 like any other route.
 */
export function withAdmin<Params = Record<string, never>>(
  scope: "admin:read" | "admin:write",
  handler: (call: AdminApiRequest<Params>) => Promise<Response>,
) {
  // Anyone else's token is answered 404 whatever its scopes (counted as answered, like any 404).
  const missingScope = (token: VerifiedToken) => (token.userIsAdmin && !token.scopes.includes(scope) ? scope : null);
  return bearerRoute<Params>(missingScope, async (call) => {
    if (!call.token.userIsAdmin) {
      const { pathname } = new URL(call.request.url);
      return refusalResponse({ code: "not_found", message: `There is no API route ${call.request.method} ${pathname}. The routes are listed at /docs/api.` });
    }
    const admin = adminActor({ id: call.token.userId, email: call.token.userEmail }, call.client, call.token.guid);
    return handler({ ...call, admin });
  });
}

/** This instance is stopping: its final flush may no longer include a use noted now. */
export const SHUTTING_DOWN: Refusal = {
  code: "unavailable",
  message: "This instance is shutting down. Retry the request.",
  headers: { "Retry-After": "1" },
};
