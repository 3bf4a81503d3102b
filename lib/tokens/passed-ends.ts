import "server-only";
import { recordEvent, SYSTEM, type AuditEvent } from "@/lib/audit/events";
import type { Prisma } from "@/lib/db";

/**
 * The events time derives from a token: it expired, a rotation's overlap ended. The maintenance
 * job (lib/jobs/maintenance.ts) records them as time passes; a change that would rewrite what the
 * job reads (an edit moving an end already passed, a rotation dropping secrets whose overlap has
 * ended, a deletion) records them first, in its own transaction. The dedupe keys make whichever
 * comes first the only record.
 */
export const expiredKey = (guid: string, validTo: Date) => `token.expired:${guid}:${validTo.toISOString()}`;
export const overlapEndedKey = (guid: string, expiresAt: Date) => `token.overlap_ended:${guid}:${expiresAt.toISOString()}`;

type TokenRef = { guid: string; userId: string; name: string };
type KeyedEvent = AuditEvent & { dedupeKey: string };

export function expiryEvent(token: TokenRef, validTo: Date): KeyedEvent {
  return {
    action: "token.expired",
    targetUser: token.userId,
    targetToken: token.guid,
    details: { name: token.name, validTo: validTo.toISOString() },
    dedupeKey: expiredKey(token.guid, validTo),
  };
}

export function overlapEndEvent(token: TokenRef, endedAt: Date): KeyedEvent {
  return {
    action: "token.overlap_ended",
    targetUser: token.userId,
    targetToken: token.guid,
    details: { name: token.name, endedAt: endedAt.toISOString() },
    dedupeKey: overlapEndedKey(token.guid, endedAt),
  };
}

/** Records what time already did to the token by `now` (as the job would), at the moment it happened. */
export async function recordPassedEnds(
  tx: Prisma.TransactionClient,
  token: TokenRef & { validTo: Date | null; revokedAt: Date | null },
  now: Date,
): Promise<void> {
  if (token.validTo && token.validTo.getTime() <= now.getTime() && !token.revokedAt) {
    await recordEvent(tx, SYSTEM, expiryEvent(token, token.validTo), token.validTo);
  }
  // The job's rule: the latest secret end, once passed, ended an overlap if the token still worked then.
  const latest = await tx.tokenSecret.aggregate({ where: { tokenGuid: token.guid }, _max: { expiresAt: true } });
  const end = latest._max.expiresAt;
  if (!end || end.getTime() > now.getTime()) return;
  const stillWorked = (at: Date | null) => at === null || at.getTime() > end.getTime();
  if (stillWorked(token.revokedAt) && stillWorked(token.validTo)) await recordEvent(tx, SYSTEM, overlapEndEvent(token, end), end);
}
