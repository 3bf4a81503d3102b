import "server-only";
import { recordEvent, SYSTEM, type AuditEvent } from "@/lib/audit/events";
import { jobsConfig, type JobsConfig } from "@/lib/config";
import { database, inBackground } from "@/lib/db";
import { loggable } from "@/lib/errors";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { expiryEvent, overlapEndEvent } from "@/lib/tokens/passed-ends";
import { sendReminders } from "./reminders";
import { MAIL_RETENTION_DAYS, pruneMail } from "@/lib/mail/outbox";
import { pruneReadNotifications } from "@/lib/notifications/prune";
import { sweepStaleTokens, type StaleResult } from "./stale-tokens";

/**
 * The periodic job (docs/architecture.md, "Maintenance job"): records the events time derives
 * (tokens expiring, rotation overlaps ending by time) and deletes what is past its retention.
 * One instance at a time runs it; each event has a dedupe key, so a run that overlaps another
 * anyway (a lost lock, a clock behind) records nothing twice.
 */

/** PostgreSQL advisory lock key: Prisma Migrate's (72707369, lib/db/migrate.ts) plus one. */
export const MAINTENANCE_LOCK = 72707370;
/**
 * Each run looks this far before the watermark: a token whose end was set (by an edit committing
 * late, up to a minute in the past, or on an instance whose clock is behind) at an instant the
 * watermark has already passed is still found. The dedupe keys make the re-reading harmless.
 */
export const LOOKBACK_MS = 60 * 60_000;
/** Rows read per query when recording events, and deleted per statement when pruning. */
export const EVENT_BATCH = 500;
export const PRUNE_BATCH = 5000;

// PGlite runs each statement on this thread, and a request's transaction needs several turns at
// its queue: without a pause between batches a long run would have it wait for the whole run.
const breather = () => new Promise((resolve) => setTimeout(resolve, 5));

const DAY_MS = 24 * 3600_000;
const HOUR_MS = 3600_000;

export type MaintenanceResult = {
  expired: number;
  overlapsEnded: number;
  /** Reminders before expiry and notices at expiry added (lib/jobs/reminders.ts). */
  reminders: number;
  /** The stale-token policy: tokens warned and revoked for going unused. */
  stale: StaleResult;
  /** `introspections`: who-asked-about-what pairs of the change feed not introspected within the usage retention. */
  deleted: { auditEvents: number; usageHours: number; addresses: number; introspections: number; passwordResets: number };
  /** Sent and given-up mail past MAIL_RETENTION_DAYS; read notices past the audit retention. */
  mail: { pruned: number };
  notifications: { pruned: number };
};

export type MaintenanceOptions = {
  /** Retention settings (default: the environment's). */
  settings?: Pick<JobsConfig, "auditRetentionDays" | "usageRetentionDays">;
  /** Stops between batches (shutdown); what was done stays done. */
  signal?: AbortSignal;
  eventBatch?: number;
  pruneBatch?: number;
};

/**
 * One run at `now`, unless another instance is running one: then `null` at once. Every query is
 * counted as background work (no request waits for it).
 */
export async function runMaintenance(now = new Date(), options: MaintenanceOptions = {}): Promise<MaintenanceResult | null> {
  const db = await database();
  const outcome = await db.exclusively(MAINTENANCE_LOCK, () => inBackground(() => maintain(db.prisma, now, options)));
  return outcome.ran ? outcome.value : null;
}

