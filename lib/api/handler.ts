import "server-only";
import type { NextRequest } from "next/server";
import { recordUsage, usageClosed } from "@/lib/tokens/usage";
import { verifySecretMaybeSync, type VerifiedToken } from "@/lib/tokens/verify";
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
 * bearer token (counting a failure against the address), remember the use for "last used",
 * check the scope the route needs (`null`: any valid token), run the handler, and turn whatever
 * it throws into the API's error shape.
 */
export function withBearer<Params = Record<string, never>>(
  scope: RequiredScope | null,
  handler: (call: ApiRequest<Params>) => Promise<Response>,
) {
  return async (request: NextRequest, context: RouteContext<Params>): Promise<Response> => {
    try {
      const client = clientOf(request.headers);
      const wait = blockedSeconds(client.key);
      if (wait > 0) {
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
      recordUsage(token.guid, { at: now, ip: client.address, userAgent: client.userAgent });
      // Checked after recording: a use recorded before shutdown began is in the final flush; one
      // recorded after may not be, so it is refused rather than answered without a trace.
      if (usageClosed()) return refusalResponse(SHUTTING_DOWN);

      if (scope && !token.scopes.includes(scope)) return insufficientScope(scope);
      return await handler({ request, token, params: await context.params, client });
    } catch (error) {
      return errorResponse(error);
    }
  };
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
  return withBearer<Params>(null, async (call) => {
    if (!call.token.userIsAdmin) {
      const { pathname } = new URL(call.request.url);
      return refusalResponse({ code: "not_found", message: `There is no API route ${call.request.method} ${pathname}. The routes are listed at /docs/api.` });
    }
    if (!call.token.scopes.includes(scope)) return insufficientScope(scope);
    const admin = adminActor({ id: call.token.userId, email: call.token.userEmail }, call.client, call.token.guid);
    return handler({ ...call, admin });
  });
}

const SHUTTING_DOWN: Refusal = {
  code: "unavailable",
  message: "This instance is shutting down. Retry the request.",
  headers: { "Retry-After": "1" },
};
