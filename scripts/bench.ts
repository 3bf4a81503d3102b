/**
 * `npm run bench`: measures what token verification adds to an API call, on one server, in one run.
 *
 * Builds the app (unless --no-build), seeds a user with 10,000 tokens into a fresh embedded
 * database, starts `next start`, and drives it with autocannon: the unauthenticated health check
 * is the baseline every other figure is divided by. Database queries per request (on the request
 * path; background flushes excluded) are read from the server's own counters (GET /api/metrics);
 * peak memory from /proc (VmHWM). Prints a table, writes it into docs/performance.md, and exits
 * non-zero when a target is missed.
 */
import { spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { peakMemoryBytes, startApp } from "./lib/app-process";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
/** The targets with a ratio are measured in this many alternating slices against the baseline. */
const SLICES = 5;
/** Seconds each side of a ratio target gets in all: twice a plain scenario's, as the ratio is what is judged. */
const PAIRED_DURATION = DURATION * 2;
const POOL_SIZE = 10_000;
const PASSWORD = "bench-password-" + randomBytes(4).toString("hex");

type Row = {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  ratio: number | null;
  queries: number;
  queriesPerRequest: number;
  statuses: string;
  target: string;
  met: boolean | null;
};

async function seed(dataDir: string) {
  process.env.TOLLGATE_DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  const { prisma, closeDatabase } = await import("@/lib/db");
  const { signUp } = await import("@/lib/users/service");
  const { grantScope } = await import("@/lib/scopes/service");
  const { createToken } = await import("@/lib/tokens/service");
  const { config } = await import("@/lib/config");
  const { generateSecret, hashSecret, partialOf } = await import("@/lib/tokens/secret");

  const user = await signUp({ name: "Bench", email: "bench@tollgate.local", password: PASSWORD });
  for (const scope of ["tokens:read", "tokens:write", "metrics:read"]) await grantScope(user.id, scope);
  const warm = await createToken(user.id, { name: "bench warm", scopes: ["tokens:read"] });
  const metrics = await createToken(user.id, { name: "bench metrics", scopes: ["metrics:read"] });

  // The pool goes in through createMany: 10,000 calls of createToken would take minutes on the
  // embedded database and measure nothing we care about here.
  const db = await prisma();
  const key = config().tokenHashKey;
  const words = ["deploy", "backup", "billing", "ci", "mobile", "reports", "sync", "webhook", "partner", "audit"];
  const pool: string[] = [];
  const now = Date.now();
  for (let start = 0; start < POOL_SIZE; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, POOL_SIZE - start) }, (_, k) => {
      const i = start + k;
      const secret = generateSecret();
      pool.push(secret);
      return {
        guid: randomUUID(),
        secret,
        name: `${words[i % words.length]} service ${i}`,
        createdAt: new Date(now - (POOL_SIZE - i) * 60_000),
        lastUsedAt: i % 3 === 0 ? null : new Date(now - i * 1000),
        validTo: i % 4 === 0 ? new Date(now + (i + 1) * 86_400_000) : null,
      };
    });
    await db.token.createMany({
      data: rows.map((r) => ({
        guid: r.guid,
        userId: user.id,
        name: r.name,
        partial: partialOf(r.secret),
        validFrom: r.createdAt,
        validTo: r.validTo,
        createdAt: r.createdAt,
        lastUsedAt: r.lastUsedAt,
      })),
    });
    await db.tokenSecret.createMany({ data: rows.map((r) => ({ tokenGuid: r.guid, hash: hashSecret(r.secret, key) })) });
    await db.tokenScope.createMany({ data: rows.map((r) => ({ tokenGuid: r.guid, scopeName: "tokens:read" })) });
  }
  await closeDatabase();
  return { warmSecret: warm.secret, metricsSecret: metrics.secret, pool };
}

async function signIn(baseUrl: string): Promise<string> {
  const csrfResponse = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const cookies = csrfResponse.headers.getSetCookie().map((c) => c.split(";")[0]);
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: new URLSearchParams({ csrfToken, email: "bench@tollgate.local", password: PASSWORD, json: "true" }),
  });
  const session = response.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c?.includes("session-token"));
  if (!session) throw new Error(`Sign-in for the page benchmark failed (HTTP ${response.status}).`);
  return session;
}

/**
 * Queries sent on the request path so far: all of them less the background "last used" flushes,
 * which no request waits for (one flush per token per minute lands in whichever scenario is running).
 */
async function queryCount(baseUrl: string, metricsSecret: string): Promise<number> {
  const response = await fetch(`${baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${metricsSecret}` } });
  if (!response.ok) throw new Error(`GET /api/metrics answered ${response.status}`);
  const body = (await response.json()) as { database: { queries: number; backgroundQueries: number } };
  return body.database.queries - body.database.backgroundQueries;
}

