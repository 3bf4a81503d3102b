import "server-only";
import { config } from "@/lib/config";
import { database, prisma } from "@/lib/db";
import { VerificationCache, type CachedToken } from "./cache";
import { onTokenChange } from "./events";
import { SECRET_PREFIX, hashSecret, isWellFormedSecret } from "./secret";
import { statusOf, type InactiveReason } from "./status";

/**
 * The one answer to "is this secret a usable token, and what may it do?", used by every
 * protected route and by introspection.
 */
export type VerifiedToken = Omit<CachedToken, "revokedAt" | "secretExpiresAt">;

export type VerifyFailure = "malformed" | "unknown" | InactiveReason;
export type VerifyResult = { ok: true; token: VerifiedToken } | { ok: false; reason: VerifyFailure };

const PLACEHOLDER = SECRET_PREFIX + "0".repeat(36);

export async function verifySecret(secret: string, now = new Date()): Promise<VerifyResult> {
  const wellFormed = isWellFormedSecret(secret);
  // Hash something of the same length either way, so a malformed token costs what a real one does
  // up to the lookup, which it never reaches.
  const hash = hashSecret(wellFormed ? secret : PLACEHOLDER, config().tokenHashKey);
  if (!wellFormed) return { ok: false, reason: "malformed" };

  const cache = verificationCache();
  const cached = cache.get(hash);
  let token: CachedToken | null;
  if (cached) {
    token = cached.token;
  } else {
    const generation = cache.generation;
    token = await lookup(hash);
    cache.set(hash, token, generation);
  }
  return judge(token, now);
}

function judge(token: CachedToken | null, now: Date): VerifyResult {
  // A secret replaced by rotation works only until the end of its overlap.
  if (!token || (token.secretExpiresAt && token.secretExpiresAt.getTime() <= now.getTime())) {
    return { ok: false, reason: "unknown" };
  }
  const status = statusOf(token, now);
  if (!status.active) return { ok: false, reason: status.reason };
  const { guid, name, userId, userEmail, userName, scopes, validFrom, validTo, createdAt } = token;
  return { ok: true, token: { guid, name, userId, userEmail, userName, scopes, validFrom, validTo, createdAt } };
}

async function lookup(hash: string): Promise<CachedToken | null> {
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
          user: { select: { email: true, name: true, grants: { select: { scopeName: true } } } },
        },
      },
    },
  });
  if (!row) return null;
  const { token } = row;
  const held = new Set(token.user.grants.map((g) => g.scopeName));
  return {
    guid: token.guid,
    name: token.name,
    userId: token.userId,
    userEmail: token.user.email,
    userName: token.user.name,
    scopes: token.scopes.map((s) => s.scopeName).filter((s) => held.has(s)).sort(),
    validFrom: token.validFrom,
    validTo: token.validTo,
    revokedAt: token.revokedAt,
    createdAt: token.createdAt,
    secretExpiresAt: row.expiresAt,
  };
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
  // Changes made by other instances sharing PostgreSQL. Until this instance listens, it cannot
  // know what they change, so it answers from the database only.
  cache.distrust();
  holder.tollgateCacheReady = new Promise<void>((resolve) => {
    void database().then((db) => {
      const listening = db.listen({
        change: ({ token, user }) => {
          if (token) cache.invalidateToken(token);
          if (user) cache.invalidateUser(user);
        },
        connected: () => {
          cache.trust();
          resolve();
        },
        disconnected: () => cache.distrust(),
      });
      if (!listening) {
        cache.trust();
        resolve();
      }
    });
  });
  holder.tollgateVerificationCache = cache;
  return cache;
}

/** Resolves once the cache may answer from memory (at once on the embedded database). */
export function verificationCacheReady(): Promise<void> {
  verificationCache();
  return holder.tollgateCacheReady!;
}