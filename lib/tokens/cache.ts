import { InvalidatingCache, UserEntriesCache } from "@/lib/cache/invalidating-cache";
import { isAdminOnlyScope } from "@/lib/scopes/built-in";

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

/** A secret's row as lib/tokens/verify.ts's lookup reads it (one query: the secret, its token, scopes, owner, grants). */
export type TokenRow = {
  expiresAt: Date | null;
  token: {
    guid: string;
    name: string;
    userId: string;
    validFrom: Date;
    validTo: Date | null;
    revokedAt: Date | null;
    createdAt: Date;
    scopes: { scopeName: string }[];
    user: { email: string; name: string; isAdmin: boolean; disabledAt: Date | null; grants: { scopeName: string }[] };
  };
};

export function cachedTokenOf(row: TokenRow): CachedToken {
  const { token } = row;
  // Effective scopes: the token's own that its owner still holds, the administrators' only while the owner is one.
  const held = new Set(token.user.grants.map((g) => g.scopeName));
  const mayHold = (scope: string) => held.has(scope) && (token.user.isAdmin || !isAdminOnlyScope(scope));
  return {
    guid: token.guid,
    name: token.name,
    userId: token.userId,
    userEmail: token.user.email,
    userName: token.user.name,
    userIsAdmin: token.user.isAdmin,
    userDisabled: token.user.disabledAt !== null,
    scopes: token.scopes.map((s) => s.scopeName).filter(mayHold).sort(),
    validFrom: token.validFrom,
    validTo: token.validTo,
    revokedAt: token.revokedAt,
    createdAt: token.createdAt,
    secretExpiresAt: row.expiresAt,
  };
}

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
