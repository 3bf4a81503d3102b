import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

// The locks this process holds, on globalThis like the database handle (lib/db/index.ts), so that a
// lock naming our own PID can be told apart: ours, or left by an earlier process with the same PID.
const holder = globalThis as unknown as { tollgateEmbeddedLocks?: Set<string> };
const held = (holder.tollgateEmbeddedLocks ??= new Set<string>());

/**
 * PGlite has no lock of its own: a second process that opens the same directory gets its own
 * copy of the database in memory, and the two silently overwrite each other's files. So the
 * embedded database is claimed with a pid file beside it (`<dir>.lock`) before it is opened.
 * A lock left by a process that no longer exists (killed, crashed) is taken over, and so is one
 * naming this very process that this process does not hold: a container restarted after SIGKILL
 * usually gets the PID its previous run had, and refusing that lock would keep it down for good.
 * Returns the function that releases it.
 */
export function lockEmbeddedDatabase(dir: string): () => void {
  const file = `${dir}.lock`;
  const key = path.resolve(/*turbopackIgnore: true*/ file);
  if (held.has(key)) {
    throw new Error(`The embedded database ${dir} is already open in this process (${process.pid}); it can be opened only once.`);
  }
  for (;;) {
    try {
      const fd = openSync(/*turbopackIgnore: true*/ file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(/*turbopackIgnore: true*/ file, "utf8"));
      if (owner !== process.pid && isRunning(owner)) {
        throw new Error(
          `The embedded database ${dir} is in use by process ${owner}; it can be open in only one process at a time. ` +
            "Stop that process first (or, if it is not Tollgate, delete the lock file " +
            `${file}), or set DATABASE_URL to use PostgreSQL from several processes.`,
        );
      }
      unlinkSync(/*turbopackIgnore: true*/ file);
    }
  }
  held.add(key);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    held.delete(key);
    try {
      if (readFileSync(/*turbopackIgnore: true*/ file, "utf8") === String(process.pid)) unlinkSync(/*turbopackIgnore: true*/ file);
    } catch {
      // Already gone: nothing to release.
    }
  };
  process.on("exit", release);
  return release;
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
