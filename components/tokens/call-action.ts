import type { ActionFailure, ActionResult } from "./types";

/**
 * Calls a server action and turns a failed request (network down, server restarting) into an
 * ordinary failure, so that it is reported beside the form instead of replacing the page with
 * the error boundary.
 */
export async function callAction<R extends ActionResult>(call: () => Promise<R>): Promise<R | ActionFailure> {
  try {
    return await call();
  } catch {
    return { ok: false, error: "Could not reach Tollgate. Check your connection and try again." };
  }
}
