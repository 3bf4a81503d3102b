import type { NextRequest } from "next/server";
import { exportRequest } from "@/lib/audit/export-route";
import { currentSession } from "@/lib/session";
import { EVENT_PARAMETER_NAMES } from "@/lib/validation/audit-events";

export const dynamic = "force-dynamic";

/** The audit log's download, for administrators only: anyone else is told there is nothing here. */
export async function GET(request: NextRequest) {
  const session = await currentSession();
  if (!session?.user.isAdmin) return new Response("Not found.\n", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  return exportRequest(request, EVENT_PARAMETER_NAMES, { everyone: true }, session.user.id, "tollgate-audit-log");
}
