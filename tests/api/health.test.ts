import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { healthSchema } from "@/lib/api/schemas";
import { generateSecret } from "@/lib/tokens/secret";
import { freePort, startServer, type TestDatabase, type TestServer } from "../helpers/server";

// Starting a server takes a while on a shared, busy machine.
jest.setTimeout(120_000);

/** The two probes: liveness answers from memory, readiness asks the database. */

async function probe(server: TestServer, path: string) {
  const response = await fetch(server.baseUrl + path);
  const text = await response.text();
  return { status: response.status, type: response.headers.get("content-type"), body: JSON.parse(text) as unknown, text };
}

describe("with its database", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  test("GET /api/health (liveness) needs no token and says the process is up", async () => {
    const reply = await probe(server, "/api/health");
    expect(reply.status).toBe(200);
    expect(reply.type).toMatch(/^application\/json/);
    expect(reply.body).toEqual({ status: "ok" });
  });

  test("GET /api/health/ready (readiness) needs no token and says the database answers", async () => {
    const reply = await probe(server, "/api/health/ready");
    expect(reply.status).toBe(200);
    expect(healthSchema.parse(reply.body)).toEqual({ status: "ok" });
  });
});

describe("when the database cannot be reached", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Port 9 (discard) on the loopback: nothing listens, so every connection is refused at once.
    server = await startServer({
      env: {
        DATABASE_URL: "postgresql://tollgate@127.0.0.1:9/tollgate",
        TOKEN_HASH_KEY: randomBytes(32).toString("base64"),
        NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
      },
      waitFor: "live",
    });
  });
  afterAll(() => server?.stop());

  test("liveness still answers 200: restarting the instance would not bring the database back", async () => {
    const reply = await probe(server, "/api/health");
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: "ok" });
  });

  test("readiness answers 503 with a clear error and no internals", async () => {
    const reply = await probe(server, "/api/health/ready");
    expect(reply.status).toBe(503);
    expect(healthSchema.parse(reply.body)).toEqual({
      status: "unavailable",
      error: { code: "unavailable", message: "The database did not answer within 5 seconds (unreachable, or still opening at start-up); see the server log." },
    });
    expect(reply.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at \w+ \(/);
  });

  test("an API call that needs the database gets 503 with Retry-After, not a 500", async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${generateSecret()}` } });
    const text = await response.text();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(JSON.parse(text)).toMatchObject({ error: { code: "unavailable" } });
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at \w+ \(/);
  });

  test("a malformed token is still refused from memory with 401", async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/me`, { headers: { authorization: "Bearer tgp_whatever" } });
    expect(response.status).toBe(401);
  });
});

describe("when the embedded database is locked by another live process", () => {
  // The test process itself plays the other process: it is alive, and it is not the server.
  const dataDir = mkdtempSync(path.join(tmpdir(), "tollgate-locked-"));
  const lock = path.join(dataDir, "pglite.lock");
  // Embedded whatever TEST_POSTGRES_URL says: the lock is the embedded database's alone.
  const database: TestDatabase = {
    kind: "embedded",
    env: { TOLLGATE_DATA_DIR: dataDir },
    use: () => Promise.reject(new Error("not opened in the test process")),
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
  afterAll(() => database.drop());

  test("the server stops at once with the reason, instead of answering liveness 200 and every request 500", async () => {
    writeFileSync(lock, String(process.pid));
    // startServer polls liveness: a server that stays up answering it would resolve this.
    const started = startServer({ database, waitFor: "live" });
    const error = await started.then(
      async (server) => {
        await server.stop();
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^The server exited while starting:/);
    expect(error?.message).toContain(`Tollgate cannot start: The embedded database ${path.join(dataDir, "pglite")} is in use by process ${process.pid};`);
    expect(error?.message).not.toMatch(/at \w+ \(/);
    // The other process's lock is left as it was.
    expect(readFileSync(lock, "utf8")).toBe(String(process.pid));
  });
});

describe("when the embedded database's lock names the server's own PID (a container restarted after SIGKILL)", () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "tollgate-own-pid-"));
  const lock = path.join(dataDir, "pglite.lock");
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  test("the server starts normally: readiness 200, the API answers, and the lock is its own", async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    // The shell writes its own PID into the lock and then becomes the server (exec keeps the PID):
    // exactly the lock a previous run with this PID would have left behind.
    const child = spawn("sh", ["-c", 'printf %s "$$" > "$LOCK" && exec "$0" server.js -p "$PORT" -H 127.0.0.1', process.execPath], {
      cwd: path.resolve(__dirname, "../.."),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", TOLLGATE_DATA_DIR: dataDir, LOCK: lock, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((resolve) => child.once("exit", (code) => ((exitCode = code), resolve())));
    try {
      let ready = 0;
      for (const deadline = Date.now() + 90_000; exitCode === undefined && Date.now() < deadline; ) {
        ready = await fetch(`${baseUrl}/api/health/ready`).then((r) => r.status, () => 0);
        if (ready === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect({ ready, exitCode, output: output.join("") }).toMatchObject({ ready: 200, exitCode: undefined });
      expect(readFileSync(lock, "utf8")).toBe(String(child.pid));
      const me = await fetch(`${baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${generateSecret()}` } });
      expect(me.status).toBe(401);
    } finally {
      if (exitCode === undefined) child.kill("SIGTERM");
      await exited;
    }
    // Stopped with SIGTERM, it releases the lock.
    expect(existsSync(lock)).toBe(false);
  });
});
