import { InvalidatingCache, UserEntriesCache } from "@/lib/cache/invalidating-cache";

/**
 * Live sessions by id: the row as stored plus its account, lifetimes judged on every hit
 * (lib/sessions/policy.ts). Unknown ids are remembered too: an id never comes back once its row
 * is gone. Kept current like the token cache (docs/architecture.md, "Verification cache").
 */
export type CachedSession = {
  id: string;
  userId: string;
  user: { id: string; email: string; name: string; isAdmin: boolean };
  createdAt: Date;
  expiresAt: Date;
  /** As last read from the database, moved forward by this instance's own uses. */
  lastSeenAt: Date;
};

type Entry = { session: CachedSession | null };

const NO_DEPENDENCIES: readonly string[] = [];

export type SessionCacheOptions = { max?: number; ttlMs?: number; clock?: { now(): number } };

/** Keyed by session id; a live entry also depends on its user ("u:"). See lib/cache. */
export class SessionCache extends UserEntriesCache<Entry> {
  constructor(options: SessionCacheOptions = {}) {
    super(
      new InvalidatingCache<Entry>({
        max: options.max ?? 50_000,
        ttlMs: options.ttlMs ?? 60_000,
        clock: options.clock,
        dependsOn: ({ session }) => (session ? [`u:${session.userId}`] : NO_DEPENDENCIES),
      }),
    );
  }

  /** undefined: not cached; `{ session: null }`: known to be no live session. */
  get(id: string): Entry | undefined {
    return this.entries.get(id);
  }

  set(id: string, session: CachedSession | null, generation: number): void {
    this.entries.set(id, { session }, generation);
  }

  /** This instance saw the session used: its idle time starts again. */
  touch(id: string, at: Date): void {
    const session = this.entries.peek(id)?.session;
    if (session && session.lastSeenAt < at) session.lastSeenAt = at;
  }

  invalidateSession(id: string): void {
    this.entries.invalidate(id);
  }
}
