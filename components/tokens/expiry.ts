import type { Token } from "./types";

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** How close the end must be before the list warns about it. */
export const EXPIRY_WARNING_DAYS = 7;

export type Expiry =
  | { kind: "never" }
  | { kind: "ended"; at: string; marker: "Expired" | "Revoked" }
  | { kind: "soon"; at: string; inWords: string }
  | { kind: "later"; at: string };

/**
 * What the "Expires" column says about a token at `now`. Counts round down, so the words never
 * promise more time than is left: 3 days 1 hour is "3 days", 23 hours 49 minutes is "23 hours".
 */
export function expiryOf(token: Pick<Token, "validTo" | "revokedAt">, now: Date): Expiry {
  if (!token.validTo) return { kind: "never" };
  const left = new Date(token.validTo).getTime() - now.getTime();
  if (token.revokedAt) return { kind: "ended", at: token.validTo, marker: "Revoked" };
  if (left <= 0) return { kind: "ended", at: token.validTo, marker: "Expired" };
  if (left > EXPIRY_WARNING_DAYS * DAY_MS) return { kind: "later", at: token.validTo };
  if (left < HOUR_MS) return { kind: "soon", at: token.validTo, inWords: "expires in less than an hour" };
  if (left < DAY_MS) {
    const hours = Math.floor(left / HOUR_MS);
    return { kind: "soon", at: token.validTo, inWords: `expires in ${hours} ${hours === 1 ? "hour" : "hours"}` };
  }
  const days = Math.floor(left / DAY_MS);
  return { kind: "soon", at: token.validTo, inWords: `expires in ${days} ${days === 1 ? "day" : "days"}` };
}
