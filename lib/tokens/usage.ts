import "server-only";
import { eventRow, type EventActor } from "@/lib/audit/events";
import { apiConfig, mailConfig } from "@/lib/config";
import { BACKGROUND_TAG, inBackground, prisma } from "@/lib/db";
import { loggable } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { renderMail } from "@/lib/mail/render";
import { newAddressMessage } from "@/lib/notifications/messages";

/**
 * Use of tokens without a write per request (docs/architecture.md, "Usage counting"): a request notes its
 * use in memory, and a timer writes what gathered: each token's "last used" at most once per
 * `minIntervalMs`, and on every flush the hourly counters and the addresses, one statement for
 * up to ROWS_PER_STATEMENT rows of all tokens. Never throws into a request; what a flush could not
 * write waits for the next.
 */
export type Use = { at: Date; ip: string | null; userAgent: string | null };

/** What became of a request by a valid token (table token_usage). */
export type Outcome = "answered" | "refusedScope" | "refusedRate";

/** The token a use belongs to; the owner and the name are for the "new address" event. */
export type UsedToken = { guid: string; name: string; userId: string; userEmail: string };

/** Rows written, rows kept for the next flush after an error, rows of tokens deleted meanwhile. */
export type PartResult = { written: number; failed: number; dropped: number };

export type FlushResult = {
  /** "Last used": tokens written, kept for the next flush, held back by the once-a-minute rule. */
  written: number;
  failed: number;
  deferred: number;
  /** (token, hour, source) counter rows added to. */
  counters: PartResult;
  /** (token, address) rows written; `added` of them were new, an event each. */
  addresses: PartResult & { added: number };
};

export type UsageRecorderOptions = {
  /** A token's "last used" is written at most once in this many milliseconds. */
  minIntervalMs?: number;
  /** The clock deciding when a token may be written again (injectable for tests). */
  now?: () => number;
};

// The columns' sizes (prisma/schema.prisma): longer values are cut rather than rejected.
const IP_MAX = 45;
const USER_AGENT_MAX = 256;
const HOUR_MS = 3_600_000;
/** Addresses kept per token (the most recently seen). */
export const ADDRESSES_KEPT = 20;
/**
 * Rows per statement. PGlite runs a statement on the server's own thread: 250 rows take it
 * 40–100 ms, 1,000 up to 800 ms, during which no request is answered (docs/performance.md).
 */
export const ROWS_PER_STATEMENT = 250;

type Counts = { guid: string; hour: number; source: string; answered: number; refusedScope: number; refusedRate: number };
type Seen = {
  token: UsedToken;
  ip: string;
  firstSeen: Date;
  /** The user agent of the first use, for the "new address" event; `userAgent` is the latest's. */
  firstUserAgent: string | null;
  lastSeen: Date;
  uses: number;
  userAgent: string | null;
};