async function maintain(db: PrismaClient, now: Date, options: MaintenanceOptions): Promise<MaintenanceResult> {
  const settings = options.settings ?? jobsConfig();
  const stopped = () => options.signal?.aborted ?? false;
  const state = await db.jobsState.upsert({ where: { id: 1 }, create: { id: 1, eventsThrough: now }, update: {} });
  const from = new Date(Math.min(state.eventsThrough.getTime(), now.getTime()) - LOOKBACK_MS);
  const batch = options.eventBatch ?? EVENT_BATCH;

  const expired = await recordExpiries(db, from, now, batch, stopped);
  const overlapsEnded = await recordOverlapEnds(db, from, now, batch, stopped);
  const reminders = await sendReminders(db, from, now, batch, stopped);
  const stale = await sweepStaleTokens(db, now, batch, stopped);
  if (!stopped()) {
    // Never backwards: an instance whose clock is behind must not make the next run re-read a longer past.
    await db.$executeRaw`UPDATE jobs_state SET events_through = GREATEST(events_through, ${now}), last_run_at = ${now} WHERE id = 1`;
  }

  const prune = options.pruneBatch ?? PRUNE_BATCH;
  const auditCutoff = new Date(now.getTime() - settings.auditRetentionDays * DAY_MS);
  const usageCutoff = new Date(now.getTime() - settings.usageRetentionDays * DAY_MS);
  const deleted = {
    auditEvents: await pruneRows(db, "audit_events", "occurred_at", "<", auditCutoff, prune, stopped),
    // An hour is deleted once all of it is past the limit: its start is at least an hour before the cutoff.
    usageHours: await pruneRows(db, "token_usage", "hour", "<=", new Date(usageCutoff.getTime() - HOUR_MS), prune, stopped),
    addresses: await pruneRows(db, "token_addresses", "last_seen_at", "<", usageCutoff, prune, stopped),
    // A deleted token's pairs age out with the rest, never sooner: the feed reads them just after the deletion.
    introspections: await pruneRows(db, "introspected_tokens", "introspected_at", "<", usageCutoff, prune, stopped),
    // A link is dead an hour after it is made; the per-account limit looks back no further than that.
    passwordResets: await pruneRows(db, "password_resets", "expires_at", "<", new Date(now.getTime() - DAY_MS), prune, stopped),
  };
  const mail = { pruned: await pruneMail(db, new Date(now.getTime() - MAIL_RETENTION_DAYS * DAY_MS), prune, stopped) };
  const notifications = { pruned: await pruneReadNotifications(db, auditCutoff, prune, stopped) };
  return { expired, overlapsEnded, reminders, stale, deleted, mail, notifications };
}

/** Records each event not yet recorded; `occurredAt` is when it happened, not when it was noticed. */
async function recordAll(db: PrismaClient, events: { event: AuditEvent & { dedupeKey: string }; at: Date }[]): Promise<number> {
  if (events.length === 0) return 0;
  // Most of a batch re-read within the look-back is already recorded: one query finds those.
  const known = await db.auditEvent.findMany({ where: { dedupeKey: { in: events.map((e) => e.event.dedupeKey) } }, select: { dedupeKey: true } });
  const recorded = new Set(known.map((k) => k.dedupeKey));
  let count = 0;
  for (const { event, at } of events) {
    if (!recorded.has(event.dedupeKey) && (await recordEvent(db, SYSTEM, event, at))) count++;
  }
  return count;
}

type ExpiredRow = { guid: string; user_id: string; name: string; valid_to: Date };

/** Tokens whose end passed in (from, now] without a revocation (revoking sets the end to that moment). */
async function recordExpiries(db: PrismaClient, from: Date, now: Date, batch: number, stopped: () => boolean): Promise<number> {
  let count = 0;
  let after: { at: Date; guid: string } = { at: from, guid: "ffffffff-ffff-ffff-ffff-ffffffffffff" };
  while (!stopped()) {
    // Keyset over the (valid_to, guid) index, so a backlog of days is read in bounded steps.
    const rows = await db.$queryRaw<ExpiredRow[]>`
      SELECT guid::text AS guid, user_id::text AS user_id, name, valid_to FROM tokens
      WHERE valid_to <= ${now} AND (valid_to, guid) > (${after.at}, ${after.guid}::uuid) AND revoked_at IS NULL
      ORDER BY valid_to, guid LIMIT ${batch}`;
    count += await recordAll(
      db,
      rows.map((row) => ({
        at: row.valid_to,
        event: expiryEvent({ guid: row.guid, userId: row.user_id, name: row.name }, row.valid_to),
      })),
    );
    if (rows.length < batch) break;
    const last = rows[rows.length - 1]!;
    after = { at: last.valid_to, guid: last.guid };
    await breather();
  }
  return count;
}

type OverlapRow = { guid: string; user_id: string; name: string; expires_at: Date };

/**
 * Rotation overlaps that ended by time in (from, now]: the token's last secret end passed while the
 * token itself still worked. An earlier end that a later rotation outlasted ended nothing, and an
 * overlap cut short by the token's own end or revocation is that event's, not this one.
 */
