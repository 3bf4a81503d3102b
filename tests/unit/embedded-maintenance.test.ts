import { PGlite } from "@electric-sql/pglite";
import { maintainTables, maintenanceDue } from "@/lib/db/embedded-maintenance";
import type { SqlSession } from "@/lib/db/migrate";

describe("maintenanceDue: PostgreSQL's default autovacuum thresholds", () => {
  const table = (n_live_tup: number, n_dead_tup: number, n_mod_since_analyze: number) => ({
    relname: "tokens",
    n_live_tup,
    n_dead_tup,
    n_mod_since_analyze,
  });

  test("a quiet table is left alone", () => {
    expect(maintenanceDue([table(10_000, 100, 500)])).toEqual([]);
  });

  test("changes beyond 50 + 10% of the rows call for ANALYZE", () => {
    expect(maintenanceDue([table(10_000, 0, 1_051)])).toEqual([{ table: "tokens", action: "ANALYZE" }]);
    expect(maintenanceDue([table(0, 0, 51)])).toEqual([{ table: "tokens", action: "ANALYZE" }]);
    expect(maintenanceDue([table(0, 0, 50)])).toEqual([]);
  });

  test("dead rows beyond 50 + 20% call for VACUUM ANALYZE, which covers the analysis too", () => {
    expect(maintenanceDue([table(1_000, 251, 5_000)])).toEqual([{ table: "tokens", action: "VACUUM ANALYZE" }]);
  });

  test("counters may arrive as strings (bigint columns)", () => {
    expect(maintenanceDue([{ relname: "users", n_live_tup: "0", n_dead_tup: "0", n_mod_since_analyze: "80" }])).toEqual([
      { table: "users", action: "ANALYZE" },
    ]);
  });
});

describe("maintainTables on a real embedded database", () => {
  let pglite: PGlite;
  let session: SqlSession;
  beforeEach(async () => {
    pglite = await PGlite.create("memory://");
    session = { query: (sql, params) => pglite.query(sql, params) as never, exec: async (sql) => void (await pglite.exec(sql)) };
    await pglite.exec(`CREATE TABLE "Mixed ""Case"" table" (id int PRIMARY KEY, name text)`);
  });
  afterEach(() => pglite.close());

  const estimatedRows = async () =>
    Number((await pglite.query<{ reltuples: number }>(`SELECT reltuples FROM pg_class WHERE relname = 'Mixed "Case" table'`)).rows[0]!.reltuples);

  test("gives a table filled since the last round statistics, and leaves it alone the round after", async () => {
    await pglite.exec(`INSERT INTO "Mixed ""Case"" table" SELECT g, 'n' || g FROM generate_series(1, 5000) g`);
    expect(await estimatedRows()).toBeLessThanOrEqual(0); // never analyzed: the planner would guess

    expect(await maintainTables(session)).toEqual([{ table: 'Mixed "Case" table', action: "ANALYZE" }]);
    expect(await estimatedRows()).toBe(5000);
    expect(await maintainTables(session)).toEqual([]);
  });

  test("vacuums a table whose rows were mostly rewritten", async () => {
    await pglite.exec(`INSERT INTO "Mixed ""Case"" table" SELECT g, 'n' || g FROM generate_series(1, 1000) g`);
    await maintainTables(session);
    await pglite.exec(`UPDATE "Mixed ""Case"" table" SET name = name || '!'`);
    expect(await maintainTables(session)).toEqual([{ table: 'Mixed "Case" table', action: "VACUUM ANALYZE" }]);
    const { rows } = await pglite.query<{ n_dead_tup: number }>(`SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'Mixed "Case" table'`);
    expect(Number(rows[0]!.n_dead_tup)).toBe(0);
  });
});
