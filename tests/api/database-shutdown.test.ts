import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { createToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { createTestDatabase, freePort, startServer, type TestServer } from "../helpers/server";

jest.setTimeout(180_000);

/**
 * PostgreSQL's fast shutdown ends every session with 57P01, which Prisma hands over as P2039 (a
 * database error it has no code of its own for). Requests caught in it were answered 500 with a
 * stack trace; they must get 503 `unavailable`, like every other sign of an outage. The test
 * stops a PostgreSQL server of its own, so that the one the other tests use stays up.
 */
const onPostgres = process.env.TEST_POSTGRES_URL ? test : test.skip;
const ROOT = path.resolve(__dirname, "../..");

function startPostgres(dataDir: string, port: number): string {
  return execFileSync(path.join(ROOT, "scripts/start-postgres.sh"), [dataDir, String(port)], { encoding: "utf8" }).trim().split("\n").at(-1)!;
}

function pgCtl(...args: string[]): void {
  const bin = execFileSync("bash", ["-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1"], { encoding: "utf8" }).trim();
  const command = [path.join(bin, "pg_ctl"), ...args];
  // Bounded, like every wait here: a stuck step fails this test rather than holding up the whole run.
  if (process.getuid?.() === 0) execFileSync("runuser", ["-u", "postgres", "--", ...command], { stdio: "ignore", timeout: 60_000 });
  else execFileSync(command[0]!, command.slice(1), { stdio: "ignore", timeout: 60_000 });
}

onPostgres("requests caught in `pg_ctl stop -m fast` get 503 unavailable, never 500", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tollgate-fast-stop-"));
  execFileSync("chmod", ["755", dir]);
  const dataDir = path.join(dir, "pg");
  const port = await freePort();
  const url = startPostgres(dataDir, port);
  const sharedUrl = process.env.TEST_POSTGRES_URL;
  let server: TestServer | undefined;
  let running = true;
  let workers: Promise<void>[] = [];
  try {
    process.env.TEST_POSTGRES_URL = url;
    const database = await createTestDatabase();
    process.env.TEST_POSTGRES_URL = sharedUrl;
    const { secret } = await database.use(async () => {
      const owner = await createUser({ scopes: ["tokens:read"] });
      return createToken(owner.id, { name: "Load", scopes: ["tokens:read"] });
    });
    server = await startServer({ database, env: { DATABASE_POOL_SIZE: "4" } });
    const base = server.baseUrl;

    // Eight clients listing tokens (a query each time) until told to stop.
    const statuses = new Map<number, number>();
    const worker = async () => {
      while (running) {
        let status = 0; // no answer at all, or none within 20 s
        try {
          const response = await fetch(`${base}/api/v1/tokens`, { headers: { authorization: `Bearer ${secret}` }, signal: AbortSignal.timeout(20_000) });
          await response.arrayBuffer();
          status = response.status;
        } catch {
          // counted as 0
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    };
    workers = Array.from({ length: 8 }, worker);
    const answered = (status: number) => statuses.get(status) ?? 0;
    const until = async (done: () => boolean, ms: number) => {
      for (let waited = 0; !done() && waited < ms; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    };
    await until(() => answered(200) >= 100, 30_000);
    expect(Object.fromEntries(statuses)).toEqual({ 200: expect.any(Number) });
    // Most of a request's time is not spent in the database, so a stop rarely meets a query in
    // flight by chance. A lock held on the tokens table makes every listing wait inside
    // PostgreSQL; the fast stop then ends each of them with 57P01.
    const locker = new Client({ connectionString: new URL(`/${new URL(database.env.DATABASE_URL!).pathname.slice(1)}`, url).toString() });
    await locker.connect();
    locker.on("error", () => undefined); // the stop ends this session too
    await locker.query("SET lock_timeout = '20s'");
    await locker.query("BEGIN");
    await locker.query("LOCK TABLE tokens IN ACCESS EXCLUSIVE MODE");
    const waiting = answered(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(answered(200) - waiting).toBeLessThan(8); // the listings are waiting
    pgCtl("-D", dataDir, "-m", "fast", "-w", "-t", "30", "stop");
    await until(() => answered(503) >= 20, 10_000);
    running = false;
    await Promise.all(workers);
    await locker.end().catch(() => undefined);

    expect(server.output()).toMatch(/The database is unavailable: .*57P01/);
    expect(Object.fromEntries(statuses)).toEqual({ 200: expect.any(Number), 503: expect.any(Number) });
    const log = server.output();
    expect(log).not.toContain("Unexpected error in an API route");
    expect(log).not.toMatch(/^\s+at /m);
  } finally {
    running = false;
    await Promise.all(workers);
    process.env.TEST_POSTGRES_URL = sharedUrl;
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
