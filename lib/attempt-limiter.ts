import { LRUCache } from "lru-cache";

/**
 * Attempts per key (an address or an account) in a fixed window its first attempt opens.
 * Synchronous, since a flood of bad credentials takes the refusal path, and bounded by `maxKeys`
 * (least recently seen forgotten), since one IPv6 /64 holds 2^64 addresses (docs/security.md).
 */
export class AttemptLimiter {
  private readonly windows: LRUCache<string, { attempts: number }>;

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
    if (!window || window.attempts < this.limit) return 0;
    return Math.max(1, Math.ceil(this.windows.getRemainingTTL(key) / 1000));
  }

  /** Counts an attempt; true when it is the one that blocks the key (a pause begins). */
  record(key: string): boolean {
    const window = this.windows.get(key);
    // Counted in place: the window keeps the end its first attempt gave it.
    if (window) window.attempts++;
    else this.windows.set(key, { attempts: 1 });
    return (window?.attempts ?? 1) === this.limit;
  }

  /** Forgets the key's attempts: a correct password ends an account's run of wrong ones. */
  clear(key: string): void {
    this.windows.delete(key);
  }
}
