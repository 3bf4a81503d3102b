import type { SqlSession } from "./migrate";

/**
 * PGlite runs PostgreSQL in single-user mode, without the autovacuum launcher that a server runs
 * for you. Without it the planner never gets statistics: every table looks nearly empty, and the
 * token page for a user with 10,000 tokens chose a per-row lateral join and a full sort (110 ms)
 * where, with statistics, it walks the (user_id, name) index and stops after one page (3 ms).
 *
 * So the embedded database does what autovacuum would: statistics at start, then every interval
 * it vacuums or analyzes the tables that changed enough, by PostgreSQL's own default thresholds.
 * PostgreSQL servers are left to their own autovacuum.
 */

// PostgreSQL's defaults: autovacuum_{vacuum,analyze}_threshold and _scale_factor.
const VACUUM_THRESHOLD = 50;
const VACUUM_SCALE = 0.2;
const ANALYZE_THRESHOLD = 50;
const ANALYZE_SCALE = 0.1;

type TableActivity = { relname: string; n_live_tup: number | string; n_dead_tup: number | string; n_mod_since_analyze: number | string };

export type MaintenanceStep = { table: string; action: "VACUUM ANALYZE" | "ANALYZE" };

/** What autovacuum would do now for each table, by its default thresholds. */
export function maintenanceDue(tables: TableActivity[]): MaintenanceStep[] {
  const steps: MaintenanceStep[] = [];
  for (const t of tables) {
    const live = Number(t.n_live_tup);
    if (Number(t.n_dead_tup) > VACUUM_THRESHOLD + VACUUM_SCALE * live) steps.push({ table: t.relname, action: "VACUUM ANALYZE" });
    else if (Number(t.n_mod_since_analyze) > ANALYZE_THRESHOLD + ANALYZE_SCALE * live) steps.push({ table: t.relname, action: "ANALYZE" });
  }
  return steps;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** One round: the tables that changed enough get what autovacuum would give them. */
export async function maintainTables(session: SqlSession): Promise<MaintenanceStep[]> {
  // Activity counters are flushed to the statistics views lazily; a single-user backend may never
  // get round to it on its own.
  await session.query("SELECT pg_stat_force_next_flush()");
  const { rows } = await session.query<TableActivity>(
    "SELECT relname, n_live_tup, n_dead_tup, n_mod_since_analyze FROM pg_stat_user_tables WHERE schemaname = 'public'",
  );
  const steps = maintenanceDue(rows);
  for (const step of steps) await session.exec(`${step.action} ${quoteIdentifier(step.table)}`);
  return steps;
}

/**
 * Analyzes every table now (the counters do not survive every restart, so a database filled by an
 * earlier process would otherwise keep no statistics), then maintains them every `intervalMs`.
 * Returns the function that stops the timer.
 */
export async function maintainEmbeddedDatabase(session: SqlSession, intervalMs = 60_000): Promise<() => void> {
  await session.exec("ANALYZE");
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    maintainTables(session)
      .catch((error: unknown) => console.error("Embedded database maintenance failed; will try again.", error))
      .finally(() => (running = false));
  }, intervalMs);
  // Maintenance alone must not keep a process alive (scripts, tests).
  timer.unref();
  return () => clearInterval(timer);
}
