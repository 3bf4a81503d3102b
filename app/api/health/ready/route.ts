import { databaseReachable } from "@/lib/api/health";
import { json } from "@/lib/api/responses";
import { ERROR_STATUS } from "@/lib/api/schemas";

export const dynamic = "force-dynamic";

/** Readiness: this instance can serve requests, which needs its database. */
export async function GET(): Promise<Response> {
  if (await databaseReachable()) return json({ status: "ok" });
  return json(
    { status: "unavailable", error: { code: "unavailable", message: "The database did not answer within 5 seconds (unreachable, or still opening at start-up); see the server log." } },
    { status: ERROR_STATUS.unavailable },
  );
}
