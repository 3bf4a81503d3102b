/**
 * `npm run bench:sessions`: what the server-side session check costs.
 *
 * 1. In process: the check a page, an action and the session endpoint make (lib/sessions/check.ts,
 *    `sessionOfToken` on a cached session, "last seen" noted in memory), against the cookie
 *    decryption every request already paid (next-auth's `decode`) and the re-encryption that
 *    getServerSession added per page before (`encode`), in µs per call.
 * 2. Over HTTP, with `--compare <dir>` naming another built checkout (for example the commit before
 *    sessions): both servers run side by side on embedded databases, each seeded by its own
 *    `npm run demo-account`, one signed-in person each; GET /api/auth/session and the token page are
 *    requested one at a time in alternating one-second slices (PAIRS of them), so that both sides
 *    see the same machine. Prints the p50 of each side and the median of the pairs' p50 differences.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./lib/app-process";

const PAIRS = Number(process.env.BENCH_PAIRS ?? 20);
const DEMO = { email: "demo@tollgate.local", password: "tollgate-demo" };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function perCall(label: string, iterations: number, work: () => unknown): Promise<{ label: string; us: number }> | { label: string; us: number } {
  const started = process.hrtime.bigint();
  let pending: Promise<unknown> | undefined;
  for (let i = 0; i < iterations; i++) {
    const result = work();
    if (result instanceof Promise) pending = result;
  }
  const finish = () => ({ label, us: Number(process.hrtime.bigint() - started) / 1000 / iterations });
  return pending ? pending.then(finish) : finish();
}

async function sequential(label: string, iterations: number, work: () => Promise<unknown>) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await work();
  return { label, us: Number(process.hrtime.bigint() - started) / 1000 / iterations };
}

async function inProcess() {
  process.env.EMBEDDED_DATABASE_DIR = "memory://";
  process.env.TOKEN_HASH_KEY = randomBytes(32).toString("base64");
  process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64");
  const { closeDatabase } = await import("@/lib/db");
  const { signUp } = await import("@/lib/users/service");
  const { createSession } = await import("@/lib/sessions/service");
  const { liveSession, sessionCacheReady, sessionOfToken } = await import("@/lib/sessions/check");
  const { decode, encode } = await import("next-auth/jwt");
  await sessionCacheReady();
  const user = await signUp({ name: "Bench", email: "bench@example.com", password: "bench-password-1" });
  const sid = await createSession(user.id, { address: "127.0.0.1", userAgent: "bench" });
  const token = { sub: user.id, sid, email: user.email, name: user.name };
  const secret = process.env.NEXTAUTH_SECRET;
  const jwt = await encode({ token, secret });
  const headers = new Headers({ "x-forwarded-for": "127.0.0.1", "user-agent": "bench" });
  await sessionOfToken(token, headers); // fills the cache

  const rows = [];
  for (let round = 0; round < 3; round++) {
    rows.push(perCall("liveSession (cache hit)", 1_000_000, () => liveSession(sid)));
    rows.push(await sequential("sessionOfToken (cache hit, last seen noted)", 200_000, () => sessionOfToken(token, headers)));
    rows.push(await sequential("next-auth decode of the cookie (paid before too)", 5_000, () => decode({ token: jwt, secret })));
    rows.push(await sequential("next-auth encode (getServerSession paid it per page before)", 5_000, () => encode({ token, secret })));
  }
  await closeDatabase();
  const byLabel = new Map<string, number[]>();
  for (const row of await Promise.all(rows)) byLabel.set(row.label, [...(byLabel.get(row.label) ?? []), row.us]);
  console.log("\nIn process, µs per call (median of 3 rounds):");
  for (const [label, values] of byLabel) console.log(`  ${label}: ${median(values).toFixed(3)}`);
}

type Server = { baseUrl: string; child: ChildProcess; cookie: string; dir: string };

async function startServer(root: string, label: string): Promise<Server> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tollgate-bench-${label}-`));
  const env: NodeJS.ProcessEnv = { ...process.env, TOLLGATE_DATA_DIR: dir, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "true" };
  delete env.DATABASE_URL;
  delete env.EMBEDDED_DATABASE_DIR; // the in-process part used memory://; each server has its own directory
  const seeded = spawnSync("npm", ["run", "--silent", "demo-account"], { cwd: root, env, encoding: "utf8" });
  if (seeded.status !== 0) throw new Error(`demo-account in ${root} failed: ${seeded.stderr}`);
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: root,
    env,
    stdio: "ignore",
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 200) {
    const ok = await fetch(`${baseUrl}/api/health/ready`).then((r) => r.ok, () => false);
    if (ok) break;
    if (waited > 60_000) throw new Error(`${label} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signedIn = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") },
    body: new URLSearchParams({ csrfToken, ...DEMO, json: "true" }),
  });
  const cookie = signedIn.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.includes("session-token"));
  if (!cookie) throw new Error(`${label}: sign-in failed (${signedIn.status})`);
  return { baseUrl, child, cookie, dir };
}

/** Requests one at a time for `ms`; returns each one's latency in ms. */
async function slice(server: Server, pathname: string, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const started = performance.now();
    const response = await fetch(server.baseUrl + pathname, { headers: { cookie: server.cookie } });
    const body = await response.text();
    if (response.status !== 200 || (pathname === "/api/auth/session" && !body.includes("demo@tollgate.local"))) {
      throw new Error(`${pathname} answered ${response.status}: signed out?`);
    }
    latencies.push(performance.now() - started);
  }
  return latencies;
}

async function overHttp(before: string) {
  const after = process.cwd();
  const servers = { before: await startServer(path.resolve(before), "before"), after: await startServer(after, "after") };
  try {
    console.log(`\nOver HTTP, one request at a time, ${PAIRS} pairs of 1-second slices (before = ${before}, after = ${after}):`);
    for (const pathname of ["/api/auth/session", "/settings/tokens"]) {
      for (const side of ["before", "after"] as const) await slice(servers[side], pathname, 1_000); // warm-up
      const all = { before: [] as number[], after: [] as number[] };
      const differences: number[] = [];
      for (let pair = 0; pair < PAIRS; pair++) {
        const order = pair % 2 ? (["after", "before"] as const) : (["before", "after"] as const);
        const p50 = { before: 0, after: 0 };
        for (const side of order) {
          const latencies = await slice(servers[side], pathname, 1_000);
          all[side].push(...latencies);
          p50[side] = median(latencies);
        }
        differences.push(p50.after - p50.before);
      }
      console.log(
        `  GET ${pathname}: p50 before ${median(all.before).toFixed(2)} ms (${all.before.length} requests), after ${median(all.after).toFixed(2)} ms (${all.after.length}); median of pair differences ${median(differences).toFixed(2)} ms`,
      );
    }
  } finally {
    for (const server of Object.values(servers)) {
      server.child.kill("SIGTERM");
      await new Promise((resolve) => server.child.once("exit", resolve));
      rmSync(server.dir, { recursive: true, force: true });
    }
  }
}

async function main() {
  await inProcess();
  const at = process.argv.indexOf("--compare");
  if (at > 0) await overHttp(process.argv[at + 1]!);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
