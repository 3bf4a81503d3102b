import "server-only";
import { recordEvent, SYSTEM } from "@/lib/audit/events";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { revokedUnusedMessage, unusedWarningMessage } from "@/lib/notifications/messages";
import { notify } from "@/lib/notifications/notify";
import { UNUSED_WARNING_DAYS } from "@/lib/policies/rules";
import { tokenChanged } from "@/lib/tokens/events";
import { withdrawReminders } from "@/lib/tokens/reminders";
import { unusedSql } from "@/lib/tokens/unused";

/**
 * The stale-token policy (deployment_settings.revoke_unused_after_days = N), run by the maintenance
 * job: an active token whose last use (or creation, if never used) is N − 7 days old is warned,
 * once for that stretch of disuse; one unused for N days and warned at least 7 days ago is revoked
 * by the system. A warning counts only if it was given N − 7 days or more after the last use, so a
 * use (or a policy made longer) needs a new one, and nothing is revoked unwarned: a policy switched
 * on over old tokens warns them all first. docs/notifications.md, "Stale tokens".
 */

const DAY_MS = 86_400_000;
export const STALE_REVOCATION_REASON = (days: number) => `Not used for ${days} days: the administrators' policy revokes unused tokens.`;

export type StaleResult = { warned: number; revoked: number };

type Row = { guid: string; user_id: string; email: string; name: string; last_used_at: Date | null; last_active: Date };

const lastActive = Prisma.sql`COALESCE(t."last_used_at", t."created_at")`;
const days = (n: number) => Prisma.sql`make_interval(days => ${n}::int)`;

/** Active tokens matching `condition`, walked in (last activity, guid) order along tokens_unused_idx, `batch` at a time. */
async function* walk(db: PrismaClient, condition: Prisma.Sql, now: Date, batch: number, stopped: () => boolean): AsyncGenerator<Row[]> {
  let after: { at: Date; guid: string } | null = null;
  while (!stopped()) {
    const from: Prisma.Sql = after ? Prisma.sql`AND (${lastActive}, t."guid") > (${after.at}::timestamptz, ${after.guid}::uuid)` : Prisma.empty;
    const rows: Row[] = await db.$queryRaw<Row[]>`
      SELECT t."guid"::text AS guid, t."user_id"::text AS user_id, u."email", t."name", t."last_used_at", ${lastActive} AS last_active
      FROM "tokens" t JOIN "users" u ON u."id" = t."user_id"
      WHERE t."revoked_at" IS NULL AND ${condition} ${from}
        AND t."valid_from" <= ${now} AND (t."valid_to" IS NULL OR t."valid_to" > ${now})
      ORDER BY ${lastActive}, t."guid" LIMIT ${batch}`;
    if (rows.length) yield rows;
    if (rows.length < batch) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.last_active, guid: last.guid };
  }
}

/** One sweep at `now` under the policy as saved; nothing when it is off. */
export async function sweepStaleTokens(db: PrismaClient, now: Date, batch: number, stopped: () => boolean = () => false): Promise<StaleResult> {
  const settings = await db.deploymentSettings.findUnique({ where: { id: 1 }, select: { revokeUnusedAfterDays: true } });
  const n = settings?.revokeUnusedAfterDays ?? null;
  if (n === null) return { warned: 0, revoked: 0 };
  const leadDays = n - UNUSED_WARNING_DAYS;
  // A warning given for this stretch of disuse: no earlier than N − 7 days after the last use.
  const warnedForThis = Prisma.sql`t."unused_warned_at" >= ${lastActive} + ${days(leadDays)}`;
  const weekAgo = new Date(now.getTime() - UNUSED_WARNING_DAYS * DAY_MS);

  // Revocations first: a token warned in this run is not due for 7 days anyway.
  let revoked = 0;
  const due = Prisma.sql`${unusedSql(n, now)} AND ${warnedForThis} AND t."unused_warned_at" <= ${weekAgo}`;
  for await (const rows of walk(db, due, now, batch, stopped)) {
    for (const row of rows) if (await revoke(db, row, n, now)) revoked++;
  }

  let warned = 0;
  const revokeAt = Prisma.sql`GREATEST(${lastActive} + ${days(n)}, ${new Date(now.getTime() + UNUSED_WARNING_DAYS * DAY_MS)}::timestamptz)`;
  // A token that ends before it would be revoked is not warned: its expiry reminders speak for it.
  const toWarn = Prisma.sql`${unusedSql(leadDays, now)} AND (t."unused_warned_at" IS NULL OR NOT (${warnedForThis})) AND (t."valid_to" IS NULL OR t."valid_to" > ${revokeAt})`;
  for await (const rows of walk(db, toWarn, now, batch, stopped)) {
    for (const row of rows) if (await warn(db, row, n, now)) warned++;
  }
  return { warned, revoked };
}

// Each change re-checks in its UPDATE that the token is still unused since the walk read it (a use flushed meanwhile cancels).
const unchanged = (row: Row) => Prisma.sql`"revoked_at" IS NULL AND COALESCE("last_used_at", "created_at") = ${row.last_active}::timestamptz`;

async function warn(db: PrismaClient, row: Row, n: number, now: Date): Promise<boolean> {
  const revokeAt = new Date(Math.max(row.last_active.getTime() + n * DAY_MS, now.getTime() + UNUSED_WARNING_DAYS * DAY_MS));
  return db.$transaction(async (tx) => {
    const count = await tx.$executeRaw`UPDATE "tokens" SET "unused_warned_at" = ${now} WHERE "guid" = ${row.guid}::uuid AND ${unchanged(row)}`;
    if (!count) return false;
    const key = `token.unused_warning:${row.guid}:${row.last_active.toISOString()}:${n}`;
    await notify(tx, { id: row.user_id, email: row.email }, unusedWarningMessage({ guid: row.guid, name: row.name }, n, revokeAt), { dedupeKey: key }, now);
    return true;
  });
}

async function revoke(db: PrismaClient, row: Row, n: number, now: Date): Promise<boolean> {
  const done = await db.$transaction(async (tx) => {
    const count = await tx.$executeRaw`
      UPDATE "tokens" SET "revoked_at" = ${now}, "valid_to" = ${now}, "revocation_reason" = ${STALE_REVOCATION_REASON(n)}, "revoked_by_system" = true, "updated_at" = ${now}
      WHERE "guid" = ${row.guid}::uuid AND ${unchanged(row)}`;
    if (!count) return false;
    const key = `token.revoked_unused:${row.guid}:${row.last_active.toISOString()}`;
    await recordEvent(
      tx,
      SYSTEM,
      {
        action: "token.revoked_unused",
        targetUser: row.user_id,
        targetToken: row.guid,
        details: { name: row.name, lastUsedAt: row.last_used_at?.toISOString() ?? null, days: n },
        dedupeKey: key,
      },
      now,
    );
    await notify(tx, { id: row.user_id, email: row.email }, revokedUnusedMessage({ guid: row.guid, name: row.name }, n), { dedupeKey: key }, now);
    await withdrawReminders(tx, { userId: row.user_id, tokenGuid: row.guid }, now);
    return true;
  });
  // This instance refuses it at once; the others hear the tokens trigger's NOTIFY on commit.
  if (done) await tokenChanged(row.guid);
  return done;
}