type Measurement = Omit<Row, "name" | "ratio" | "target" | "met"> & { requests: number; seconds: number };
type Scenario = Partial<autocannon.Options> & { path: string };

/** One autocannon run of `seconds`, with the request-path queries it caused. */
async function run(baseUrl: string, metricsSecret: string, scenario: Scenario, seconds: number): Promise<Measurement> {
  const before = await queryCount(baseUrl, metricsSecret);
  const result = await autocannon({ url: baseUrl + scenario.path, connections: CONNECTIONS, duration: seconds, ...scenario });
  const queries = (await queryCount(baseUrl, metricsSecret)) - before;
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .map(([code, { count }]) => `${code}×${count}`)
    .join(" ");
  return {
    requests: result.requests.total,
    seconds: result.duration,
    rps: Math.round(result.requests.total / result.duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    queries,
    queriesPerRequest: queries / Math.max(1, result.requests.total),
    statuses: statuses + (result.errors ? ` errors×${result.errors}` : ""),
  };
}

/** Several runs as one: throughput over their total time, the median p50, the worst p99, all queries and statuses. */
function combine(runs: Measurement[]): Measurement {
  const requests = runs.reduce((sum, r) => sum + r.requests, 0);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const queries = runs.reduce((sum, r) => sum + r.queries, 0);
  const statuses = new Map<string, number>();
  for (const r of runs) {
    for (const part of r.statuses.split(" ").filter(Boolean)) {
      const [code, count] = part.split("×");
      statuses.set(code!, (statuses.get(code!) ?? 0) + Number(count));
    }
  }
  const p50s = runs.map((r) => r.p50).sort((a, b) => a - b);
  return {
    requests,
    seconds,
    rps: Math.round(requests / seconds),
    p50: p50s[Math.floor(p50s.length / 2)]!,
    p99: Math.max(...runs.map((r) => r.p99)),
    queries,
    queriesPerRequest: queries / Math.max(1, requests),
    statuses: [...statuses].map(([code, count]) => `${code}×${count}`).join(" "),
  };
}

/**
 * A scenario measured against the baseline in alternating slices (baseline, scenario, baseline,
 * scenario, …). Its ratio is the median of the slices' ratios, each slice divided by the baseline
 * slice just before it: drift during a run (CPU clock, the JIT) weighs on both sides alike, and a
 * hiccup in one slice (a neighbour on the shared machine, a collection) moves the median little.
 */
async function paired(baseUrl: string, metricsSecret: string, baseline: Scenario, scenario: Scenario) {
  const slice = PAIRED_DURATION / SLICES;
  const base: Measurement[] = [];
  const measured: Measurement[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < SLICES; i++) {
    base.push(await run(baseUrl, metricsSecret, baseline, slice));
    measured.push(await run(baseUrl, metricsSecret, scenario, slice));
    ratios.push(measured[i]!.rps / base[i]!.rps);
  }
  ratios.sort((a, b) => a - b);
  const ratio = (ratios[Math.floor((SLICES - 1) / 2)]! + ratios[Math.ceil((SLICES - 1) / 2)]!) / 2;
  return { baseline: base, scenario: combine(measured), ratio };
}

function table(rows: Row[], peak: number): string {
  const lines = [
    "| scenario | req/s | p50 ms | p99 ms | ratio to baseline | DB queries / request (total) | status codes | target | met |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.ratio === null ? "1.00 (baseline)" : r.ratio.toFixed(2)} | ${r.queriesPerRequest.toFixed(3)} (${r.queries}) | ${r.statuses} | ${r.target} | ${r.met === null ? "" : r.met ? "yes" : "**no**"} |`,
    ),
  ];
  return `${lines.join("\n")}\n\nServer peak memory (VmHWM of the largest process): ${(peak / 1024 / 1024).toFixed(0)} MiB`;
}

