import "server-only";
import type { Prisma } from "@/lib/db";

/**
 * Deletes notices read before `cutoff` (the maintenance job passes the audit retention), `batch`
 * rows per statement. Unread ones stay until read: the bell still counts them.
 */
export async function pruneReadNotifications(db: Pick<Prisma.TransactionClient, "$executeRaw">, cutoff: Date, batch: number, stopped: () => boolean): Promise<number> {
  let total = 0;
  while (!stopped()) {
    const count = await db.$executeRaw`
      DELETE FROM notifications WHERE id = ANY(ARRAY(SELECT id FROM notifications WHERE read_at < ${cutoff} LIMIT ${batch}))`;
    total += count;
    if (count < batch) break;
  }
  return total;
}
