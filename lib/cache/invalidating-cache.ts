import { LRUCache } from "lru-cache";

/**
 * An LRU whose entries are dropped when what they were read from (`dependsOn` keys) changes, and
 * which refuses a fill that raced with such a change (docs/architecture.md, "Verification cache").
 * `get` is a map lookup and allocates nothing: it is on every API call's path.
 */
export type InvalidatingCacheOptions<E> = {
  max: number;
  ttlMs: number;
  /** A clock for the freshness times (tests); defaults to performance.now. */
  clock?: { now(): number };
  /**
   * The dependency keys an entry is indexed under, besides its own key. They share one namespace
   * with the entries' keys (`invalidate(k)` drops the entry keyed k too); a key the entry already
   * holds (such as its token's guid) costs the index no string of its own.
   */
  dependsOn(entry: E): readonly string[];
  /** How many invalidations are remembered exactly; beyond that, older fills are refused whole. */
  maxRemembered?: number;
};

export class InvalidatingCache<E extends object> {
  private readonly entries: LRUCache<string, E>;
  /** Dependency key → the one entry key depending on it, or a Set once there are two or more (most tokens have one secret). */
  private readonly index = new Map<string, string | Set<string>>();
  private readonly dependsOn: (entry: E) => readonly string[];
  private readonly maxRemembered: number;
  /**
   * Bumped by every invalidation. `invalidatedAt` remembers, per dependency key, the generation of
   * its latest invalidation (the most recent `maxRemembered` of them, in order of recency); fills
   * that started before `floor` are refused whole.
   */
  private generationCounter = 0;
  private readonly invalidatedAt = new Map<string, number>();
  private floor = 0;
  /** While false (no change feed from the other instances), nothing is answered or stored. */
  private trusted = true;
  private invalidationCount = 0;

  constructor(options: InvalidatingCacheOptions<E>) {
    this.dependsOn = options.dependsOn;
    this.maxRemembered = options.maxRemembered ?? 10_000;
    this.entries = new LRUCache<string, E>({
      max: options.max,
      ttl: options.ttlMs,
      // Expired entries are treated as absent on read; no timers needed.
      ttlAutopurge: false,
      perf: options.clock,
      // Read the clock on every lookup instead of caching it for a millisecond (an injected test clock would not move).
      ttlResolution: 0,
      dispose: (entry, key) => this.unindex(key, entry),
    });
  }

  /** Read before a lookup and handed to `set` with its result. */
  get generation(): number {
    return this.generationCounter;
  }

  get(key: string): E | undefined {
    return this.trusted ? this.entries.get(key) : undefined;
  }

  /** Stores a lookup result, unless one of its dependencies was invalidated since `generation`. */
  set(key: string, entry: E, generation: number, ttlMs?: number): void {
    if (!this.trusted || generation < this.floor) return;
    const deps = this.dependsOn(entry);
    if (this.changedSince(key, generation)) return;
    for (const dep of deps) if (this.changedSince(dep, generation)) return;
    this.entries.set(key, entry, ttlMs === undefined ? undefined : { ttl: ttlMs });
    for (const dep of deps) {
      const keys = this.index.get(dep);
      if (keys === undefined) this.index.set(dep, key);
      else if (typeof keys !== "string") keys.add(key);
      else if (keys !== key) this.index.set(dep, new Set([keys, key]));
    }
  }

  /** The entry as stored, without counting as a use or judging freshness (for in-place updates). */
  peek(key: string): E | undefined {
    return this.entries.peek(key);
  }

  /** Some entry indexed under `dep`, fresh or not (to share what entries of one owner have in common). */
  peekDependent(dep: string): E | undefined {
    const keys = this.index.get(dep);
    if (keys === undefined) return undefined;
    const key = typeof keys === "string" ? keys : keys.values().next().value;
    return key === undefined ? undefined : this.entries.peek(key, { allowStale: true });
  }

  /** `dep` changed: drop every entry depending on it (or keyed by it), and refuse racing fills. */
  invalidate(dep: string): void {
    this.remember(dep);
    this.entries.delete(dep);
    const keys = this.index.get(dep);
    if (typeof keys === "string") this.entries.delete(keys);
    else if (keys) for (const key of [...keys]) this.entries.delete(key);
  }

  /** After missed notifications (a dropped connection), nothing cached can be trusted. */
  clear(): void {
    this.generationCounter++;
    this.invalidationCount++;
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

  get size(): number {
    return this.entries.size;
  }

  /** Invalidations and clears so far. */
  get invalidations(): number {
    return this.invalidationCount;
  }

  private remember(dep: string): void {
    this.generationCounter++;
    this.invalidationCount++;
    this.invalidatedAt.delete(dep); // re-insert, so the map stays in order of recency
    this.invalidatedAt.set(dep, this.generationCounter);
    if (this.invalidatedAt.size > this.maxRemembered) {
      const [oldestDep, oldestGeneration] = this.invalidatedAt.entries().next().value!;
      this.invalidatedAt.delete(oldestDep);
      // Forgetting when this key changed means refusing every fill that started before it did.
      this.floor = Math.max(this.floor, oldestGeneration);
    }
  }

  private changedSince(dep: string, generation: number): boolean {
    return (this.invalidatedAt.get(dep) ?? -1) > generation;
  }

  private unindex(key: string, entry: E): void {
    for (const dep of this.dependsOn(entry)) {
      const keys = this.index.get(dep);
      if (keys === key) this.index.delete(dep);
      else if (typeof keys === "object" && keys.delete(key) && keys.size === 1) this.index.set(dep, keys.values().next().value!);
    }
  }
}

/**
 * What the token and session caches share around their InvalidatingCache: the fill generation, a
 * user's entries ("u:" keys), and the change feed's trust (lib/cache/follow-changes.ts).
 */
export abstract class UserEntriesCache<E extends object> {
  protected constructor(protected readonly entries: InvalidatingCache<E>) {}

  get generation(): number {
    return this.entries.generation;
  }

  invalidateUser(userId: string): void {
    this.entries.invalidate(`u:${userId}`);
  }

  /** After missed notifications (a dropped connection), nothing cached can be trusted. */
  clear(): void {
    this.entries.clear();
  }

  /** Stop answering from memory (the change feed is down): forget everything and store nothing. */
  distrust(): void {
    this.entries.distrust();
  }

  /** The change feed is up again: start afresh. */
  trust(): void {
    this.entries.trust();
  }

  get isTrusted(): boolean {
    return this.entries.isTrusted;
  }

  get size(): number {
    return this.entries.size;
  }
}
