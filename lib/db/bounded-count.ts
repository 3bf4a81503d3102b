/**
 * A total that stops counting: counting every match of a filter costs time in proportion to the
 * matches (49 ms for 100,000 tokens on PostgreSQL), so lists count at most `limit + 1` rows (a
 * subquery with LIMIT) and say whether they stopped. Shared by the token list and the
 * administrators' inventory; docs/performance.md says how each limit was chosen.
 */
export type BoundedTotal = {
  /** Matching rows, up to `limit`. */
  total: number;
  /** false: more than `total` rows match (the count stopped there). */
  totalIsExact: boolean;
};

/** `countUpTo(n)` counts the matching rows, stopping at n (Prisma's `count({ where, take: n })`, or SQL with `LIMIT n`). */
export async function boundedCount(countUpTo: (rows: number) => Promise<number>, limit: number): Promise<BoundedTotal> {
  const counted = await countUpTo(limit + 1);
  return { total: Math.min(counted, limit), totalIsExact: counted <= limit };
}
