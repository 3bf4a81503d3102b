import { InvalidatingCache, UserEntriesCache } from "@/lib/cache/invalidating-cache";
import { isAdminOnlyScope } from "@/lib/scopes/built-in";

/**
 * Verified tokens by the keyed hash of their secret: the token as stored, never a verdict (status
 * is judged on every hit). How it stays current: docs/architecture.md, "Verification cache".
 */
export type TokenFill = {
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
  scopes: readonly string[];
  validFrom: Date;
  validTo: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  /** When this particular secret stops working (a secret replaced by rotation with overlap). */
  secretExpiresAt: Date | null;
};

/** The owner as of the fill: one frozen object shared by every entry of theirs that read the same. */
export type TokenOwner = Readonly<{ id: string; email: string; name: string; isAdmin: boolean; disabled: boolean }>;

/**
 * A fill as held in memory, about 0.5 KB (docs/performance.md, "Memory"): times as epoch
 * milliseconds (a Date is ~100 bytes), the owner and the scope list shared, never copied per entry.
 */
export type CachedToken = Readonly<{
  guid: string;
  name: string;
  owner: TokenOwner;
  /** Frozen and shared by every entry with the same scopes. */
  scopes: readonly string[];
  validFrom: number;
  validTo: number | null;
  revokedAt: number | null;
  createdAt: number;
  secretExpiresAt: number | null;
}>;

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

export function fillOf(row: TokenRow): TokenFill {
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

type Entry = { readonly token: CachedToken | null };

// An unknown secret depends on nothing but itself: it becomes a token's only by a new fill.
const NO_DEPENDENCIES: readonly string[] = [];
const NOT_A_TOKEN: Entry = Object.freeze({ token: null });
/** Distinct scope lists kept for sharing; beyond that many, a list is held by its entry alone. */
const MAX_SHARED_SCOPE_LISTS = 1_000;

export type CacheOptions = {
  max?: number;
  ttlMs?: number;
  negativeTtlMs?: number;
  /** A clock for the freshness times (tests); defaults to performance.now. */
  clock?: { now(): number };
};

export type CacheStats = { hits: number; negativeHits: number; misses: number; invalidations: number; size: number };

const time = (date: Date | null) => (date === null ? null : date.getTime());

/**
 * Keyed by secret hash; an entry depends on its token (its guid) and its owner's grants ("u:"). See lib/cache.
 * `get` returns what was stored, so the warm path stays one map lookup with no allocation.
 */
export class VerificationCache extends UserEntriesCache<Entry> {
  private readonly negativeTtlMs: number;
  private counters = { hits: 0, negativeHits: 0, misses: 0 };
  /** Scope lists by their names joined: immutable values, so sharing them needs no invalidation. */
  private readonly scopeLists = new Map<string, readonly string[]>();

  constructor(options: CacheOptions = {}) {
    super(
      new InvalidatingCache<Entry>({
        max: options.max ?? 50_000,
        ttlMs: options.ttlMs ?? 30_000,
        clock: options.clock,
        dependsOn: ({ token }) => (token ? [token.guid, `u:${token.owner.id}`] : NO_DEPENDENCIES),
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

  /**
   * Stores a lookup result, unless an invalidation happened since `generation` was read; returns
   * the token as held in memory either way, for judging the request that looked it up.
   */
  set(hash: string, fill: TokenFill | null, generation: number): CachedToken | null {
    if (!fill) {
      this.entries.set(hash, NOT_A_TOKEN, generation, this.negativeTtlMs);
      return null;
    }
    const token: CachedToken = {
      guid: fill.guid,
      name: fill.name,
      owner: this.ownerOf(fill),
      scopes: this.scopeList(fill.scopes),
      validFrom: fill.validFrom.getTime(),
      validTo: time(fill.validTo),
      revokedAt: time(fill.revokedAt),
      createdAt: fill.createdAt.getTime(),
      secretExpiresAt: time(fill.secretExpiresAt),
    };
    this.entries.set(hash, { token }, generation);
    return token;
  }

  invalidateToken(guid: string): void {
    this.entries.invalidate(guid);
  }

  stats(): CacheStats {
    return { ...this.counters, invalidations: this.entries.invalidations, size: this.entries.size };
  }

  /**
   * The owner object of another entry of this user if it reads the same, else a new one. Any change
   * to the user invalidates all of their entries, so a shared owner is never one a later fill
   * contradicts; and one that differs is not shared, so each entry shows what its own fill read.
   */
  private ownerOf(fill: TokenFill): TokenOwner {
    const known = this.entries.peekDependent(`u:${fill.userId}`)?.token?.owner;
    if (
      known &&
      known.id === fill.userId &&
      known.email === fill.userEmail &&
      known.name === fill.userName &&
      known.isAdmin === fill.userIsAdmin &&
      known.disabled === fill.userDisabled
    ) {
      return known;
    }
    return Object.freeze({ id: fill.userId, email: fill.userEmail, name: fill.userName, isAdmin: fill.userIsAdmin, disabled: fill.userDisabled });
  }

  private scopeList(scopes: readonly string[]): readonly string[] {
    const name = scopes.join(" "); // scope names hold no spaces (introspection joins them with one)
    const known = this.scopeLists.get(name);
    if (known) return known;
    const list = Object.freeze([...scopes]);
    if (this.scopeLists.size < MAX_SHARED_SCOPE_LISTS) this.scopeLists.set(name, list);
    return list;
  }
}
