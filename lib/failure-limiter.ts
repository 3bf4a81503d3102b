import { LRUCache } from "lru-cache";

/**
 * Counts failures (bad tokens, wrong passwords) per key, a client address or an account, in a
 * fixed window that the key's first failure opens. A key that has used up its failures is
 * refused until its window ends. Only failures are counted, so legitimate traffic spends nothing.
 *
 * Synchronous and bounded on purpose. The refusal path is what a flood of bad credentials takes,
 * so it must cost no more than answering; and a flood from many addresses (one IPv6 /64 holds
 * 2^64 of them) must not grow memory without limit: past `maxKeys` the least recently seen keys
 * are forgotten, which lets those keys start afresh but never lets memory run out.
 */
export class FailureLimiter {
  private readonly windows: LRUCache<string, { failures: number }>;

  constructor(
    private readonly limit: number,
    windowSeconds: number,
    options: { maxKeys?: number; clock?: { now(): number } } = {},
  ) {
    this.windows = new LRUCache({ max: options.maxKeys ?? 100_000, ttl: windowSeconds * 1000, perf: options.clock, ttlResolution: 0 });
  }

  /** Seconds until the key may try again (at least 1), or 0 when it is not blocked. */
  blockedSeconds(key: string): number {
    const window = this.windows.get(key);
    if (!window || window.failures < this.limit) return 0;
    return Math.max(1, Math.ceil(this.windows.getRemainingTTL(key) / 1000));
  }

  recordFailure(key: string): void {
    const window = this.windows.get(key);
    // Counted in place: the window keeps the end its first failure gave it.
    if (window) window.failures++;
    else this.windows.set(key, { failures: 1 });
  }
}
