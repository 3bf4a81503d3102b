/**
 * `npm run bench`: measures what token verification adds to an API call, on one server, in one run.
 *
 * Builds the app (unless --no-build), seeds a user with 10,000 tokens into a fresh embedded
 * database, starts the app as `npm start` does (server.js), and drives it with autocannon: the unauthenticated health check
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
import { cpuSeconds, peakMemoryBytes, startApp } from "./lib/app-process";

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
/**
 * The targets with a ratio are measured in this many pairs of one-second slices, a baseline slice
 * and a scenario slice back to back. On this shared machine the rate of two slices a few seconds
 * apart differs by up to ±30% whatever they run (an A/A run of /api/health against itself shows
 * it), so one long run per side measures mostly which side the machine favoured. Short pairs, many
 * of them, and a median keep that noise out of the ratio; the confidence interval printed with it
 * says how much is left.
 */
const PAIRS = Number(process.env.BENCH_PAIRS ?? 30);
const SLICE_SECONDS = 1;
const POOL_SIZE = 10_000;
const PASSWORD = "bench-password-" + randomBytes(4).toString("hex");

type Row = {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  ratio: number | null;
  /** For the paired targets: the 95% confidence interval of the ratio. */
  interval?: { low: number; high: number };
  queries: number;
  queriesPerRequest: number;
  /** Server CPU time per request: what the request costs, whatever else the machine was doing. */
  cpuMs: number;
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

type Measurement = Omit<Row, "name" | "ratio" | "target" | "met"> & { requests: number; seconds: number; cpuSeconds: number };
type Scenario = Partial<autocannon.Options> & { path: string };

/** The server's process, for its CPU time. */
let serverPid = 0;

/** One autocannon run of `seconds`, with the request-path queries it caused and the server CPU it took. */
async function run(baseUrl: string, metricsSecret: string, scenario: Scenario, seconds: number): Promise<Measurement> {
  const before = await queryCount(baseUrl, metricsSecret);
  const cpuBefore = cpuSeconds(serverPid);
  const result = await autocannon({ url: baseUrl + scenario.path, connections: CONNECTIONS, duration: seconds, ...scenario });
  const cpu = cpuSeconds(serverPid) - cpuBefore;
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
    cpuSeconds: cpu,
    cpuMs: (cpu * 1000) / Math.max(1, result.requests.total),
    statuses: statuses + (result.errors ? ` errors×${result.errors}` : ""),
  };
}

/** Several runs as one: throughput over their total time, the median p50, the worst p99, all queries and statuses. */
function combine(runs: Measurement[]): Measurement {
  const requests = runs.reduce((sum, r) => sum + r.requests, 0);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const queries = runs.reduce((sum, r) => sum + r.queries, 0);
  const cpu = runs.reduce((sum, r) => sum + r.cpuSeconds, 0);
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
    cpuSeconds: cpu,
    cpuMs: (cpu * 1000) / Math.max(1, requests),
    statuses: [...statuses].map(([code, count]) => `${code}×${count}`).join(" "),
  };
}

/** A ratio target's measurements so far: its pairs' ratios, and both sides' slices. */
type PairedRun = { baseline: Measurement[]; measured: Measurement[]; ratios: number[] };

/**
 * Measures every ratio target against the baseline in pairs of slices, going round the targets
 * one pair at a time so that each target samples the whole run's conditions rather than one
 * stretch of it. Which side of a pair goes first alternates (ABBA), so that a trend during the run
 * (heap growth, a neighbour starting or finishing work) favours neither side.
 */
async function pairedRuns(baseUrl: string, metricsSecret: string, baseline: Scenario, scenarios: Scenario[]): Promise<PairedRun[]> {
  const runs: PairedRun[] = scenarios.map(() => ({ baseline: [], measured: [], ratios: [] }));
  for (let i = 0; i < PAIRS; i++) {
    for (const [k, scenario] of scenarios.entries()) {
      const first = (i + k) % 2 === 0 ? baseline : scenario;
      const a = await run(baseUrl, metricsSecret, first, SLICE_SECONDS);
      const b = await run(baseUrl, metricsSecret, first === baseline ? scenario : baseline, SLICE_SECONDS);
      const [base, measured] = first === baseline ? [a, b] : [b, a];
      runs[k]!.baseline.push(base);
      runs[k]!.measured.push(measured);
      runs[k]!.ratios.push(measured.rps / base.rps);
    }
  }
  return runs;
}

/**
 * The median of the pairs' ratios, with a distribution-free 95% confidence interval: the order
 * statistics n/2 ± 0.98·√n, which hold whatever the shape of the noise.
 */
function medianWithInterval(values: number[]): { median: number; low: number; high: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const median = (sorted[Math.floor((n - 1) / 2)]! + sorted[Math.ceil((n - 1) / 2)]!) / 2;
  const spread = 0.98 * Math.sqrt(n);
  return {
    median,
    low: sorted[Math.max(0, Math.floor(n / 2 - spread))]!,
    high: sorted[Math.min(n - 1, Math.ceil(n / 2 + spread) - 1)]!,
  };
}

