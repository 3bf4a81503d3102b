/**
 * How long a session lives. Two limits, as GitHub and Stripe apply them:
 * - idle: a session not used for IDLE_TIMEOUT_MS ends (as long as the cookie's own maxAge, which
 *   only the session endpoint renews);
 * - absolute: MAX_LIFETIME_MS after signing in, a session ends however busy it is, so a stolen
 *   cookie that is kept alive by use still dies.
 */
export const IDLE_TIMEOUT_MS = 7 * 24 * 3600_000;
export const MAX_LIFETIME_MS = 30 * 24 * 3600_000;

export type SessionTimes = { expiresAt: Date; lastSeenAt: Date };

export function isWithinLifetime(session: SessionTimes, now: Date): boolean {
  const t = now.getTime();
  return t < session.expiresAt.getTime() && t - session.lastSeenAt.getTime() < IDLE_TIMEOUT_MS;
}
