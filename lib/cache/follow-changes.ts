import "server-only";
import type { Database } from "@/lib/db";
import type { Change } from "@/lib/db/change-listener";

/**
 * Trusts a cache only while this instance hears other instances' changes (distrusted until the
 * feed is up, again whenever it drops). Resolves once the cache may answer from memory: at once on
 * the embedded database, which only one process can open.
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
