import "server-only";
import { apiConfig, config, jobsConfig } from "@/lib/config";
import { database } from "@/lib/db";

/**
 * What must hold before the server may answer at all: valid settings, and on the embedded
 * database that it opens (the lock, the files, the migrations). Neither heals by waiting, and a
 * process that answers liveness with 200 and every request with 500 is never restarted; so the
 * process stops with the reason instead. PostgreSQL is not opened here: a database server that is
 * down comes back, and readiness (503) says so meanwhile.
 */
export async function checkStartup(exit: (code: number) => void = (code) => process.exit(code)): Promise<void> {
  try {
    apiConfig();
    jobsConfig();
    if (config().database.kind === "embedded") await database();
  } catch (error) {
    console.error(`Tollgate cannot start: ${error instanceof Error ? error.message : String(error)}`);
    exit(1);
  }
}
