import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { closeDatabase, database } from "@/lib/db";

/**
 * The built application, started as `npm start` starts it (server.js), on a free port with a database of its own, for tests that
 * talk HTTP to it (tests/api, tests/e2e).
 *
 * Tests that need users and tokens create them with the real domain modules, in this process,
 * on the server's database: `db.use(async () => createToken(...))`. PostgreSQL would let both
 * processes open the database at once, but an embedded PGlite directory can be opened by one
 * process only. So, for both kinds alike, a test opens the database *before* the server starts
 * (seeding), or after it stopped (checking what it wrote), never while it runs; `use` refuses to
 * break that rule. Everything in between goes over HTTP, as a client would.
 */
const ROOT = path.resolve(__dirname, "../..");

export type TestDatabase = {
  kind: "embedded" | "postgres";
  /** The settings that point lib/db (here or in the server) at this database. */
  env: Record<string, string>;
  /** Runs `work` with lib/db opened on this database in the test process, then closes it. */
  use<T>(work: () => Promise<T>): Promise<T>;
  drop(): Promise<void>;
};

export type TestServer = {
  baseUrl: string;
  database: TestDatabase;
  /** Everything the server printed, for a failing test's message. */
  output(): string;
  /** SIGTERM, then waits for the process to exit; drops the database if startServer created it. */
  stop(): Promise<void>;
};

const running = new Set<TestDatabase>();
// lib/config reads the environment once per module registry (one per test file), so one test
// file can seed only one database in this process.
let usedInThisFile: TestDatabase | undefined;

function applyEnv(env: Record<string, string>): void {
  delete process.env.DATABASE_URL;
  delete process.env.EMBEDDED_DATABASE_DIR;
  Object.assign(process.env, env);
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const secrets = {
    TOKEN_HASH_KEY: randomBytes(32).toString("base64"),
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
  };
  const adminUrl = process.env.TEST_POSTGRES_URL;
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let kind: TestDatabase["kind"];
  if (adminUrl) {
    kind = "postgres";
    const name = `tollgate_api_${randomBytes(6).toString("hex")}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    env = { ...secrets, DATABASE_URL: url.toString() };
    drop = () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } else {
    kind = "embedded";
    const dir = mkdtempSync(path.join(tmpdir(), "tollgate-api-"));
    env = { ...secrets, TOLLGATE_DATA_DIR: dir };
    drop = async () => rmSync(dir, { recursive: true, force: true });
  }

  const db: TestDatabase = {
    kind,
    env,
    async use(work) {
      if (running.has(db)) throw new Error("Open the test database before starting its server or after stopping it, not while it runs.");
      if (usedInThisFile && usedInThisFile !== db) throw new Error("A test file can open only one test database in-process.");
      usedInThisFile = db;
      applyEnv(env);
      await database();
      try {
        return await work();
      } finally {
        await closeDatabase();
      }
    },
    drop,
  };
  return db;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A port nothing on 127.0.0.1 listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export async function startServer(
  options: {
    database?: TestDatabase;
    env?: Record<string, string>;
    /** Wait for readiness (the database answers, the default) or only liveness (the process answers). */
    waitFor?: "ready" | "live";
  } = {},
): Promise<TestServer> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    throw new Error("The application is not built: run `npm run build` before the API tests.");
  }
  const db = options.database ?? (await createTestDatabase());
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const lines: string[] = [];
  const child = spawn(process.execPath, [path.join(ROOT, "server.js"), "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    // Not the test process's environment: Jest sets NODE_ENV=test and NODE_OPTIONS for itself.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      ...db.env,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(db);
  const collect = (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean));
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    running.delete(db);
  });

  const stop = async () => {
    if (!hasExited) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(killer);
    }
    if (!options.database) await db.drop();
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (hasExited) {
      await stop();
      throw new Error(`The server exited while starting:\n${lines.join("\n")}`);
    }
    const probe = options.waitFor === "live" ? "/api/health" : "/api/health/ready";
    const healthy = await fetch(baseUrl + probe).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The server did not become healthy within 90 s:\n${lines.join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { baseUrl, database: db, output: () => lines.join("\n"), stop };
}
