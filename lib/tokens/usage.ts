import "server-only";
import { apiConfig } from "@/lib/config";
import { BACKGROUND_TAG, prisma } from "@/lib/db";
import { loggable } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * "Last used" without a write per request: uses are remembered in memory and a timer writes each
 * token's newest, at most once per `minIntervalMs` (docs/architecture.md). Never throws into a request.
 */
export type Use = { at: Date; ip: string | null; userAgent: string | null };

export type FlushResult = { written: number; failed: number; deferred: number };

export type UsageRecorderOptions = {
  /** A token's "last used" is written at most once in this many milliseconds. */
  minIntervalMs?: number;
  /** The clock deciding when a token may be written again (injectable for tests). */
  now?: () => number;
};

// The columns' sizes (prisma/schema.prisma): longer values are cut rather than rejected.
const IP_MAX = 45;
const USER_AGENT_MAX = 256;

export class UsageRecorder {
  private readonly pending = new Map<string, Use>();
  /** When each token was last written, by this recorder's clock. */
  private readonly written = new Map<string, number>();
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: UsageRecorderOptions = {}) {
    this.minIntervalMs = options.minIntervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  record(guid: string, use: Use): void {
    const previous = this.pending.get(guid);
    if (previous && previous.at.getTime() > use.at.getTime()) return;
    this.pending.set(guid, {
      at: use.at,
      ip: use.ip?.slice(0, IP_MAX) ?? null,
      userAgent: use.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
    });
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Writes every pending use whose token was not written within the interval; `force` writes all
   * of them (shutdown). Flushes run one after another, so a shutdown flush waits for a timer's.
   */
  flush(options: { force?: boolean } = {}): Promise<FlushResult> {
    const run = this.queue.then(() => this.write(options.force ?? false));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(force: boolean): Promise<FlushResult> {
    const result: FlushResult = { written: 0, failed: 0, deferred: 0 };
    const started = this.now();
    for (const [guid, at] of this.written) if (started - at >= this.minIntervalMs) this.written.delete(guid);
    if (this.pending.size === 0) return result;

    let db;
    try {
      db = await prisma();
    } catch (error) {
      console.error("Could not record token usage; will retry.", loggable(error));
      result.failed = this.pending.size;
      return result;
    }
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

export function recordUsage(guid: string, use: Use): void {
  processRecorder().record(guid, use);
}

const shutdown = ((globalThis as unknown as { tollgateShutdown?: { closing: boolean } }).tollgateShutdown ??= {
  closing: false,
});

/**
 * True once shutdown has begun. A request that records its use after this point may not be
 * flushed any more, so it must not be answered as a success (lib/api/handler.ts answers 503).
 */
export function usageClosed(): boolean {
  return shutdown.closing;
}

/** Writes everything still pending, ignoring the once-a-minute rule: for shutdown. */
export async function flushUsage(): Promise<FlushResult> {
  shutdown.closing = true;
  const current = holder.tollgateUsage;
  if (!current) return { written: 0, failed: 0, deferred: 0 };
  return current.recorder.flush({ force: true });
}
