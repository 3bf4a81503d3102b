import { LRUCache } from "lru-cache";

/**
 * Live sessions remembered by id, so that a page or an action checks its session with a map
 * lookup rather than a query. What is kept is the row as stored plus its account; the lifetimes
 * are judged again on every hit (lib/sessions/policy.ts).
 *
 * An ended session is dropped at once (lib/sessions/check.ts on this instance, PostgreSQL NOTIFY
 * from the others) and every entry after a freshness time. Unknown ids are remembered too: a
 * session id never comes back once its row is gone, so a replayed cookie costs one query at most.
 * Same guards as the token cache (lib/tokens/cache.ts): a lookup that raced with an invalidation
 * stores nothing, and while the change feed is down nothing is answered from memory.
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

const MAX_REMEMBERED = 10_000;

export type SessionCacheOptions = { max?: number; ttlMs?: number; clock?: { now(): number } };

export class SessionCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly byUser = new Map<string, Set<string>>();
  private generationCounter = 0;
  private readonly invalidatedAt = new Map<string, number>();
  private floor = 0;
  private trusted = true;

  constructor(options: SessionCacheOptions = {}) {
    this.entries = new LRUCache<string, Entry>({
      max: options.max ?? 50_000,
      ttl: options.ttlMs ?? 60_000,
      ttlAutopurge: false,
      perf: options.clock,
      ttlResolution: 0,
      dispose: (entry, id) => this.unindex(id, entry),
    });
  }

  get generation(): number {
    return this.generationCounter;
  }

  /** undefined: not cached; `{ session: null }`: known to be no live session. */
  get(id: string): Entry | undefined {
    return this.trusted ? this.entries.get(id) : undefined;
  }

  set(id: string, session: CachedSession | null, generation: number): void {
    if (!this.trusted || generation < this.floor) return;
    if (this.changedSince(`s:${id}`, generation)) return;
    if (session && this.changedSince(`u:${session.userId}`, generation)) return;
    this.entries.set(id, { session });
    if (session) {
      let ids = this.byUser.get(session.userId);
      if (!ids) this.byUser.set(session.userId, (ids = new Set()));
      ids.add(id);
    }
  }

  /** This instance saw the session used: its idle time starts again. */
  touch(id: string, at: Date): void {
    const session = this.entries.peek(id)?.session;
    if (session && session.lastSeenAt < at) session.lastSeenAt = at;
  }

  invalidateSession(id: string): void {
    this.remember(`s:${id}`);
    this.entries.delete(id);
  }

  invalidateUser(userId: string): void {
    this.remember(`u:${userId}`);
    for (const id of [...(this.byUser.get(userId) ?? [])]) this.entries.delete(id);
  }

  clear(): void {
    this.generationCounter++;
    this.floor = this.generationCounter;
    this.invalidatedAt.clear();
    this.entries.clear();
  }

  distrust(): void {
    this.trusted = false;
    this.clear();
  }

  trust(): void {
    this.clear();
    this.trusted = true;
  }

  get isTrusted(): boolean {
    return this.trusted;
  }

  get size(): number {
    return this.entries.size;
  }

  private remember(key: string): void {
    this.generationCounter++;
    this.invalidatedAt.delete(key);
    this.invalidatedAt.set(key, this.generationCounter);
    if (this.invalidatedAt.size > MAX_REMEMBERED) {
      const [oldestKey, oldestGeneration] = this.invalidatedAt.entries().next().value!;
      this.invalidatedAt.delete(oldestKey);
      this.floor = Math.max(this.floor, oldestGeneration);
    }
  }

  private changedSince(key: string, generation: number): boolean {
    return (this.invalidatedAt.get(key) ?? -1) > generation;
  }

  private unindex(id: string, entry: Entry): void {
    if (!entry.session) return;
    const ids = this.byUser.get(entry.session.userId);
    ids?.delete(id);
    if (ids?.size === 0) this.byUser.delete(entry.session.userId);
  }
}
