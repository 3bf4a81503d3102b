import "server-only";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import {
  DAY_MS,
  endsSetSince,
  expiredNoticeKey,
  expiringKey,
  isTold,
  NOTICE_LOOKBACK_MS,
  REMINDER_DAYS,
  SETTLE_MS,
  tellOnce,
  type Reminded,
} from "@/lib/tokens/reminders";

/**
 * The maintenance job's reminder sweep (docs/notifications.md, "Reminders before expiry"): each
 * run tells of the thresholds (30, 7 and 1 days before a token's end, and the end itself) that
 * were reached in its window, the nearest only. Reads by the (valid_to, guid) index in batches.
 */

type Row = { guid: string; user_id: string; name: string; partial: string; valid_to: Date };

const breather = () => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * Tells every threshold reached in (from, now], at most NOTICE_LOOKBACK_MS back: once per token,
 * threshold, secret and end, by the notices' dedupe keys. Answers how many notices it added.
 */
export async function sendReminders(db: PrismaClient, from: Date, now: Date, batch: number, stopped: () => boolean): Promise<number> {
  const since = new Date(Math.max(from.getTime(), now.getTime() - NOTICE_LOOKBACK_MS));
  let told = 0;
  // 0 is the end itself. Each threshold's tokens are those still short of the next nearer one.
  const thresholds = [0, ...[...REMINDER_DAYS].sort((a, b) => a - b)];
  for (const [i, days] of thresholds.entries()) {
    const nearer = i === 0 ? null : thresholds[i - 1]!;
    const shift = days * DAY_MS;
    // valid_to − days in (since, now]; and, for a reminder, more left than the nearer threshold.
    const low = Math.max(since.getTime() + shift, nearer === null ? -Infinity : now.getTime() + nearer * DAY_MS);
    const high = new Date(now.getTime() + shift);
    let after = { at: new Date(low), guid: "ffffffff-ffff-ffff-ffff-ffffffffffff" };
    while (!stopped()) {
      const rows = await db.$queryRaw<Row[]>`
        SELECT t.guid::text AS guid, t.user_id::text AS user_id, t.name, t.partial, t.valid_to FROM tokens t JOIN users u ON u.id = t.user_id
        WHERE t.valid_to <= ${high} AND (t.valid_to, t.guid) > (${after.at}, ${after.guid}::uuid)
          AND t.revoked_at IS NULL AND u.disabled_at IS NULL
        ORDER BY t.valid_to, t.guid LIMIT ${batch}`;
      told += await tellBatch(db, rows, days, now);
      if (rows.length < batch) break;
      const last = rows[rows.length - 1]!;
      after = { at: last.valid_to, guid: last.guid };
      await breather();
    }
  }
  return told;
}

async function tellBatch(db: PrismaClient, rows: Row[], days: number, now: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const tokens: Reminded[] = rows.map((r) => ({ guid: r.guid, userId: r.user_id, name: r.name, partial: r.partial, validTo: r.valid_to }));
  const keyOf = (t: Reminded) => (days === 0 ? expiredNoticeKey(t.guid, t.validTo) : expiringKey(t.guid, days, t.partial, t.validTo));
  // Most of a batch re-read within the look-back was told before: one query finds those.
  const known = await db.notification.findMany({ where: { dedupeKey: { in: tokens.map(keyOf) } }, select: { dedupeKey: true } });
  const done = new Set(known.map((k) => k.dedupeKey));
  const fresh = tokens.filter((t) => !done.has(keyOf(t)));
  if (fresh.length === 0) return 0;
  const instant = (t: Reminded) => new Date(t.validTo.getTime() - days * DAY_MS);
  const earliest = Math.min(...fresh.map((t) => instant(t).getTime()));
  const setAt = await endsSetSince(db, fresh.map((t) => t.guid), new Date(earliest - SETTLE_MS));
  let told = 0;
  for (const token of fresh) {
    if (!isTold(instant(token), setAt.get(token.guid), now)) continue;
    if (await db.$transaction((tx) => tellOnce(tx, token, days, now))) told++;
  }
  return told;
}
