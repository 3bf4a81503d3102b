import "server-only";
import { prisma } from "@/lib/db";
import { activeWhere } from "./status";

/** "Soon" for the token list's banner: the last of the reminders before expiry (7 and 1 days). */
export const EXPIRING_SOON_DAYS = 7;
export const EXPIRING_SOON_SHOWN = 5;

export type ExpiringSoon = { tokens: { guid: string; name: string; validTo: Date }[]; total: number };

/** The person's active tokens that stop working within 7 days of `now`, soonest first: the first few and how many in all. */
export async function expiringSoon(userId: string, now = new Date(), shown = EXPIRING_SOON_SHOWN): Promise<ExpiringSoon> {
  const db = await prisma();
  const where = { AND: [{ userId }, activeWhere(now), { validTo: { lte: new Date(now.getTime() + EXPIRING_SOON_DAYS * 86_400_000) } }] };
  const [total, rows] = await Promise.all([
    db.token.count({ where }),
    db.token.findMany({ where, orderBy: [{ validTo: "asc" }, { guid: "asc" }], take: shown, select: { guid: true, name: true, validTo: true } }),
  ]);
  return { tokens: rows.map((r) => ({ guid: r.guid, name: r.name, validTo: r.validTo! })), total };
}
