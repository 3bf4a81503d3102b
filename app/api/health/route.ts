import { json } from "@/lib/api/responses";

export const dynamic = "force-dynamic";

/**
 * Liveness: the process is up and answering. Nothing else is asked, the database least of all:
 * an orchestrator restarts an instance whose liveness fails, and restarting every instance
 * because the database is down helps nobody. Whether to send traffic is `/api/health/ready`.
 */
export function GET(): Response {
  return json({ status: "ok" });
}
