import "server-only";
import type { Database } from "@/lib/db";
import type { Change } from "@/lib/db/change-listener";

/**
 * Keeps a process-wide cache current with the changes other instances commit (PostgreSQL NOTIFY,
 * one connection per process shared by every cache). Until this instance listens it cannot know
 * what they change, so the cache is distrusted (answers from the database only) from the start;
 * it is trusted once the feed is up, and distrusted again whenever the feed drops.
 * Resolves once the cache may answer from memory: at once on the embedded database, which only
 * one process can open.
 */
export function followChanges(
  db: Database,
  cache: { trust(): void; distrust(): void },
  onChange: (change: Change) => void,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const listening = db.listen({
      change: onChange,
      connected: () => {
        cache.trust();
        resolve();
      },
      disconnected: () => cache.distrust(),
    });
    if (!listening) {
      cache.trust();
      resolve();
    }
  });
}
