import "server-only";
import type { VerifyFailure } from "@/lib/tokens/verify";
import type { Refusal } from "./responses";

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
  account_disabled: "Account disabled: an administrator has disabled the account that owns this token. Ask them to re-enable it.",
};

function invalidToken(message: string): Refusal {
  return { code: "invalid_token", message, headers: { "WWW-Authenticate": challenge("invalid_token") } };
}

// Built once: refusing is the path a flood of bad tokens takes, so it allocates as little as it can.
const MISSING_TOKEN: Refusal = {
  code: "missing_token",
  message: "This route needs an API token: send it as `Authorization: Bearer <token>`. Create one on the token page.",
  headers: { "WWW-Authenticate": challenge() },
};
const REFUSED_TOKEN = Object.fromEntries(
  Object.entries(FAILURE_MESSAGES).map(([reason, message]) => [reason, invalidToken(message)]),
) as Record<VerifyFailure, Refusal>;

/** What a request's Authorization header holds: a secret to verify, or the refusal to answer with. */
export type Credential =
  | { ok: true; secret: string }
  | { ok: false; refusal: Refusal; /** false when no credential was offered at all */ attempted: boolean };

/** Reads the header; synchronous, as is everything on the way to refusing a bad credential. */
export function readCredential(header: string | null): Credential {
  const value = header?.trim() ?? "";
  if (!value) return { ok: false, attempted: false, refusal: MISSING_TOKEN };
  const [scheme = "", ...rest] = value.split(/\s+/);
  if (scheme.toLowerCase() !== "bearer") {
    return { ok: false, attempted: true, refusal: invalidToken("Send the token with the Bearer scheme: `Authorization: Bearer <token>`.") };
  }
  if (rest.length === 0) {
    return { ok: false, attempted: true, refusal: invalidToken("The Authorization header says Bearer but carries no token after it.") };
  }
  if (rest.length > 1) {
    return {
      ok: false,
      attempted: true,
      refusal: {
        code: "invalid_request",
        message: "The Authorization header must hold exactly one token: `Authorization: Bearer <token>`, with no spaces inside the token.",
        headers: { "WWW-Authenticate": challenge("invalid_request") },
      },
    };
  }
  return { ok: true, secret: rest[0]! };
}

/** The answer to a token that verification refused, saying why in words a person can act on. */
export function refusalFor(reason: VerifyFailure): Refusal {
  return REFUSED_TOKEN[reason];
}
