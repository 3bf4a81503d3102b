import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import type { UnusedFilter } from "@/lib/validation/token-list";

/**
 * "Not used for N days": never used or last used at or before now − N days, and created by then
 * (a never-used token counts from its creation; a use always follows the creation, so saying it
 * lets a walk by creation start at the cutoff). One rule for the person's list, the
 * administrators' inventory and the stale-token sweep, in the two forms their queries take.
 * "never" is never used at all, however new.
 */
const DAY_MS = 86_400_000;

export type Unused = Exclude<UnusedFilter, ""> | number;

/** The instant a token's last use (or creation) must be at or before; null for "never". */
export function unusedCutoff(unused: Unused, now: Date): Date | null {
  return unused === "never" ? null : new Date(now.getTime() - Number(unused) * DAY_MS);
}

/** For Prisma queries: the OR form, which the (user_id, last_used_at) index serves as two ranges. */
export function unusedWhere(unused: Unused, now: Date): Prisma.TokenWhereInput {
  const cutoff = unusedCutoff(unused, now);
  if (!cutoff) return { lastUsedAt: null };
  return { createdAt: { lte: cutoff }, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: cutoff } }] };
}

/** For raw SQL over `t`: the same condition, in the form tokens_unused_idx is built on. */
export function unusedSql(unused: Unused, now: Date): Prisma.Sql {
  const cutoff = unusedCutoff(unused, now);
  if (!cutoff) return Prisma.sql`t."last_used_at" IS NULL`;
  return Prisma.sql`COALESCE(t."last_used_at", t."created_at") <= ${cutoff} AND t."created_at" <= ${cutoff}`;
}
