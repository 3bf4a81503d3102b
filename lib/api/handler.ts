import "server-only";
import type { NextRequest } from "next/server";
import { apiConfig } from "@/lib/config";
import { recordUsage, usageClosed } from "@/lib/tokens/usage";
import type { VerifiedToken } from "@/lib/tokens/verify";
import { authenticate, challenge } from "./bearer";
import { clientOf, type Client } from "./client";
import { ApiError, errorResponse } from "./responses";
import { blockedSeconds, recordFailure } from "./rate-limit";

export type RequiredScope = "tokens:read" | "tokens:write" | "tokens:introspect" | "metrics:read";

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
      const client = clientOf(request.headers, apiConfig().trustProxy);
      const wait = await blockedSeconds(client.key);
      if (wait > 0) {
        throw new ApiError(
          429,
          "rate_limited",
          `Too many failed authentications from your address. Try again in ${wait} seconds.`,
          {},
          { "Retry-After": String(wait) },
        );
      }

      const auth = await authenticate(request.headers.get("authorization"));
      if (!auth.ok) {
        if (auth.attempted) await recordFailure(client.key);
        throw auth.error;
      }
      const { token } = auth;
      recordUsage(token.guid, { at: new Date(), ip: client.address, userAgent: client.userAgent });
      // Checked after recording: a use recorded before shutdown began is in the final flush; one
      // recorded after may not be, so it is refused rather than answered without a trace.
      if (usageClosed()) {
        throw new ApiError(503, "unavailable", "This instance is shutting down. Retry the request.", {}, { "Retry-After": "1" });
      }

      if (scope && !token.scopes.includes(scope)) {
        throw new ApiError(
          403,
          "insufficient_scope",
          `This route needs the scope ${scope}, which this token does not have. ` +
            "A token may use only the scopes it was given that its owner still holds.",
          { scope },
          { "WWW-Authenticate": challenge("insufficient_scope", scope) },
        );
      }
      return await handler({ request, token, params: await context.params, client });
    } catch (error) {
      return errorResponse(error);
    }
  };
}
