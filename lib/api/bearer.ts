import "server-only";
import { verifySecret, type VerifiedToken, type VerifyFailure } from "@/lib/tokens/verify";
import { ApiError } from "./responses";

/**
 * Reading `Authorization: Bearer <token>` the way RFC 6750 answers it: no credential at all gets a
 * bare challenge (§3.1: no error code), a header that is not one token gets 400 invalid_request,
 * and anything that is not a usable token gets 401 invalid_token.
 */
const REALM = 'Bearer realm="tollgate"';

export function challenge(error?: "invalid_request" | "invalid_token" | "insufficient_scope", scope?: string): string {
  if (!error) return REALM;
  return `${REALM}, error="${error}"${scope ? `, scope="${scope}"` : ""}`;
}

const FAILURE_MESSAGES: Record<VerifyFailure, string> = {
  malformed:
    "This is not a Tollgate token: a token starts with tgp_ and is 40 characters long. Check that it was copied completely.",
  unknown: "This token is not recognised. It may have been deleted or replaced by a rotation; use the current secret or create a new token.",
  revoked: "This token has been revoked. Create a new token on the token page.",
  expired: "This token has expired. Create a new token, or extend this one's validity on the token page.",
  scheduled: "This token is not valid yet: its validity starts later. Wait until then, or change its valid-from date.",
};

function invalidToken(message: string): ApiError {
  return new ApiError(401, "invalid_token", message, {}, { "WWW-Authenticate": challenge("invalid_token") });
}

/** The result of reading a request's credential: a verified token, or the error to answer with. */
export type Authentication =
  | { ok: true; token: VerifiedToken }
  | { ok: false; error: ApiError; /** false when no credential was offered at all */ attempted: boolean };

export async function authenticate(header: string | null): Promise<Authentication> {
  const value = header?.trim() ?? "";
  if (!value) {
    return {
      ok: false,
      attempted: false,
      error: new ApiError(
        401,
        "missing_token",
        "This route needs an API token: send it as `Authorization: Bearer <token>`. Create one on the token page.",
        {},
        { "WWW-Authenticate": challenge() },
      ),
    };
  }
  const [scheme = "", ...rest] = value.split(/\s+/);
  if (scheme.toLowerCase() !== "bearer") {
    return { ok: false, attempted: true, error: invalidToken("Send the token with the Bearer scheme: `Authorization: Bearer <token>`.") };
  }
  if (rest.length === 0) {
    return { ok: false, attempted: true, error: invalidToken("The Authorization header says Bearer but carries no token after it.") };
  }
  if (rest.length > 1) {
    return {
      ok: false,
      attempted: true,
      error: new ApiError(
        400,
        "invalid_request",
        "The Authorization header must hold exactly one token: `Authorization: Bearer <token>`, with no spaces inside the token.",
        {},
        { "WWW-Authenticate": challenge("invalid_request") },
      ),
    };
  }
  const result = await verifySecret(rest[0]!);
  if (!result.ok) return { ok: false, attempted: true, error: invalidToken(FAILURE_MESSAGES[result.reason]) };
  return { ok: true, token: result.token };
}
