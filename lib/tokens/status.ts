/**
 * A token is Active when it is not revoked, valid-from ≤ now and (no valid-to or now < valid-to).
 * The same rule is written twice, once for a loaded row and once as a database filter;
 * tests pin both to the same boundaries.
 */
import type { Prisma } from "@/lib/generated/prisma/client";

export type InactiveReason = "revoked" | "expired" | "scheduled";
export type TokenStatus = { active: true } | { active: false; reason: InactiveReason };

export type Validity = { validFrom: Date; validTo: Date | null; revokedAt: Date | null };

export function statusOf(token: Validity, now: Date = new Date()): TokenStatus {
  if (token.revokedAt) return { active: false, reason: "revoked" };
  if (token.validTo && token.validTo.getTime() <= now.getTime()) return { active: false, reason: "expired" };
  if (token.validFrom.getTime() > now.getTime()) return { active: false, reason: "scheduled" };
  return { active: true };
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
