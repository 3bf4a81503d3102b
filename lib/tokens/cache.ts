import { LRUCache } from "lru-cache";

/**
 * Verified tokens remembered by the keyed hash of their secret, so that an API call usually costs
 * an HMAC and a map lookup instead of a database round trip.
 *
 * What is cached is the token as stored (validity window, revoked-at, effective scopes), never a
 * verdict: status is judged again on every hit, so a token expires in the cache exactly when it
 * expires in the database. Unknown secrets are cached too, briefly, so a flood of one bad token
 * does not reach the database. Entries are dropped at once when the token or its owner's grants
 * change (lib/tokens/events.ts on this instance, PostgreSQL NOTIFY from the others), and in any
 * case after a short freshness time.
 */
export type CachedToken = {
  guid: string;
  name: string;
  userId: string;
  userEmail: string;
  userName: string;
  /** Token scopes ∩ owner's grants, as of the fill. Grant changes invalidate by userId. */
  scopes: string[];
  validFrom: Date;
  validTo: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  /** When this particular secret stops working (a secret replaced by rotation with overlap). */
  secretExpiresAt: Date | null;
};

type Entry = { token: CachedToken | null };

const MAX_REMEMBERED = 10_000;

export type CacheOptions = {
  max?: number;
  ttlMs?: number;
  negativeTtlMs?: number;
  /** A clock for the freshness times (tests); defaults to performance.now. */
  clock?: { now(): number };
};

export type CacheStats = { hits: number; negativeHits: number; misses: number; invalidations: number; size: number };

export class VerificationCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly byToken = new Map<string, Set<string>>();
  private readonly byUser = new Map<string, Set<string>>();
  private readonly negativeTtlMs: number;
  private counters = { hits: 0, negativeHits: 0, misses: 0, invalidations: 0 };
  /**
   * Bumped by every invalidation. A fill that started before an invalidation of its token or its
   * owner must not store what it read, or a revocation racing with a lookup could leave the revoked
   * token cached. `invalidatedAt` remembers, per token and per user, the generation of the latest
   * invalidation (the most recent MAX_REMEMBERED of them); fills older than `floor` are refused whole.
   */
  private generationCounter = 0;
  private readonly invalidatedAt = new Map<string, number>();
  private floor = 0;
  /** While false (no change feed from the other instances), every lookup goes to the database. */
  private trusted = true;

  constructor(options: CacheOptions = {}) {
    this.negativeTtlMs = options.negativeTtlMs ?? 5_000;
    this.entries = new LRUCache<string, Entry>({
      max: options.max ?? 50_000,
      ttl: options.ttlMs ?? 30_000,
      // Expired entries are treated as absent on read; no timers needed.
      ttlAutopurge: false,
      perf: options.clock,
      // Read the clock on every lookup instead of caching it for a millisecond (an injected test clock would not move).
      ttlResolution: 0,
      dispose: (entry, hash) => this.unindex(hash, entry),
    });
  }

  get generation(): number {
    return this.generationCounter;
  }

  /** undefined: not cached; `{ token: null }`: known to be no token's secret. */
  get(hash: string): Entry | undefined {
    const entry = this.trusted ? this.entries.get(hash) : undefined;
    if (!entry) this.counters.misses++;
    else if (entry.token) this.counters.hits++;
    else this.counters.negativeHits++;
    return entry;
  }

  /** Stores a lookup result, unless an invalidation happened since `generation` was read. */
  set(hash: string, token: CachedToken | null, generation: number): void {
    if (!this.trusted || generation < this.floor) return;
    if (token && (this.changedSince(`t:${token.guid}`, generation) || this.changedSince(`u:${token.userId}`, generation))) return;
    this.entries.set(hash, { token }, token ? undefined : { ttl: this.negativeTtlMs });
    if (token) {
      this.index(this.byToken, token.guid, hash);
      this.index(this.byUser, token.userId, hash);
    }
  }

  invalidateToken(guid: string): void {
    this.remember(`t:${guid}`);
    for (const hash of [...(this.byToken.get(guid) ?? [])]) this.entries.delete(hash);
  }

  invalidateUser(userId: string): void {
    this.remember(`u:${userId}`);
    for (const hash of [...(this.byUser.get(userId) ?? [])]) this.entries.delete(hash);
  }

  /** After missed notifications (a dropped connection), nothing cached can be trusted. */
  clear(): void {
    this.generationCounter++;
    this.counters.invalidations++;
    this.floor = this.generationCounter;
    this.invalidatedAt.clear();
    this.entries.clear();
  }

  /** Stop answering from memory (the change feed is down): forget everything and store nothing. */
  distrust(): void {
    this.trusted = false;
    this.clear();
  }

  /** The change feed is up again: start afresh. */
  trust(): void {
    this.clear();
    this.trusted = true;
  }

  get isTrusted(): boolean {
    return this.trusted;
  }

  stats(): CacheStats {
    return { ...this.counters, size: this.entries.size };
  }

  private remember(key: string): void {
    this.generationCounter++;
    this.counters.invalidations++;
    this.invalidatedAt.delete(key); // re-insert, so the map stays in order of recency
    this.invalidatedAt.set(key, this.generationCounter);
    if (this.invalidatedAt.size > MAX_REMEMBERED) {
      const [oldestKey, oldestGeneration] = this.invalidatedAt.entries().next().value!;
      this.invalidatedAt.delete(oldestKey);
      // Forgetting when this key changed means refusing every fill that started before it did.
      this.floor = Math.max(this.floor, oldestGeneration);
    }
  }

  private changedSince(key: string, generation: number): boolean {
    return (this.invalidatedAt.get(key) ?? -1) > generation;
  }

  private index(map: Map<string, Set<string>>, key: string, hash: string): void {
    let hashes = map.get(key);
    if (!hashes) map.set(key, (hashes = new Set()));
    hashes.add(hash);
  }

  private unindex(hash: string, entry: Entry): void {
    if (!entry.token) return;
    for (const [map, key] of [
      [this.byToken, entry.token.guid],
      [this.byUser, entry.token.userId],
    ] as const) {
      const hashes = map.get(key);
      hashes?.delete(hash);
      if (hashes?.size === 0) map.delete(key);
    }
  }
}
