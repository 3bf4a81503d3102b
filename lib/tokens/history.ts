import "server-only";
import { prisma } from "@/lib/db";
import { guidSchema } from "@/lib/validation/tokens";

/**
 * Every secret a token has had (table token_secret_history, written by the token service):
 * token_secrets keeps only the hashes that still work, the rotation history needs them all.
 */
export type SecretHistoryEntry = {
  /** The secret's recognisable prefix, as the token showed it while that secret was current. */
  partial: string;
  issuedAt: Date;
  /** When it stopped, or stops, working (an overlap's end may be ahead); null for the current secret. */
  stoppedAt: Date | null;
  /** The token's current secret: it works until the token's own end (revoked, expired or validTo). */
  current: boolean;
};

/** A token's secrets, newest first; empty for a GUID the user does not own (the page answers those 404). */
export async function secretHistory(userId: string, guid: string): Promise<SecretHistoryEntry[]> {
  if (!guidSchema.safeParse(guid).success || !guidSchema.safeParse(userId).success) return [];
  const db = await prisma();
  const rows = await db.tokenSecretHistory.findMany({
    where: { tokenGuid: guid.toLowerCase(), token: { userId } },
    select: { partial: true, issuedAt: true, stoppedAt: true },
    // A rotation in the same millisecond as the one before: the current secret still comes first.
    orderBy: [{ issuedAt: "desc" }, { stoppedAt: { sort: "desc", nulls: "first" } }],
  });
  return rows.map((row) => ({ ...row, current: row.stoppedAt === null }));
}
