import { Client } from "pg";
import { prisma } from "@/lib/db";
import { useFreshDatabase } from "../helpers/database";

useFreshDatabase();

const onPostgres = process.env.TEST_POSTGRES_URL ? test : test.skip;

// A PostgreSQL restart or failover cuts every connection. Before the pool had an error listener,
// the cut of an idle connection was an unhandled 'error' event, which ends a Node process.
onPostgres("connections cut by the server are replaced, and the process carries on", async () => {
  const db = await prisma();
  expect(await db.user.count()).toBe(0);
  const logged = jest.spyOn(console, "error").mockImplementation(() => undefined);

  const admin = new Client({ connectionString: process.env.TEST_POSTGRES_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ cut: boolean }>(
      "SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [new URL(process.env.DATABASE_URL!).pathname.slice(1)],
    );
    expect(rows.length).toBeGreaterThan(0);
  } finally {
    await admin.end();
  }
  // The pool hears of the cut idle connection, says so in the log, and does not fall over.
  for (let waited = 0; logged.mock.calls.length === 0 && waited < 5_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(logged).toHaveBeenCalledWith(expect.stringContaining("An idle database connection was closed"));
  logged.mockRestore();
  expect(await db.user.count()).toBe(0);
});