function sortedRatios(run: PairedRun): string {
  return [...run.ratios]
    .sort((a, b) => a - b)
    .map((r) => r.toFixed(2))
    .join(", ");
}

function table(rows: Row[], peak: number): string {
  const lines = [
    "| scenario | req/s | p50 ms | p99 ms | ratio to baseline | DB queries / request (total) | server CPU ms / request | status codes | target | met |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.ratio === null ? "1.00 (baseline)" : r.ratio.toFixed(2) + (r.interval ? ` (${r.interval.low.toFixed(2)}–${r.interval.high.toFixed(2)})` : "")} | ${r.queriesPerRequest.toFixed(3)} (${r.queries}) | ${r.cpuMs.toFixed(2)} | ${r.statuses} | ${r.target} | ${r.met === null ? "" : r.met ? "yes" : "**no**"} |`,
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
    serverPid = app.child.pid!;
    const malformed = warmSecret.slice(0, -1) + (warmSecret.endsWith("A") ? "B" : "A");
    const unknown = `tgp_${"x".repeat(30)}`;
    const { isWellFormedSecret, generateSecret } = await import("@/lib/tokens/secret");
    const unknownSecret = isWellFormedSecret(unknown) ? unknown : generateSecret();
    let next = 0;

    const health: Scenario = { path: "/api/health" };
    const warmMe: Scenario = { path: "/api/v1/me", headers: { authorization: `Bearer ${warmSecret}` } };
    const malformedMe: Scenario = { path: "/api/v1/me", headers: { authorization: `Bearer ${malformed}` } };
    const unknownMe: Scenario = { path: "/api/v1/me", headers: { authorization: `Bearer ${unknownSecret}` } };
    // One connection: the latency one person sees. With more, p50 measures queueing on a single
    // Node process rather than the page.
    const page: Scenario = { path: "/settings/tokens?q=service&sort=name&order=asc", connections: 1, headers: { cookie } };

    // Warm-up, not measured: the JIT compiles each path's code, the warm token's cache entry is
    // filled, and the page's first render (module loading, the planner's first look) is paid.
    for (const scenario of [health, warmMe, malformedMe, unknownMe, page]) {
      await autocannon({ url: app.baseUrl + scenario.path, duration: 2, ...scenario, connections: Math.min(4, scenario.connections ?? 4) });
    }

    const [warmRun, refusedRun] = await pairedRuns(app.baseUrl, metricsSecret, health, [warmMe, malformedMe]);
    const warm = { ...medianWithInterval(warmRun!.ratios), scenario: combine(warmRun!.measured) };
    const refused = { ...medianWithInterval(refusedRun!.ratios), scenario: combine(refusedRun!.measured) };
    const once = (scenario: Scenario) => run(app.baseUrl, metricsSecret, scenario, DURATION);
    const unknownRun = await once(unknownMe);
    const pageRun = await once(page);
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

    // Each ratio target is judged against the baseline slices it was paired with (the median of
    // the pairs' ratios); the other scenarios against all the baseline slices together.
    const baseline = combine([...warmRun!.baseline, ...refusedRun!.baseline]);
    const results: Row[] = [
      { name: "GET /api/health (no auth) — baseline", ...baseline, ratio: null, target: "", met: null },
      {
        name: "GET /api/v1/me, one valid token (cache warm)",
        ...warm.scenario,
        ratio: warm.median,
        interval: warm,
        target: "≥ 0.90 × baseline",
        met: warm.median >= 0.9,
      },
      {
        name: "GET /api/v1/me, malformed token (checksum wrong)",
        ...refused.scenario,
        ratio: refused.median,
        interval: refused,
        target: "≥ 0.95 × baseline, 0 queries",
        met: refused.median >= 0.95 && refused.scenario.queries === 0,
      },
      { name: "GET /api/v1/me, unknown well-formed token, repeated", ...unknownRun, ratio: unknownRun.rps / baseline.rps, target: "", met: null },
      {
        name: `token page, ${POOL_SIZE + 2} tokens, filter "service" + sort by name`,
        ...pageRun,
        ratio: pageRun.rps / baseline.rps,
        target: "p50 < 50 ms",
        met: pageRun.p50 < 50,
      },
      { name: `GET /api/v1/me, ${POOL_SIZE} different valid tokens (cold at first)`, ...cold, ratio: cold.rps / baseline.rps, target: "", met: null },
    ];

    const peak = peakMemoryBytes(app.child.pid!);
    const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`;
    const report = `Measured ${new Date().toISOString()} on ${machine}; autocannon with ${CONNECTIONS} connections for ${DURATION} s per scenario (1 for the page); the two ratio targets in ${PAIRS} pairs of ${SLICE_SECONDS}-second slices with the baseline each (the targets take turns; which side of a pair goes first alternates), ratio = median of the pairs' ratios with its 95% confidence interval; load generator on the same machine. Embedded database (PGlite).\n\n${table(results, peak)}\n\nThe pairs' ratios, sorted: warm ${sortedRatios(warmRun!)}; malformed ${sortedRatios(refusedRun!)}.`;
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
