import "server-only";
import { followChanges } from "@/lib/cache/follow-changes";
import { clientOf } from "@/lib/client";
import { database, prisma } from "@/lib/db";
import { SessionCache, type CachedSession } from "./cache";
import { recordSeen } from "./last-seen";
import { isWithinLifetime } from "./policy";

/**
 * The one answer to "is this session still live, and whose is it?", asked on every page, server
 * action and session-endpoint request. From memory in the steady state; the database is read on a
 * miss, after a freshness time, and for every request while the change feed is down.
 */
export type LiveSession = CachedSession;

// Session ids are UUIDs we made; anything else in a cookie is no session (and no query).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const holder = globalThis as unknown as { tollgateSessionCache?: SessionCache; tollgateSessionCacheReady?: Promise<void> };

/** The live session with this id, or null. Synchronous when memory suffices. */
export function liveSession(id: unknown, now = new Date()): LiveSession | null | Promise<LiveSession | null> {
  if (typeof id !== "string" || !UUID.test(id)) return null;
  const cache = sessionCache();
  const cached = cache.get(id);
  if (cached) return judge(cached.session, now);
  const generation = cache.generation;
  return lookup(id).then((session) => {
    cache.set(id, session, generation);
    return judge(session, now);
  });
}

function judge(session: CachedSession | null, now: Date): LiveSession | null {
  return session && isWithinLifetime(session, now) ? session : null;
}

async function lookup(id: string): Promise<CachedSession | null> {
  const db = await prisma();
  const row = await db.session.findUnique({
    where: { id },
    select: {
      id: true,
      userId: true,
      createdAt: true,
      expiresAt: true,
      lastSeenAt: true,
      user: { select: { id: true, email: true, name: true, isAdmin: true, disabledAt: true } },
    },
  });
  // Disabling ends the account's sessions; one that slipped past (a sign-in racing it) is no session either.
  if (!row || row.user.disabledAt) return null;
  const { disabledAt: _disabled, ...user } = row.user;
  return { ...row, user };
}

/** Ended on this instance: forgotten before the caller gets its answer (others hear the NOTIFY). */
export function forgetSession(id: string): void {
  sessionCache().invalidateSession(id);
}

export function forgetUserSessions(userId: string): void {
  sessionCache().invalidateUser(userId);
}

export function sessionCache(): SessionCache {
  if (holder.tollgateSessionCache) return holder.tollgateSessionCache;
  const cache = new SessionCache({
    max: Number(process.env.SESSION_CACHE_SIZE ?? 50_000),
    ttlMs: Number(process.env.SESSION_CACHE_TTL_MS ?? 60_000),
  });
  // Until this instance hears other instances' changes, it asks the database every time.
  cache.distrust();
  holder.tollgateSessionCacheReady = new Promise<void>((resolve) => {
    void database().then(
      (db) =>
        followChanges(db, cache, ({ session, user }) => {
          if (session) cache.invalidateSession(session);
          if (user) cache.invalidateUser(user);
        }).then(resolve),
      () => {
        // The database could not be opened: lookups fail on their own; the next call tries again.
        if (holder.tollgateSessionCache === cache) holder.tollgateSessionCache = undefined;
      },
    );
  });
  holder.tollgateSessionCache = cache;
  return cache;
}

/** Resolves once sessions may be answered from memory (at once on the embedded database). */
export function sessionCacheReady(): Promise<void> {
  sessionCache();
  return holder.tollgateSessionCacheReady!;
}

/**
 * The session a decoded session cookie names, if it is live and still its user's; null otherwise.
 * Notes the use for "last seen" (in memory; written at most once a minute).
 */
export async function sessionOfToken(
  token: { sid?: unknown; sub?: unknown } | null | undefined,
  headers: Headers,
  now = new Date(),
): Promise<LiveSession | null> {
  if (!token) return null;
  const found = liveSession(token.sid, now);
  const session = found instanceof Promise ? await found : found;
  if (!session || session.userId !== token.sub) return null;
  sessionCache().touch(session.id, now);
  recordSeen(session.id, { at: now, ip: clientOf(headers).address });
  return session;
}
