import type { NextRequest } from "next/server";
import { exportRequest } from "@/lib/audit/export-route";
import { SECURITY_LOG_PATH } from "@/lib/paths";
import { currentSession } from "@/lib/session";
import { OWN_LOG_PARAMETERS } from "@/lib/validation/audit-events";

export const dynamic = "force-dynamic";

/** The security log's download: the page's filters, every page. Signed out: to sign in, then back to the log. */
export async function GET(request: NextRequest) {
  const session = await currentSession();
  if (!session) return new Response(null, { status: 307, headers: { Location: `/signin?callbackUrl=${encodeURIComponent(SECURITY_LOG_PATH)}` } });
  return exportRequest(request, OWN_LOG_PARAMETERS, { own: session.user.id }, session.user.id, "tollgate-security-log");
}
