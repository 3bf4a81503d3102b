import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Queries this process has sent, for `GET /api/metrics` and the benchmarks, split by whether a
 * request waited for them. Each query is counted once, at one moment, in both counters it belongs
 * to: a reader never sees a background query in the total but not yet among the background ones,
 * which would charge it to whatever request happened to be running.
 */
export type DatabaseStats = {
  /** Every query: through Prisma, plus the statements background work sends directly. */
  queries: number;
  /**
   * Of those, the ones no request waited for: "last used" flushes, the change listener's LISTEN,
   * the embedded database's statistics upkeep. `queries - backgroundQueries` is the request path.
   */
  backgroundQueries: number;
};

/** Marks a raw SQL statement as background work, so the Prisma query counter files it as such. */
export const BACKGROUND_TAG = "/* tollgate:background */";

// On globalThis: Next bundles route handlers and instrumentation separately, and each bundle
// would otherwise count into its own copy.
const stats = ((globalThis as unknown as { tollgateDatabaseStats?: DatabaseStats }).tollgateDatabaseStats ??= {
  queries: 0,
  backgroundQueries: 0,
});

export function databaseStats(): DatabaseStats {
  return { ...stats };
}

// Prisma reports a query in the async context of the call that made it, so work wrapped in
// inBackground() is known by its context (on globalThis, like the counters).
const background = ((globalThis as unknown as { tollgateBackground?: AsyncLocalStorage<true> }).tollgateBackground ??= new AsyncLocalStorage<true>());

/** Runs `work` with every Prisma query it makes counted as background (the maintenance job). */
export function inBackground<T>(work: () => Promise<T>): Promise<T> {
  // Awaited inside the context: a Prisma query is lazy and runs when first awaited, which a bare
  // `run(true, work)` would leave to the caller, outside it (the mail poll was counted as a request's).
  return background.run(true, async () => await work());
}

/** Counts a query Prisma reports; `sql` is its text, which says whether it is tagged as background. */
export function countPrismaQuery(sql: string): void {
  stats.queries++;
  if (sql.includes(BACKGROUND_TAG) || background.getStore()) stats.backgroundQueries++;
}

/** Counts a statement background work sends without Prisma (maintenance, LISTEN). */
export function countBackgroundStatement(): void {
  stats.queries++;
  stats.backgroundQueries++;
}
