import "server-only";
import type { Prisma } from "@/lib/db";
import { expiredMessage, expiringMessage } from "@/lib/notifications/messages";
import { notify } from "@/lib/notifications/notify";
import { expiredKey } from "./passed-ends";

/**
 * The rules of reminders before expiry and the notice at expiry (docs/notifications.md,
 * "Reminders before expiry"): the sweep (lib/jobs/reminders.ts) and the token service's changes
 * share them. Each notice has a dedupe key, so it goes out once however many instances sweep.
 */

export const REMINDER_DAYS = [30, 7, 1] as const;
export const DAY_MS = 24 * 3600_000;
/** A threshold reached within this long of the end being set (created, rotated, edited) is not told: the person just chose it. */
export const SETTLE_MS = 3600_000;
/** A threshold crossed longer ago than this (a long outage) is stale news, not told. */
export const NOTICE_LOOKBACK_MS = 7 * DAY_MS;

export const EXPIRING_KIND = "token.expiring";
export const EXPIRED_KIND = "token.expired";

/** Changes with a rotation (the partial) and an extension (the end), so either starts afresh. */
export const expiringKey = (guid: string, days: number, partial: string, validTo: Date) => `${EXPIRING_KIND}:${guid}:${days}:${partial}:${validTo.toISOString()}`;
/** The expiry's notice has the key of its audit event (lib/tokens/passed-ends.ts): one per end. */
export const expiredNoticeKey = expiredKey;

/** The threshold (days) a token with `remainingMs` left is in: the nearest one; null past the farthest or once ended. */
export function currentThreshold(remainingMs: number): number | null {
  if (remainingMs <= 0) return null;
  let nearest: number | null = null;
  for (const days of REMINDER_DAYS) if (remainingMs <= days * DAY_MS) nearest = days;
  return nearest;
}

/** Whether a threshold reached at `instant` is told: late enough after the end was set, and not too long ago. */
export function isTold(instant: Date, endSetAt: Date | undefined, now: Date): boolean {
  if (instant.getTime() > now.getTime() || instant.getTime() <= now.getTime() - NOTICE_LOOKBACK_MS) return false;
  return endSetAt === undefined || instant.getTime() - endSetAt.getTime() > SETTLE_MS;
}

type Reader = Pick<Prisma.TransactionClient, "$queryRaw">;

/**
 * When each token's current end and secret were last set (created, rotated, or its end edited),
 * if at or after `since`: the audit record of those changes, read only as far back as can matter.
 */
export async function endsSetSince(db: Reader, guids: string[], since: Date): Promise<Map<string, Date>> {
  if (guids.length === 0) return new Map();
  const rows = await db.$queryRaw<{ guid: string; at: Date }[]>`
    SELECT target_token_guid::text AS guid, max(occurred_at) AS at FROM audit_events
    WHERE target_token_guid = ANY(${guids}::uuid[]) AND occurred_at >= ${since}
      AND (action IN ('token.created', 'token.rotated') OR (action = 'token.edited' AND details->'changes'->'validTo' IS NOT NULL))
    GROUP BY target_token_guid`;
  return new Map(rows.map((row) => [row.guid, row.at]));
}

export type Reminded = { guid: string; userId: string; name: string; partial: string; validTo: Date };


/**
 * Tells the owner of `token` what its end means at `now`: `days` before it (a reminder) or 0 (it
 * expired). The token and its owner are locked and read again first, so a revocation, deletion,
 * change of end or disabling that commits meanwhile either wins (nothing is told) or waits, and
 * then withdraws what this queued (withdrawReminders).
 */
export async function tellOnce(tx: Prisma.TransactionClient, token: Reminded, days: number, now: Date): Promise<boolean> {
  // The owner first, then the token: the order deleting an account takes them in (its cascade), so the two cannot deadlock.
  const [owner] = await tx.$queryRaw<{ email: string; disabled_at: Date | null }[]>`
    SELECT email, disabled_at FROM users WHERE id = ${token.userId}::uuid FOR SHARE`;
  const [row] = await tx.$queryRaw<{ name: string; partial: string; valid_to: Date | null; revoked_at: Date | null }[]>`
    SELECT name, partial, valid_to, revoked_at FROM tokens WHERE guid = ${token.guid}::uuid FOR SHARE`;
  if (!owner || owner.disabled_at || !row || row.revoked_at || row.partial !== token.partial || row.valid_to?.getTime() !== token.validTo.getTime()) return false;
  const ref = { guid: token.guid, name: row.name };
  const to = { id: token.userId, email: owner.email };
  if (days === 0) return notify(tx, to, expiredMessage(ref, token.validTo), { dedupeKey: expiredNoticeKey(token.guid, token.validTo) }, now);
  // Late (after an outage) the reminder says how long is really left, never more than its threshold.
  const left = Math.min(days, Math.max(1, Math.round((token.validTo.getTime() - now.getTime()) / DAY_MS)));
  return notify(tx, to, expiringMessage(ref, left, token.validTo), { dedupeKey: expiringKey(token.guid, days, token.partial, token.validTo) }, now);
}

/**
 * A token's end moves (an edit, a rotation with a new end): an expiry already passed is told now,
 * as the sweep would have (it will find the new end instead), and the reminders still queued for
 * the old end are withdrawn. Called in the change's transaction, with the token row locked.
 */
export async function endMoved(
  tx: Prisma.TransactionClient,
  before: { guid: string; userId: string; name: string; partial: string; validTo: Date | null; revokedAt: Date | null },
  now: Date,
): Promise<void> {
  await withdrawReminders(tx, { userId: before.userId, tokenGuid: before.guid, kinds: [EXPIRING_KIND] }, now);
  const end = before.validTo;
  if (!end || before.revokedAt || end.getTime() > now.getTime()) return;
  const setAt = (await endsSetSince(tx, [before.guid], new Date(end.getTime() - SETTLE_MS))).get(before.guid);
  if (isTold(end, setAt, now)) await tellOnce(tx, { guid: before.guid, userId: before.userId, name: before.name, partial: before.partial, validTo: end }, 0, now);
}

/**
 * Deletes the reminder mails not yet sent for a token (revoked or deleted) or for all of a
 * person's tokens (account disabled or deleted), in the change's transaction. A mail an instance
 * is sending right now (claimed) is already on its way and stays.
 */
export async function withdrawReminders(
  tx: Pick<Prisma.TransactionClient, "$executeRaw">,
  target: { userId: string; tokenGuid?: string; kinds?: string[] },
  now: Date,
): Promise<number> {
  const kinds = target.kinds ?? [EXPIRING_KIND, EXPIRED_KIND];
  // Both keys name the token right after the kind (expiringKey, expiredKey).
  return tx.$executeRaw`
    DELETE FROM mail_outbox
    WHERE user_id = ${target.userId}::uuid AND kind = ANY(${kinds}::text[]) AND sent_at IS NULL AND failed_at IS NULL
      AND (claimed_until IS NULL OR claimed_until < ${now})
      AND (${target.tokenGuid ?? null}::text IS NULL OR split_part(dedupe_key, ':', 2) = ${target.tokenGuid ?? null}::text)`;
}
