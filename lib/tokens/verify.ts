import "server-only";
import { followChanges } from "@/lib/cache/follow-changes";
import { config } from "@/lib/config";
import { database, prisma } from "@/lib/db";
import { fillOf, VerificationCache, type CachedToken, type TokenFill } from "./cache";
import { onTokenChange } from "./events";
import { hashSecret, isWellFormedSecret } from "./secret";
import { statusOf, type InactiveReason } from "./status";

/**
 * The one answer to "is this secret a usable token, and what may it do?", used by every
 * protected route and by introspection.
 */
export type VerifiedToken = Omit<TokenFill, "revokedAt" | "userDisabled">;

/** `account_disabled`: the token itself is fine, but an administrator disabled its owner's account. */
export type VerifyFailure = "malformed" | "unknown" | InactiveReason | "account_disabled";
export type VerifyResult = { ok: true; token: VerifiedToken } | { ok: false; reason: VerifyFailure };

const MALFORMED: VerifyResult = { ok: false, reason: "malformed" };
const ACCOUNT_DISABLED: VerifyResult = { ok: false, reason: "account_disabled" };

/** Answers whether a secret is a usable token. */
export async function verifySecret(secret: string, now = new Date()): Promise<VerifyResult> {
  return verifySecretMaybeSync(secret, now);
}

/**
 * The same answer, given at once when memory suffices (a malformed secret, a cached token) and as
 * a promise only when the database must be asked. For the API's hot path, where each promise
 * costs: Next tracks its async context through every one.
 */
export function verifySecretMaybeSync(secret: string, now = new Date()): VerifyResult | Promise<VerifyResult> {
  // Refused before any hashing: whether a string has the token's shape and checksum is public
  // knowledge, so answering that quickly tells a caller nothing about any real secret.
  if (!isWellFormedSecret(secret)) return MALFORMED;
  const hash = hashSecret(secret, config().tokenHashKey);
  const cache = verificationCache();
  const cached = cache.get(hash);
  if (cached) return judge(cached.token, now);
  const generation = cache.generation;
  return lookup(hash).then((fill) => judge(cache.set(hash, fill, generation), now));
}

/**
 * The answer if memory alone has it (a malformed secret, a cached token), else null: never asks
 * the database. For what must stay cheap, such as telling whose token a rate-limited request carried.
 */
export function verifyFromMemory(secret: string, now = new Date()): VerifyResult | null {
  if (!isWellFormedSecret(secret)) return MALFORMED;
  const cached = verificationCache().get(hashSecret(secret, config().tokenHashKey));
  return cached ? judge(cached.token, now) : null;
}

/**
 * The answer as the database holds it now, whatever this instance's cache says (which follows
 * other instances' changes a few milliseconds late): for introspection's first answer to a service
 * about a token, given after that service was recorded as knowing it (lib/tokens/introspected.ts).
 */
export async function verifySecretAfresh(secret: string, now = new Date()): Promise<VerifyResult> {
  if (!isWellFormedSecret(secret)) return MALFORMED;
  const hash = hashSecret(secret, config().tokenHashKey);
  const cache = verificationCache();
  const generation = cache.generation;
  return judge(cache.set(hash, await lookup(hash), generation), now);
}

function judge(token: CachedToken | null, now: Date): VerifyResult {
  // A secret replaced by rotation works only until the end of its overlap.
  if (!token || (token.secretExpiresAt !== null && token.secretExpiresAt <= now.getTime())) {
    return { ok: false, reason: "unknown" };
  }
  const status = statusOf(token, now);
  if (status !== "active") return { ok: false, reason: status };
  const { owner } = token;
  if (owner.disabled) return ACCOUNT_DISABLED;
  // The routes' shape, with Dates, made here: the cache holds epoch numbers (a Date costs ~100 bytes an entry).
  return {
    ok: true,
    token: {
      guid: token.guid,
      name: token.name,
      userId: owner.id,
      userEmail: owner.email,
      userName: owner.name,
      userIsAdmin: owner.isAdmin,
      scopes: token.scopes,
      validFrom: new Date(token.validFrom),
      validTo: token.validTo === null ? null : new Date(token.validTo),
      createdAt: new Date(token.createdAt),
      secretExpiresAt: token.secretExpiresAt === null ? null : new Date(token.secretExpiresAt),
    },
  };
}

async function lookup(hash: string): Promise<TokenFill | null> {
  const db = await prisma();
  const row = await db.tokenSecret.findUnique({
    where: { hash },
    select: {
      expiresAt: true,
      token: {
        select: {
          guid: true,
          name: true,
          userId: true,
          validFrom: true,
          validTo: true,
          revokedAt: true,
          createdAt: true,
          scopes: { select: { scopeName: true } },
          user: { select: { email: true, name: true, isAdmin: true, disabledAt: true, grants: { select: { scopeName: true } } } },
        },
      },
    },
  });
  return row && fillOf(row);
}

// One cache per process, kept on globalThis so Next's dev server does not make one per module reload.
const holder = globalThis as unknown as { tollgateVerificationCache?: VerificationCache; tollgateCacheReady?: Promise<void> };

export function verificationCache(): VerificationCache {
  if (holder.tollgateVerificationCache) return holder.tollgateVerificationCache;
  const cache = new VerificationCache({
    max: Number(process.env.TOKEN_CACHE_SIZE ?? 50_000),
    ttlMs: Number(process.env.TOKEN_CACHE_TTL_MS ?? 30_000),
    negativeTtlMs: Number(process.env.TOKEN_CACHE_NEGATIVE_TTL_MS ?? 5_000),
  });
  // Changes made by this instance: dropped before the change's caller gets its answer.
  onTokenChange(({ tokenGuid, userId }) => {
    if (tokenGuid) cache.invalidateToken(tokenGuid);
    if (userId) cache.invalidateUser(userId);
  });
  // Changes made by other instances sharing PostgreSQL: until heard, answers come from the database only.
  cache.distrust();
  holder.tollgateCacheReady = new Promise<void>((resolve) => {
    void database().then((db) =>
      followChanges(db, cache, ({ token, user }) => {
        if (token) cache.invalidateToken(token);
        if (user) cache.invalidateUser(user);
      }).then(resolve),
    );
  });
  holder.tollgateVerificationCache = cache;
  return cache;
}

/** Resolves once the cache may answer from memory (at once on the embedded database). */
export function verificationCacheReady(): Promise<void> {
  verificationCache();
  return holder.tollgateCacheReady!;
}