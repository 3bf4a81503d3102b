import { closeDatabase } from "@/lib/db";
import { stopMaintenance } from "@/lib/jobs/maintenance";
import { stopMailDelivery } from "@/lib/mail/outbox";
import { closeChangeFeeds } from "@/lib/tokens/change-feed";
import { leakReportsProcessed } from "@/lib/tokens/leaks";
import { flushUsage } from "@/lib/tokens/usage";
import { resetRequestsIssued, signInRecordsWritten } from "@/lib/users/attempt-limits";

/**
 * Writes the "last used" values, usage counts and addresses still held in memory (lib/tokens/usage.ts)
 * before the process exits.
 *
 * `npm start` runs server.js, a custom server: Next installs no signal handlers there, and
 * server.js sets NEXT_MANUAL_SIG_HANDLE=true to say that this handler owns shutdown (the same
 * variable keeps `next start`'s own handlers, which would race ours to process.exit, out of the
 * way). Flush, close the database, exit. Requests still in flight are not waited for; server.js
 * stops accepting connections when the signal arrives, and a load balancer should drain first.
 */
const SHUTDOWN_STEP_MS = 10_000;

/** A database that does not answer must not keep the process from stopping. */
function withinTime<T>(work: Promise<T>, what: string): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      console.error(`Shutdown: gave up ${what} after ${SHUTDOWN_STEP_MS / 1000} s.`);
      resolve(undefined);
    }, SHUTDOWN_STEP_MS);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export function flushOnShutdown(): void {
  if (!process.env.TOLLGATE_SERVER_ENTRY && process.env.NODE_ENV === "production") {
    console.warn(
      "Not started through server.js (`npm start`): client addresses are taken from X-Forwarded-For as the client sent it, " +
        "so anyone can evade or redirect the failure limits.",
    );
  }
  if (!process.env.NEXT_MANUAL_SIG_HANDLE) {
    if (process.env.NODE_ENV === "production") {
      console.warn(
        "NEXT_MANUAL_SIG_HANDLE is not set: token uses of the last few seconds are lost when the server stops. " +
          "Start with `npm start`, which sets it.",
      );
    }
    return;
  }
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    try {
      // First, so that each connected service hears `end` and turns to another instance (server.close() waits for no stream).
      await withinTime(closeChangeFeeds(), "ending the change feeds");
      // A prune in progress stops after its current batch; the next run (here or elsewhere) goes on.
      await withinTime(stopMaintenance(), "stopping the maintenance job");
      const flushed = await withinTime(flushUsage(), "writing the last uses of tokens");
      if (flushed) {
        const { written, failed, counters, addresses } = flushed;
        if (failed || counters.failed || addresses.failed) {
          console.error(`Shutdown: could not write the last use of ${failed} token(s), ${counters.failed} hourly usage count(s), ${addresses.failed} address(es).`);
        }
        if (written || counters.written || addresses.written) {
          console.log(`Shutdown: wrote the last use of ${written} token(s), ${counters.written} hourly usage count(s) and ${addresses.written} address(es).`);
        }
      }
      await withinTime(signInRecordsWritten(), "recording the last failed sign-ins");
      await withinTime(resetRequestsIssued(), "issuing the last password reset links");
      await withinTime(leakReportsProcessed(), "working through the leak reports received");
      // A mail being sent finishes; the rest stays in the outbox for the next instance to send.
      await withinTime(stopMailDelivery(), "sending the mail in progress");
      await withinTime(closeDatabase(), "closing the database");
    } catch (error) {
      console.error("Shutdown did not finish cleanly:", error);
    } finally {
      // 128 + the signal's number, as Next's own handler exits.
      process.exit(signal === "SIGINT" ? 130 : 143);
    }
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
