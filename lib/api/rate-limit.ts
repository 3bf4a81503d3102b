import "server-only";
import { apiConfig } from "@/lib/config";
import { AttemptLimiter } from "@/lib/attempt-limiter";

/**
 * Failed authentications per client address on the API. An address over the limit is refused
 * before its credential is even looked at, until the window its first failure opened has passed.
 *
 * Kept in memory, per instance: behind a load balancer each instance counts on its own, which
 * multiplies the allowance by the number of instances but still stops guessing at speed.
 */
const holder = globalThis as unknown as { tollgateAuthFailures?: AttemptLimiter };

// On globalThis because every route handler is its own bundle and they must share the counts.
function limiter(): AttemptLimiter {
  const { authFailureLimit, authFailureWindowSeconds } = apiConfig();
  return (holder.tollgateAuthFailures ??= new AttemptLimiter(authFailureLimit, authFailureWindowSeconds));
}

/** Seconds until the address may try again, or 0 when it is not blocked. */
export function blockedSeconds(key: string): number {
  return limiter().blockedSeconds(key);
}

export function recordFailure(key: string): void {
  limiter().record(key);
}
