import type { NextRequest } from "next/server";
import { withBearer } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { databaseStats } from "@/lib/db";
import { mailStats } from "@/lib/mail/outbox";
import { pendingUsage } from "@/lib/tokens/usage";
import { verificationCache } from "@/lib/tokens/verify";

export const dynamic = "force-dynamic";

function snapshot() {
  const memory = process.memoryUsage();
  return {
    database: databaseStats(),
    verificationCache: verificationCache().stats(),
    usage: { pending: pendingUsage() },
    mail: mailStats(),
    process: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, uptimeSeconds: Math.round(process.uptime()) },
  };
}

/**
 * For operators and `npm run bench`: what this instance has done since it started. The counters
 * are read as the request arrives, before its own token is verified, so that reading them never
 * changes them (verifying the reader's token may take a query when its cache entry has expired).
 */
export function GET(request: NextRequest, context: { params: Promise<Record<string, never>> }): Promise<Response> {
  const counters = snapshot();
  return withBearer("metrics:read", async () => json(counters))(request, context);
}
