import "server-only";
import { prisma } from "@/lib/db";

/** Whether the database answers a trivial query in time; a hung database must not hang the probe. */
export async function databaseReachable(timeoutMs = 5000): Promise<boolean> {
  const query = (async () => {
    const db = await prisma();
    await db.$queryRaw`SELECT 1`;
    return true;
  })().catch((error: unknown) => {
    console.error("Health check: the database is not reachable.", error);
    return false;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