export class UsageRecorder {
  private readonly pending = new Map<string, Use>();
  /** When each token was last written, by this recorder's clock. */
  private readonly written = new Map<string, number>();
  // By token GUID first: the GUID is the cached token's own string, whose hash V8 keeps, so a
  // request costs no key building (a composite string key tripled the cost of noting a use).
  private counts = new Map<string, Counts[]>();
  private addresses = new Map<string, Map<string, Seen>>();
  /** Tokens given a new address whose trim to ADDRESSES_KEPT failed: trimmed by the next flush. */
  private readonly untrimmed = new Set<string>();
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: UsageRecorderOptions = {}) {
    this.minIntervalMs = options.minIntervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** A request the token made itself, from its client: last used, the address, and the hour's count. */
  record(token: UsedToken, use: Use, outcome: Exclude<Outcome, "refusedRate"> = "answered"): void {
    const ip = use.ip?.slice(0, IP_MAX) ?? null;
    const userAgent = use.userAgent?.slice(0, USER_AGENT_MAX) ?? null;
    const previous = this.pending.get(token.guid);
    if (!previous || previous.at.getTime() <= use.at.getTime()) this.pending.set(token.guid, { at: use.at, ip, userAgent });
    this.count(token.guid, use.at, outcome);
    if (ip === null) return;
    let byIp = this.addresses.get(token.guid);
    if (!byIp) {
      byIp = new Map();
      this.addresses.set(token.guid, byIp);
    }
    const seen = byIp.get(ip);
    if (!seen) {
      byIp.set(ip, { token, ip, firstSeen: use.at, firstUserAgent: userAgent, lastSeen: use.at, uses: 1, userAgent });
      return;
    }
    seen.uses++;
    if (use.at.getTime() < seen.firstSeen.getTime()) {
      seen.firstSeen = use.at;
      seen.firstUserAgent = userAgent;
    }
    if (use.at.getTime() >= seen.lastSeen.getTime()) {
      seen.lastSeen = use.at;
      seen.userAgent = userAgent;
    }
  }

  /** Counts a use in its hour, nothing more. `source`: "" for the token's own requests, else the introspecting token's GUID. */
  count(guid: string, at: Date, outcome: Outcome, source = ""): void {
    const time = at.getTime();
    const hour = time - (time % HOUR_MS);
    let rows = this.counts.get(guid);
    if (!rows) {
      rows = [];
      this.counts.set(guid, rows);
    }
    // Mostly one row per token (this hour, its own requests): a scan beats building a key.
    let counts: Counts | undefined;
    for (const row of rows) {
      if (row.hour === hour && row.source === source) {
        counts = row;
        break;
      }
    }
    if (!counts) {
      counts = { guid, hour, source, answered: 0, refusedScope: 0, refusedRate: 0 };
      rows.push(counts);
    }
    counts[outcome]++;
  }

  /** Tokens whose "last used" waits to be written. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Counter rows and addresses waiting to be written. */
  get pendingRows(): { counters: number; addresses: number } {
    let counters = 0;
    let addresses = 0;
    for (const rows of this.counts.values()) counters += rows.length;
    for (const byIp of this.addresses.values()) addresses += byIp.size;
    return { counters, addresses };
  }

  /**
   * Writes what is pending: the counters and addresses always, each token's "last used" unless it
   * was written within the interval; `force` writes all of it (shutdown). Flushes run one after
   * another, so a shutdown flush waits for a timer's.
   */
  flush(options: { force?: boolean } = {}): Promise<FlushResult> {
    const run = this.queue.then(() => this.write(options.force ?? false));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(force: boolean): Promise<FlushResult> {
    const result: FlushResult = {
      written: 0,
      failed: 0,
      deferred: 0,
      counters: { written: 0, failed: 0, dropped: 0 },
      addresses: { written: 0, failed: 0, dropped: 0, added: 0 },
    };
    const started = this.now();
    for (const [guid, at] of this.written) if (started - at >= this.minIntervalMs) this.written.delete(guid);
    if (this.pending.size === 0 && this.counts.size === 0 && this.addresses.size === 0 && this.untrimmed.size === 0) return result;

    let db;
    try {
      db = await prisma();
    } catch (error) {
      console.error("Could not record token usage; will retry.", loggable(error));
      const rows = this.pendingRows;
      result.failed = this.pending.size;
      result.counters.failed = rows.counters;
      result.addresses.failed = rows.addresses;
      return result;
    }
    // Uses noted while a statement runs go into fresh maps and wait for the next flush.
    const counts = this.counts;
    this.counts = new Map();
    if (counts.size > 0) result.counters = await this.writeCounts(db, counts);
    const addresses = this.addresses;
    this.addresses = new Map();
    if (addresses.size > 0 || this.untrimmed.size > 0) result.addresses = await this.writeAddresses(db, addresses);

    for (const [guid, use] of [...this.pending]) {
      if (!force && this.written.has(guid)) {
        result.deferred++;
        continue;
      }
      try {
        // The guard keeps an older use (from a slower instance) from replacing a newer one.
        // SQL rather than updateMany: Prisma's updateMany would also bump updatedAt, and using a
        // token is not editing it. The tag files it under background queries in the counters.
        await db.$executeRaw`
          ${Prisma.raw(BACKGROUND_TAG)} UPDATE tokens SET last_used_at = ${use.at}, last_used_ip = ${use.ip}, last_used_user_agent = ${use.userAgent}
          WHERE guid = ${guid}::uuid AND (last_used_at IS NULL OR last_used_at < ${use.at})`;
        this.written.set(guid, this.now());
        // A newer use recorded while this one was being written stays pending.
        if (this.pending.get(guid) === use) this.pending.delete(guid);
        result.written++;
      } catch (error) {
        result.failed++;
        if (result.failed === 1) console.error("Could not record token usage; will retry.", loggable(error));
      }
    }
    return result;
  }

  /** The counters, ROWS_PER_STATEMENT at a time, in key order: two instances lock rows in one order and cannot deadlock. */
  private async writeCounts(db: Database, counts: Map<string, Counts[]>): Promise<PartResult> {
    const rows = [...counts.values()].flat().sort((a, b) => compare(a.guid, b.guid) || a.hour - b.hour || compare(a.source, b.source));
    const part = { written: 0, failed: 0, dropped: 0 };
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const done = await this.writeCountRows(db, rows.slice(i, i + ROWS_PER_STATEMENT), part.failed === 0);
      part.written += done.written;
      part.failed += done.failed;
      part.dropped += done.dropped;
    }
    return part;
  }

  /**
   * One statement adds the rows' counts to what is stored (other instances add theirs). Tokens
   * deleted since are left out by the join; one deleted during the statement fails it, and the
   * next flush's join leaves it out.
   */
  private async writeCountRows(db: Database, rows: Counts[], log: boolean): Promise<PartResult> {
    try {
      const written = await db.$queryRaw<{ n: number }[]>`
        ${Prisma.raw(BACKGROUND_TAG)} WITH added AS (
          INSERT INTO token_usage (token_guid, hour, source, answered, refused_scope, refused_rate)
          SELECT u.token_guid, u.hour, u.source, u.answered, u.refused_scope, u.refused_rate
          FROM unnest(${rows.map((r) => r.guid)}::uuid[], ${rows.map((r) => new Date(r.hour))}::timestamptz[], ${rows.map((r) => r.source)}::text[],
                      ${rows.map((r) => r.answered)}::int[], ${rows.map((r) => r.refusedScope)}::int[], ${rows.map((r) => r.refusedRate)}::int[])
            WITH ORDINALITY AS u(token_guid, hour, source, answered, refused_scope, refused_rate, n)
          JOIN tokens t ON t.guid = u.token_guid
          ORDER BY u.n
          ON CONFLICT (token_guid, hour, source) DO UPDATE SET
            answered = token_usage.answered + EXCLUDED.answered,
            refused_scope = token_usage.refused_scope + EXCLUDED.refused_scope,
            refused_rate = token_usage.refused_rate + EXCLUDED.refused_rate
          RETURNING 1
        ) SELECT count(*)::int AS n FROM added`;
      const n = Number(written[0]?.n ?? 0);
      return { written: n, failed: 0, dropped: rows.length - n };
    } catch (error) {
      for (const row of rows) {
        const later = this.counts.get(row.guid);
        const same = later?.find((r) => r.hour === row.hour && r.source === row.source);
        if (!later) this.counts.set(row.guid, [row]);
        else if (!same) later.push(row);
        else {
          same.answered += row.answered;
          same.refusedScope += row.refusedScope;
          same.refusedRate += row.refusedRate;
        }
      }
      if (log) console.error("Could not record token usage counts; will retry.", loggable(error));
      return { written: 0, failed: rows.length, dropped: 0 };
    }
  }

  /** The addresses (ROWS_PER_STATEMENT at a time), then a trim to each token's ADDRESSES_KEPT most recently seen. */
  private async writeAddresses(db: Database, addresses: Map<string, Map<string, Seen>>): Promise<PartResult & { added: number }> {
    const rows = [...addresses.values()].flatMap((byIp) => [...byIp.values()]).sort((a, b) => compare(a.token.guid, b.token.guid) || compare(a.ip, b.ip));
    const part = { written: 0, failed: 0, dropped: 0, added: 0 };
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const done = await this.writeAddressRows(db, rows.slice(i, i + ROWS_PER_STATEMENT), part.failed === 0);
      part.written += done.written;
      part.failed += done.failed;
      part.dropped += done.dropped;
      part.added += done.added;
    }
    // Only a new row can push a token past the limit.
    if (this.untrimmed.size > 0) {
      const guids = [...this.untrimmed];
      try {
        await db.$executeRaw`
          ${Prisma.raw(BACKGROUND_TAG)} DELETE FROM token_addresses a USING (
            SELECT token_guid, ip, row_number() OVER (PARTITION BY token_guid ORDER BY last_seen_at DESC, ip) AS rank
            FROM token_addresses WHERE token_guid = ANY(${guids}::uuid[])
          ) r WHERE a.token_guid = r.token_guid AND a.ip = r.ip AND r.rank > ${ADDRESSES_KEPT}`;
        for (const guid of guids) this.untrimmed.delete(guid);
      } catch (error) {
        console.error("Could not trim the addresses tokens were used from; will retry.", loggable(error));
      }
    }
    return part;
  }

  /**
   * One statement upserts the (token, address) rows and, for each row it inserted rather than
   * updated (`xmax = 0`), records "token.new_address" in the same transaction: exactly once even
   * when two instances see the address at once, as one of them inserts and the other updates.
   * The owners' notices of those rows follow in the same transaction (noticeNewAddresses).
   */
  private async writeAddressRows(db: Database, rows: Seen[], log: boolean): Promise<PartResult & { added: number }> {
    const events = rows.map((row) => eventRow(newAddressActor(row), newAddressEvent(row), row.firstSeen));
    const part = { written: 0, failed: 0, dropped: 0, added: 0 };
    try {
      const written = await inBackground(() =>
        db.$transaction(async (tx) => {
          const upserted = await tx.$queryRaw<Upserted[]>`
        ${Prisma.raw(BACKGROUND_TAG)} WITH seen AS (
          SELECT u.* FROM unnest(${rows.map((r) => r.token.guid)}::uuid[], ${rows.map((r) => r.ip)}::text[],
                                 ${rows.map((r) => r.firstSeen)}::timestamptz[], ${rows.map((r) => r.lastSeen)}::timestamptz[],
                                 ${rows.map((r) => r.uses)}::int[], ${rows.map((r) => r.userAgent)}::text[])
            WITH ORDINALITY AS u(token_guid, ip, first_seen_at, last_seen_at, uses, user_agent, n)
          JOIN tokens t ON t.guid = u.token_guid
        ), upserted AS (
          INSERT INTO token_addresses (token_guid, ip, first_seen_at, last_seen_at, uses, user_agent)
          SELECT token_guid, ip, first_seen_at, last_seen_at, uses, user_agent FROM seen ORDER BY n
          ON CONFLICT (token_guid, ip) DO UPDATE SET
            first_seen_at = LEAST(token_addresses.first_seen_at, EXCLUDED.first_seen_at),
            last_seen_at = GREATEST(token_addresses.last_seen_at, EXCLUDED.last_seen_at),
            uses = token_addresses.uses + EXCLUDED.uses,
            user_agent = CASE WHEN EXCLUDED.last_seen_at >= token_addresses.last_seen_at THEN EXCLUDED.user_agent ELSE token_addresses.user_agent END
          RETURNING token_guid, ip, (xmax = 0) AS inserted
        ), recorded AS (
          INSERT INTO audit_events (id, occurred_at, action, actor_kind, actor_user_id, actor_label, actor_token_guid,
                                    target_user_id, target_token_guid, details, ip, user_agent)
          SELECT gen_random_uuid(), e.occurred_at, e.action, e.actor_kind, e.actor_user_id, e.actor_label, e.actor_token_guid,
                 e.target_user_id, e.target_token_guid, e.details, e.ip, e.user_agent
          FROM unnest(${events.map((e) => e.occurredAt)}::timestamptz[], ${events.map((e) => e.action)}::text[],
                      ${events.map((e) => e.actorKind)}::text[], ${events.map((e) => e.actorUserId)}::uuid[],
                      ${events.map((e) => e.actorLabel)}::text[], ${events.map((e) => e.actorToken)}::uuid[],
                      ${events.map((e) => e.targetUser)}::uuid[], ${events.map((e) => e.targetToken)}::uuid[],
                      ${events.map((e) => JSON.stringify(e.details))}::jsonb[], ${events.map((e) => e.ip)}::text[],
                      ${events.map((e) => e.userAgent)}::text[])
            AS e(occurred_at, action, actor_kind, actor_user_id, actor_label, actor_token_guid, target_user_id, target_token_guid, details, ip, user_agent)
          JOIN upserted w ON w.inserted AND w.token_guid = e.target_token_guid AND w.ip = e.ip
          RETURNING 1
        )
        SELECT w.token_guid::text AS token_guid, w.ip, w.inserted, u.id::text AS notify_user, u.email AS notify_email, t.name AS token_name
        FROM upserted w
        LEFT JOIN tokens t ON w.inserted AND t.guid = w.token_guid
        LEFT JOIN users u ON u.id = t.user_id AND u.notify_new_address`;
          await noticeNewAddresses(tx, upserted, rows);
          return upserted;
        }),
      );
      part.written = written.length;
      part.dropped = rows.length - written.length;
      for (const row of written) {
        if (!row.inserted) continue;
        part.added++;
        this.untrimmed.add(row.token_guid);
      }
    } catch (error) {
      for (const row of rows) {
        let byIp = this.addresses.get(row.token.guid);
        if (!byIp) {
          byIp = new Map();
          this.addresses.set(row.token.guid, byIp);
        }
        const later = byIp.get(row.ip);
        if (!later) byIp.set(row.ip, row);
        else {
          later.uses += row.uses;
          if (row.firstSeen.getTime() < later.firstSeen.getTime()) {
            later.firstSeen = row.firstSeen;
            later.firstUserAgent = row.firstUserAgent;
          }
        }
      }
      if (log) console.error("Could not record the addresses tokens were used from; will retry.", loggable(error));
      part.failed = rows.length;
    }
    return part;
  }
}

