import "server-only";
import { RateLimiterMemory } from "rate-limiter-flexible";
import { apiConfig } from "@/lib/config";

/**
 * Failed authentications per client address. Only failures are counted, so successful traffic
 * never spends anything; an address that has used up its failures is refused before its
 * credential is even looked at, until the window that its first failure opened has passed.
 *
 * Kept in memory, per instance: behind a load balancer each instance counts on its own, which
 * multiplies the allowance by the number of instances but still stops guessing at speed.
 */
const holder = globalThis as unknown as { tollgateAuthFailures?: RateLimiterMemory };

// On globalThis because every route handler is its own bundle and they must share the counts.
function limiter(): RateLimiterMemory {
  const { authFailureLimit, authFailureWindowSeconds } = apiConfig();
  holder.tollgateAuthFailures ??= new RateLimiterMemory({
    keyPrefix: "auth-failures",
    points: authFailureLimit,
    duration: authFailureWindowSeconds,
  });
  return holder.tollgateAuthFailures;
}

/** Seconds until the address may try again, or 0 when it is not blocked. */
export async function blockedSeconds(key: string): Promise<number> {
  const state = await limiter().get(key);
  if (!state || state.consumedPoints < apiConfig().authFailureLimit) return 0;
  return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
}

export async function recordFailure(key: string): Promise<void> {
  await limiter().penalty(key, 1);
}
