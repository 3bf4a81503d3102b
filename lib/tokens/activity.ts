import "server-only";
import { prisma } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { guidSchema } from "@/lib/validation/tokens";

/**
 * What a token's page and `GET /api/v1/tokens/{guid}/usage` show of its use: hourly counters
 * (table token_usage, one row per token, UTC hour and source) summed over sources into the last
 * 168 hours and the last 90 days, every bucket present (zeros filled), and the addresses it was
 * used from (token_addresses). Buckets are UTC hours and days; only labels depend on the reader.
 */

export const HOURLY_BUCKETS = 168;
export const DAILY_BUCKETS = 90;
/** The addresses the flush keeps per token, and so the most a page shows. */
export const ADDRESSES_SHOWN = 20;

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

export type UsageCounts = { answered: number; refusedScope: number; refusedRate: number };
export type UsageBucket = UsageCounts & { start: Date };
/** A service token that introspected this one: its name when it is the same owner's token, else null (the GUID is all there is to say). */
export type UsageSource = UsageCounts & { guid: string; name: string | null };
export type TokenUsageView = {
  hourly: UsageBucket[];
  daily: UsageBucket[];
  totals: { hourly: UsageCounts; daily: UsageCounts };
  sources: UsageSource[];
};
export type TokenAddressView = { ip: string; firstSeenAt: Date; lastSeenAt: Date; uses: number; userAgent: string | null };

const zero = (): UsageCounts => ({ answered: 0, refusedScope: 0, refusedRate: 0 });

function add(into: UsageCounts, counts: UsageCounts): void {
  into.answered += counts.answered;
  into.refusedScope += counts.refusedScope;
  into.refusedRate += counts.refusedRate;
}

/** `count` consecutive buckets of `size` ms ending with the one that holds `now`. */
function emptyBuckets(now: Date, size: number, count: number): UsageBucket[] {
  const last = Math.floor(now.getTime() / size) * size;
  return Array.from({ length: count }, (_, i) => ({ start: new Date(last - (count - 1 - i) * size), ...zero() }));
}

/** Throws NotFoundError unless `guid` is one of `userId`'s tokens (another's, malformed and deleted alike). */
async function assertOwned(userId: string, guid: string): Promise<string> {
  if (!guidSchema.safeParse(guid).success || !guidSchema.safeParse(userId).success) throw new NotFoundError();
  const db = await prisma();
  const owned = await db.token.findFirst({ where: { guid: guid.toLowerCase(), userId }, select: { guid: true } });
  if (!owned) throw new NotFoundError();
  return owned.guid;
}

/**
 * The owner of any token, for an administrator reading its use (GET /api/v1/admin/tokens/{guid}/usage):
 * malformed, unknown and deleted are all NotFound, as for the owner.
 */
export async function tokenOwner(guid: string): Promise<string> {
  if (!guidSchema.safeParse(guid).success) throw new NotFoundError();
  const db = await prisma();
  const token = await db.token.findUnique({ where: { guid: guid.toLowerCase() }, select: { userId: true } });
  if (!token) throw new NotFoundError();
  return token.userId;
}

/** Whether `guid` is one of `userId`'s tokens (malformed: no). */
export async function ownsToken(userId: string, guid: string): Promise<boolean> {
  return assertOwned(userId, guid).then(
    () => true,
    (error: unknown) => {
      if (error instanceof NotFoundError) return false;
      throw error;
    },
  );
}

export async function tokenUsage(userId: string, guid: string, now = new Date()): Promise<TokenUsageView> {
  const tokenGuid = await assertOwned(userId, guid);
  const hourly = emptyBuckets(now, HOUR_MS, HOURLY_BUCKETS);
  const daily = emptyBuckets(now, DAY_MS, DAILY_BUCKETS);
  // The daily window is the longer one and starts at a UTC midnight; nothing after the current hour counts.
  const where = { tokenGuid, hour: { gte: daily[0]!.start, lt: new Date(hourly.at(-1)!.start.getTime() + HOUR_MS) } };
  const sum = { answered: true, refusedScope: true, refusedRate: true } as const;
  const db = await prisma();
  const [byHour, bySource] = await Promise.all([
    db.tokenUsage.groupBy({ by: ["hour"], where, _sum: sum }),
    db.tokenUsage.groupBy({ by: ["source"], where: { ...where, source: { not: "" } }, _sum: sum }),
  ]);

  const totals = { hourly: zero(), daily: zero() };
  const firstHour = hourly[0]!.start.getTime();
  for (const row of byHour) {
    const counts = { answered: row._sum.answered ?? 0, refusedScope: row._sum.refusedScope ?? 0, refusedRate: row._sum.refusedRate ?? 0 };
    const at = row.hour.getTime();
    add(daily[Math.floor((at - daily[0]!.start.getTime()) / DAY_MS)]!, counts);
    add(totals.daily, counts);
    if (at >= firstHour) {
      add(hourly[Math.floor((at - firstHour) / HOUR_MS)]!, counts);
      add(totals.hourly, counts);
    }
  }

  // Sources are service tokens' GUIDs; only the owner's own tokens may be named to them.
  const guids = bySource.map((row) => row.source).filter((source) => guidSchema.safeParse(source).success);
  const named = guids.length ? await db.token.findMany({ where: { userId, guid: { in: guids } }, select: { guid: true, name: true } }) : [];
  const names = new Map(named.map((token) => [token.guid, token.name]));
  const sources = bySource
    .map((row) => ({
      guid: row.source,
      name: names.get(row.source) ?? null,
      answered: row._sum.answered ?? 0,
      refusedScope: row._sum.refusedScope ?? 0,
      refusedRate: row._sum.refusedRate ?? 0,
    }))
    .sort((a, b) => total(b) - total(a) || a.guid.localeCompare(b.guid));
  return { hourly, daily, totals, sources };
}

export const total = (counts: UsageCounts) => counts.answered + counts.refusedScope + counts.refusedRate;

/** The addresses a token was used from, most recently seen first (the flush keeps 20). */
export async function tokenAddresses(userId: string, guid: string): Promise<TokenAddressView[]> {
  const tokenGuid = await assertOwned(userId, guid);
  const db = await prisma();
  return db.tokenAddress.findMany({
    where: { tokenGuid },
    select: { ip: true, firstSeenAt: true, lastSeenAt: true, uses: true, userAgent: true },
    orderBy: [{ lastSeenAt: "desc" }, { ip: "asc" }],
    take: ADDRESSES_SHOWN,
  });
}