type Database = Awaited<ReturnType<typeof prisma>>;

type Upserted = { token_guid: string; ip: string; inserted: boolean; notify_user: string | null; notify_email: string | null; token_name: string | null };

/**
 * The owners who asked to hear of new addresses (users.notify_new_address) get a notice and a mail
 * for each address the upsert just inserted: one statement for all of them, in the upsert's
 * transaction, so the notice is exactly as once as its event. The mail is rendered here, for
 * those rows only; the dedupe key guards it a second time.
 */
async function noticeNewAddresses(tx: Prisma.TransactionClient, upserted: Upserted[], rows: Seen[]): Promise<void> {
  const told = upserted.filter((w) => w.notify_user !== null && w.notify_email !== null);
  if (told.length === 0) return;
  const seen = new Map(rows.map((row) => [`${row.token.guid}|${row.ip}`, row]));
  const { siteUrl } = mailConfig();
  const notices = told.flatMap((w) => {
    const row = seen.get(`${w.token_guid}|${w.ip}`);
    if (!row) return [];
    const message = newAddressMessage({ guid: w.token_guid, name: w.token_name ?? row.token.name }, w.ip, row.firstUserAgent, row.firstSeen);
    const mail = renderMail(message.mail, siteUrl);
    const key = `token.new_address:${w.token_guid}:${w.ip}:${row.firstSeen.getTime()}`;
    return [{ userId: w.notify_user!, to: w.notify_email!, guid: w.token_guid, at: row.firstSeen, key, message, mail }];
  });
  await tx.$executeRaw`
    ${Prisma.raw(BACKGROUND_TAG)} WITH n AS (
      SELECT * FROM unnest(${notices.map((n) => n.userId)}::uuid[], ${notices.map((n) => n.guid)}::uuid[], ${notices.map((n) => n.at)}::timestamptz[],
                           ${notices.map((n) => n.key)}::text[], ${notices.map((n) => n.message.title.slice(0, 200))}::text[],
                           ${notices.map((n) => n.message.body)}::text[], ${notices.map((n) => n.message.link)}::text[], ${notices.map((n) => n.to)}::text[],
                           ${notices.map((n) => n.mail.subject.slice(0, 300))}::text[], ${notices.map((n) => n.mail.text)}::text[], ${notices.map((n) => n.mail.html)}::text[])
        AS n(user_id, token_guid, at, dedupe_key, title, body, link, "to", subject, text, html)
    ), noticed AS (
      INSERT INTO notifications (id, user_id, kind, token_guid, title, body, link, created_at, dedupe_key)
      SELECT gen_random_uuid(), user_id, 'token.new_address', token_guid, title, body, link, at, dedupe_key FROM n
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING dedupe_key
    )
    INSERT INTO mail_outbox (id, user_id, kind, "to", subject, text, html, dedupe_key, created_at, next_attempt_at)
    SELECT gen_random_uuid(), n.user_id, 'token.new_address', n."to", n.subject, n.text, n.html, n.dedupe_key, n.at, n.at FROM n JOIN noticed USING (dedupe_key)
    ON CONFLICT (dedupe_key) DO NOTHING`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// The token was used from there: it is the actor, its owner the account the event concerns.
function newAddressActor(seen: Seen): EventActor {
  return {
    kind: "token",
    userId: seen.token.userId,
    tokenGuid: seen.token.guid,
    label: seen.token.userEmail,
    client: { address: seen.ip, key: seen.ip, userAgent: seen.firstUserAgent },
  };
}

function newAddressEvent(seen: Seen) {
  return {
    action: "token.new_address" as const,
    targetUser: seen.token.userId,
    targetToken: seen.token.guid,
    details: { name: seen.token.name, ip: seen.ip, userAgent: seen.firstUserAgent },
  };
}

const holder = globalThis as unknown as { tollgateUsage?: { recorder: UsageRecorder; timer: NodeJS.Timeout } };

// One recorder per process, on globalThis: Next bundles route handlers and instrumentation
// separately, and each bundle would otherwise get its own copy of this module's state.
function processRecorder(): UsageRecorder {
  if (!holder.tollgateUsage) {
    const recorder = new UsageRecorder();
    const timer = setInterval(() => void recorder.flush(), apiConfig().usageFlushMs);
    // The timer alone must not keep a process alive (scripts, tests); shutdown flushes explicitly.
    timer.unref();
    holder.tollgateUsage = { recorder, timer };
  }
  return holder.tollgateUsage.recorder;
}

export function pendingUsage(): number {
  return holder.tollgateUsage?.recorder.pendingCount ?? 0;
}

/** A verified request of the token's own: "last used", its address, and its hour's count. */
export function recordUsage(token: UsedToken, use: Use, outcome: Exclude<Outcome, "refusedRate"> = "answered"): void {
  processRecorder().record(token, use, outcome);
}

/** A count alone: a rate-limited request by a valid token, or an introspection (`source`: the asking token). */
export function countUsage(guid: string, at: Date, outcome: Outcome, source = ""): void {
  processRecorder().count(guid, at, outcome, source);
}

const shutdown = ((globalThis as unknown as { tollgateShutdown?: { closing: boolean } }).tollgateShutdown ??= {
  closing: false,
});

/**
 * True once shutdown has begun. A use noted after this point may not be flushed any more, so the
 * request must not be answered as a success (lib/api/handler.ts answers 503).
 */
export function usageClosed(): boolean {
  return shutdown.closing;
}

/** Writes everything still pending, ignoring the once-a-minute rule: for shutdown. */
export async function flushUsage(): Promise<FlushResult> {
  shutdown.closing = true;
  const current = holder.tollgateUsage;
  if (!current) return new UsageRecorder().flush();
  return current.recorder.flush({ force: true });
}
