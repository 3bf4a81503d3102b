/**
 * A token is Active when it is not revoked, valid-from ≤ now and (no valid-to or now < valid-to).
 * The same rule is written twice, once for a loaded row and once as a database filter;
 * tests pin both to the same boundaries.
 */
import type { Prisma } from "@/lib/generated/prisma/client";

/** One word, the same for the page and the API: active, or why the token is inactive. */
export const TOKEN_STATUSES = ["active", "revoked", "expired", "scheduled"] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];
export type InactiveReason = Exclude<TokenStatus, "active">;

/** As loaded (Dates) or as the verification cache holds it (epoch milliseconds). */
export type Validity = { validFrom: Date | number; validTo: Date | number | null; revokedAt: Date | number | null };

const ms = (time: Date | number) => (typeof time === "number" ? time : time.getTime());

export function statusOf(token: Validity, now: Date = new Date()): TokenStatus {
  if (token.revokedAt != null) return "revoked";
  if (token.validTo != null && ms(token.validTo) <= now.getTime()) return "expired";
  if (ms(token.validFrom) > now.getTime()) return "scheduled";
  return "active";
}

export function activeWhere(now: Date): Prisma.TokenWhereInput {
  return {
    revokedAt: null,
    validFrom: { lte: now },
    OR: [{ validTo: null }, { validTo: { gt: now } }],
  };
}

export function inactiveWhere(now: Date): Prisma.TokenWhereInput {
  return {
    OR: [{ revokedAt: { not: null } }, { validFrom: { gt: now } }, { validTo: { lte: now } }],
  };
}

/** Active or scheduled: not revoked and not ended (what the active-tokens policy counts). */
export function liveWhere(now: Date): Prisma.TokenWhereInput {
  return { revokedAt: null, OR: [{ validTo: null }, { validTo: { gt: now } }] };
}