async function main() {
  if (!process.argv.includes("--no-build")) {
    const build = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tollgate-bench-"));
  console.log(`Seeding ${POOL_SIZE} tokens into ${dataDir} …`);
  const { warmSecret, metricsSecret, pool } = await seed(dataDir);

  const app = await startApp(
    {
      TOLLGATE_DATA_DIR: dataDir,
      // The failure limiter would answer the malformed and unknown scenarios with 429 after 20
      // requests; here we measure the cost of refusing a bad token, so the limit is lifted.
      AUTH_FAILURE_LIMIT: "1000000000",
    },
    { label: "bench-server", quiet: true },
  );
  try {
    await queryCount(app.baseUrl, metricsSecret); // verifies (and caches) the metrics token
    const cookie = await signIn(app.baseUrl);
    const warmAuth = { authorization: `Bearer ${warmSecret}` };
    // Warm up the JIT and the warm token's cache entry; not measured.
    await autocannon({ url: `${app.baseUrl}/api/v1/me`, connections: 4, duration: 3, headers: warmAuth });
    await autocannon({ url: `${app.baseUrl}/api/health`, connections: 4, duration: 2 });

    const malformed = warmSecret.slice(0, -1) + (warmSecret.endsWith("A") ? "B" : "A");
    const unknown = `tgp_${"x".repeat(30)}`;
    const { isWellFormedSecret } = await import("@/lib/tokens/secret");
    const { generateSecret } = await import("@/lib/tokens/secret");
    const unknownSecret = isWellFormedSecret(unknown) ? unknown : generateSecret();
    let next = 0;

    const health: Scenario = { path: "/api/health" };
    const warm = await paired(app.baseUrl, metricsSecret, health, { path: "/api/v1/me", headers: warmAuth });
    const refused = await paired(app.baseUrl, metricsSecret, health, { path: "/api/v1/me", headers: { authorization: `Bearer ${malformed}` } });
    const once = (scenario: Scenario) => run(app.baseUrl, metricsSecret, scenario, DURATION);
    const unknownRun = await once({ path: "/api/v1/me", headers: { authorization: `Bearer ${unknownSecret}` } });
    const page = await once({
      path: "/settings/tokens?q=service&sort=name&order=asc",
      // One connection: the latency one person sees. With more, p50 measures queueing on a
      // single Node process rather than the page.
      connections: 1,
      headers: { cookie },
    });
    // Last: the 10,000 first uses leave "last used" writes flushing for a while, which would
    // load the (single-threaded) embedded database under the scenarios after it.
    const cold = await once({
      path: "/api/v1/me",
      requests: [
        {
          setupRequest: (request) => {
            request.headers = { ...request.headers, authorization: `Bearer ${pool[next++ % pool.length]}` };
            return request;
          },
        },
      ],
    });

    // Each ratio target is judged against the baseline slices it alternated with (the median of
    // the slices' ratios); the other scenarios against all the baseline slices together.
    const baseline = combine([...warm.baseline, ...refused.baseline]);
    const results: Row[] = [
      { name: "GET /api/health (no auth) — baseline", ...baseline, ratio: null, target: "", met: null },
      {
        name: "GET /api/v1/me, one valid token (cache warm)",
        ...warm.scenario,
        ratio: warm.ratio,
        target: "≥ 0.90 × baseline",
        met: warm.ratio >= 0.9,
      },
      {
        name: "GET /api/v1/me, malformed token (checksum wrong)",
        ...refused.scenario,
        ratio: refused.ratio,
        target: "≥ 0.95 × baseline, 0 queries",
        met: refused.ratio >= 0.95 && refused.scenario.queries === 0,
      },
      { name: "GET /api/v1/me, unknown well-formed token, repeated", ...unknownRun, ratio: unknownRun.rps / baseline.rps, target: "", met: null },
      {
        name: `token page, ${POOL_SIZE + 2} tokens, filter "service" + sort by name`,
        ...page,
        ratio: page.rps / baseline.rps,
        target: "p50 < 50 ms",
        met: page.p50 < 50,
      },
      { name: `GET /api/v1/me, ${POOL_SIZE} different valid tokens (cold at first)`, ...cold, ratio: cold.rps / baseline.rps, target: "", met: null },
    ];

    const peak = peakMemoryBytes(app.child.pid!);
    const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`;
    const report = `Measured ${new Date().toISOString()} on ${machine}; autocannon with ${CONNECTIONS} connections for ${DURATION} s per scenario (1 for the page); the two ratio targets ${PAIRED_DURATION} s in ${SLICES} slices alternating with the baseline, ratio = median of the slices' ratios, load generator on the same machine. Embedded database (PGlite).\n\n${table(results, peak)}`;
    console.log(`\n${report}\n`);

    const doc = path.join(process.cwd(), "docs", "performance.md");
    const text = readFileSync(doc, "utf8");
    const start = "<!-- bench:start -->";
    const end = "<!-- bench:end -->";
    if (text.includes(start) && text.includes(end)) {
      writeFileSync(doc, `${text.slice(0, text.indexOf(start) + start.length)}\n${report}\n${text.slice(text.indexOf(end))}`);
      console.log("Results written to docs/performance.md");
    }
    const missed = results.filter((r) => r.met === false);
    if (missed.length) {
      console.error(`Missed targets: ${missed.map((r) => r.name).join("; ")}`);
      process.exitCode = 1;
    }
  } finally {
    await app.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
