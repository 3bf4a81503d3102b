import "server-only";
import { config } from "@/lib/config";
import { prisma } from "@/lib/db";
import { SECRET_PREFIX, hashSecret, isWellFormedSecret } from "./secret";
import { statusOf, type InactiveReason } from "./status";

/**
 * The one answer to "is this secret a usable token, and what may it do?", used by every
 * protected route and by introspection.
 */
export type VerifiedToken = {
  guid: string;
  name: string;
  userId: string;
  userEmail: string;
  /** The token's scopes ∩ the scopes its owner holds right now. */
  scopes: string[];
  validFrom: Date;
  validTo: Date | null;
  createdAt: Date;
};

export type VerifyFailure = "malformed" | "unknown" | InactiveReason;
export type VerifyResult = { ok: true; token: VerifiedToken } | { ok: false; reason: VerifyFailure };

const PLACEHOLDER = SECRET_PREFIX + "0".repeat(36);

export async function verifySecret(secret: string, now = new Date()): Promise<VerifyResult> {
  const wellFormed = isWellFormedSecret(secret);
  // Hash something of the same length either way, so a malformed token costs what a real one does
  // up to the database lookup, which it never reaches.
  const hash = hashSecret(wellFormed ? secret : PLACEHOLDER, config().tokenHashKey);
  if (!wellFormed) return { ok: false, reason: "malformed" };

  const db = await prisma();
  const row = await db.tokenSecret.findUnique({
    where: { hash },
    select: {
      expiresAt: true,
      token: {
        select: {
          guid: true,
          name: true,
          userId: true,
          validFrom: true,
          validTo: true,
          revokedAt: true,
          createdAt: true,
          scopes: { select: { scopeName: true } },
          user: { select: { email: true, grants: { select: { scopeName: true } } } },
        },
      },
    },
  });
  // A secret replaced by rotation works only until the end of its overlap.
  if (!row || (row.expiresAt && row.expiresAt.getTime() <= now.getTime())) return { ok: false, reason: "unknown" };
  const { token } = row;
  const status = statusOf(token, now);
  if (!status.active) return { ok: false, reason: status.reason };
  const held = new Set(token.user.grants.map((g) => g.scopeName));
  return {
    ok: true,
    token: {
      guid: token.guid,
      name: token.name,
      userId: token.userId,
      userEmail: token.user.email,
      scopes: token.scopes.map((s) => s.scopeName).filter((s) => held.has(s)).sort(),
      validFrom: token.validFrom,
      validTo: token.validTo,
      createdAt: token.createdAt,
    },
  };
}
