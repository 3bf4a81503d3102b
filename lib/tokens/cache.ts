import { InvalidatingCache, UserEntriesCache } from "@/lib/cache/invalidating-cache";

/**
 * Verified tokens by the keyed hash of their secret: the token as stored, never a verdict (status
 * is judged on every hit). How it stays current: docs/architecture.md, "Verification cache".
 */
export type CachedToken = {
  guid: string;
  name: string;
  userId: string;
  userEmail: string;
  userName: string;
  /** Whether the owner is an administrator (admin routes answer 404 to anyone else's token). */
  userIsAdmin: boolean;
  /** Set when an administrator disabled the owner's account: every token of theirs is refused. */
  userDisabled: boolean;
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

// An unknown secret depends on nothing but itself: it becomes a token's only by a new fill.
const NO_DEPENDENCIES: readonly string[] = [];

export type CacheOptions = {
  max?: number;
  ttlMs?: number;
  negativeTtlMs?: number;
  /** A clock for the freshness times (tests); defaults to performance.now. */
  clock?: { now(): number };
};

export type CacheStats = { hits: number; negativeHits: number; misses: number; invalidations: number; size: number };

/** Keyed by secret hash; an entry depends on its token ("t:") and its owner's grants ("u:"). See lib/cache. */
export class VerificationCache extends UserEntriesCache<Entry> {
  private readonly negativeTtlMs: number;
  private counters = { hits: 0, negativeHits: 0, misses: 0 };

  constructor(options: CacheOptions = {}) {
    super(
      new InvalidatingCache<Entry>({
        max: options.max ?? 50_000,
        ttlMs: options.ttlMs ?? 30_000,
        clock: options.clock,
        dependsOn: ({ token }) => (token ? [`t:${token.guid}`, `u:${token.userId}`] : NO_DEPENDENCIES),
      }),
    );
    this.negativeTtlMs = options.negativeTtlMs ?? 5_000;
  }

  /** undefined: not cached; `{ token: null }`: known to be no token's secret. */
  get(hash: string): Entry | undefined {
    const entry = this.entries.get(hash);
    if (!entry) this.counters.misses++;
    else if (entry.token) this.counters.hits++;
    else this.counters.negativeHits++;
    return entry;
  }

  /** Stores a lookup result, unless an invalidation happened since `generation` was read. */
  set(hash: string, token: CachedToken | null, generation: number): void {
    this.entries.set(hash, { token }, generation, token ? undefined : this.negativeTtlMs);
  }

  invalidateToken(guid: string): void {
    this.entries.invalidate(`t:${guid}`);
  }

  stats(): CacheStats {
    return { ...this.counters, invalidations: this.entries.invalidations, size: this.entries.size };
  }
}
