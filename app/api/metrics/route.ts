import { withBearer } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { databaseStats } from "@/lib/db";
import { pendingUsage } from "@/lib/tokens/usage";
import { verificationCache } from "@/lib/tokens/verify";

export const dynamic = "force-dynamic";

// For operators and `npm run bench`: what this instance has done since it started.
export const GET = withBearer("metrics:read", async () => {
  const memory = process.memoryUsage();
  return json({
    database: databaseStats(),
    verificationCache: verificationCache().stats(),
    usage: { pending: pendingUsage() },
    process: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, uptimeSeconds: Math.round(process.uptime()) },
  });
});