async function recordOverlapEnds(db: PrismaClient, from: Date, now: Date, batch: number, stopped: () => boolean): Promise<number> {
  let count = 0;
  let after: { at: Date; guid: string } = { at: from, guid: "ffffffff-ffff-ffff-ffff-ffffffffffff" };
  while (!stopped()) {
    const rows = await db.$queryRaw<OverlapRow[]>`
      SELECT DISTINCT s.token_guid::text AS guid, t.user_id::text AS user_id, t.name, s.expires_at FROM token_secrets s
      JOIN tokens t ON t.guid = s.token_guid
      WHERE s.expires_at <= ${now} AND (s.expires_at, s.token_guid) > (${after.at}, ${after.guid}::uuid)
        AND (t.revoked_at IS NULL OR t.revoked_at > s.expires_at) AND (t.valid_to IS NULL OR t.valid_to > s.expires_at)
        AND NOT EXISTS (SELECT 1 FROM token_secrets later WHERE later.token_guid = s.token_guid AND later.expires_at > s.expires_at)
      ORDER BY s.expires_at, guid LIMIT ${batch}`;
    count += await recordAll(
      db,
      rows.map((row) => ({
        at: row.expires_at,
        event: overlapEndEvent({ guid: row.guid, userId: row.user_id, name: row.name }, row.expires_at),
      })),
    );
    if (rows.length < batch) break;
    const last = rows[rows.length - 1]!;
    after = { at: last.expires_at, guid: last.guid };
    await breather();
  }
  return count;
}

type Prunable = "audit_events" | "token_usage" | "token_addresses" | "introspected_tokens" | "password_resets";

/**
 * Deletes the table's rows with `column op cutoff`, `batch` rows per statement (each its own short
 * transaction), so a backlog never holds one long transaction or many locks at once.
 */
async function pruneRows(db: PrismaClient, table: Prunable, column: string, op: "<" | "<=", cutoff: Date, batch: number, stopped: () => boolean): Promise<number> {
  // Constants of this module, never input: safe to splice into the statement.
  const sql = `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${column} ${op} $1 LIMIT ${Number(batch)}))`;
  let total = 0;
  while (!stopped()) {
    const count = await db.$executeRawUnsafe(sql, cutoff);
    total += count;
    if (count < batch) break;
    await breather();
  }
  return total;
}

type Schedule = { timer?: NodeJS.Timeout; running?: Promise<void>; controller: AbortController };
const holder = globalThis as unknown as { tollgateMaintenance?: Schedule };

/** The first run comes this soon after start (or after one interval, if that is shorter). */
const FIRST_RUN_MS = 15_000;

/**
 * Starts the job's timer in this process (once; instrumentation.ts calls it as the server starts).
 * Runs never overlap here: the next is scheduled when the last has finished.
 */
export function startMaintenance(): void {
  if (holder.tollgateMaintenance) return;
  const { maintenanceIntervalMs } = jobsConfig();
  const state: Schedule = { controller: new AbortController() };
  holder.tollgateMaintenance = state;
  const schedule = (delay: number) => {
    if (state.controller.signal.aborted) return;
    state.timer = setTimeout(() => {
      state.running = tick(state.controller.signal).finally(() => {
        state.running = undefined;
        schedule(maintenanceIntervalMs);
      });
    }, delay);
    // The timer alone must not keep a process alive (scripts, tests).
    state.timer.unref();
  };
  schedule(Math.min(FIRST_RUN_MS, maintenanceIntervalMs));
}

async function tick(signal: AbortSignal): Promise<void> {
  const started = Date.now();
  try {
    const result = await runMaintenance(new Date(), { signal });
    if (!result) return;
    const { expired, overlapsEnded, reminders, deleted } = result;
    const pruned = deleted.auditEvents + deleted.usageHours + deleted.addresses + deleted.introspections + deleted.passwordResets;
    if (expired + overlapsEnded + reminders + pruned === 0) return;
    console.log(
      `Maintenance: recorded ${expired} expired token(s) and ${overlapsEnded} ended overlap(s); told ${reminders} reminder(s); deleted ${deleted.auditEvents} audit event(s), ` +
        `${deleted.usageHours} usage hour(s), ${deleted.addresses} address(es), ${deleted.introspections} introspection record(s) and ${deleted.passwordResets} password reset link(s) past retention (${Date.now() - started} ms).`,
    );
  } catch (error) {
    console.error("Maintenance failed; will try again at the next interval.", loggable(error));
  }
}

/** Stops the timer and asks a run in progress to stop after its current batch; resolves when it has. */
export async function stopMaintenance(): Promise<void> {
  const state = holder.tollgateMaintenance;
  if (!state) return;
  state.controller.abort();
  clearTimeout(state.timer);
  await state.running;
}
