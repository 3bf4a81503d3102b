import "server-only";
import { apiConfig } from "@/lib/config";
import { BACKGROUND_TAG, prisma } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { IDLE_TIMEOUT_MS } from "./policy";

/**
 * A session's "last seen" (when, from which address), kept like tokens' "last used"
 * (lib/tokens/usage.ts): a request only notes it in memory; a timer writes each session at most
 * once per `minIntervalMs`. The same timer deletes dead sessions once an hour. Never throws into a request.
 */
export type Seen = { at: Date; ip: string | null };

const IP_MAX = 45;
const CLEANUP_EVERY_MS = 3600_000;

export class LastSeenRecorder {
  private readonly pending = new Map<string, Seen>();
  private readonly written = new Map<string, number>();
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private lastCleanup = -Infinity;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: { minIntervalMs?: number; now?: () => number } = {}) {
    this.minIntervalMs = options.minIntervalMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  record(id: string, seen: Seen): void {
    const previous = this.pending.get(id);
    if (previous && previous.at >= seen.at) return;
    this.pending.set(id, { at: seen.at, ip: seen.ip?.slice(0, IP_MAX) ?? null });
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  flush(options: { force?: boolean } = {}): Promise<{ written: number; deferred: number; failed: number }> {
    const run = this.queue.then(() => this.write(options.force ?? false));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(force: boolean) {
    const result = { written: 0, deferred: 0, failed: 0 };
    const started = this.now();
    for (const [id, at] of this.written) if (started - at >= this.minIntervalMs) this.written.delete(id);
    let db;
    try {
      db = await prisma();
    } catch {
      result.failed = this.pending.size;
      return result;
    }
    for (const [id, seen] of [...this.pending]) {
      if (!force && this.written.has(id)) {
        result.deferred++;
        continue;
      }
      try {
        // Guarded so an older sighting (a slower instance) never replaces a newer one.
        await db.$executeRaw`
          ${Prisma.raw(BACKGROUND_TAG)} UPDATE sessions SET last_seen_at = ${seen.at}, last_seen_ip = ${seen.ip}
          WHERE id = ${id}::uuid AND last_seen_at < ${seen.at}`;
        this.written.set(id, this.now());
        if (this.pending.get(id) === seen) this.pending.delete(id);
        result.written++;
      } catch (error) {
        result.failed++;
        if (result.failed === 1) console.error("Could not record sessions' last use; will retry.", error);
      }
    }
    if (started - this.lastCleanup >= CLEANUP_EVERY_MS) {
      this.lastCleanup = started;
      await deleteDeadSessions(new Date()).catch((error) => console.error("Could not delete ended sessions; will retry.", error));
    }
    return result;
  }
}

/** Sessions past either lifetime are gone for good: their rows are deleted (each delete is announced). */
export async function deleteDeadSessions(now: Date, userId?: string): Promise<number> {
  const db = await prisma();
  const idleSince = new Date(now.getTime() - IDLE_TIMEOUT_MS);
  const { count } = await db.session.deleteMany({
    where: { ...(userId ? { userId } : {}), OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lte: idleSince } }] },
  });
  return count;
}

const holder = globalThis as unknown as { tollgateLastSeen?: LastSeenRecorder };

function processRecorder(): LastSeenRecorder {
  if (!holder.tollgateLastSeen) {
    const recorder = new LastSeenRecorder();
    setInterval(() => void recorder.flush(), apiConfig().usageFlushMs).unref();
    holder.tollgateLastSeen = recorder;
  }
  return holder.tollgateLastSeen;
}

export function recordSeen(id: string, seen: Seen): void {
  processRecorder().record(id, seen);
}
