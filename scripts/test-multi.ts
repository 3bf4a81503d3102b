/**
 * `npm run test:multi`: two instances of the built application sharing one PostgreSQL.
 *
 * 1. A token used on both instances, revoked through instance A, must be refused by instance B
 *    within one second (B has it cached; only the NOTIFY from A's commit can tell it).
 * 2. A session signed in on A and used on both, signed out through A, must be refused by B within
 *    one second (B has it in memory; the NOTIFY of the deleted session row tells it).
 * 3. A custom scope carried by a token used on both, retired through A's admin API, must be gone
 *    from B's answer within one second (the NOTIFY of each deleted grant tells it).
 * 4. Instance B is stopped with SIGTERM in the middle of a load of first-time token uses; every
 *    use B answered with 200 must have its "last used" in the database afterwards.
 *
 * Starts its own PostgreSQL (scripts/start-postgres.sh) unless TEST_POSTGRES_URL names one.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { cookieHeader, signInOverHttp } from "../tests/helpers/web-session";
import { startApp, type AppProcess } from "./lib/app-process";

const REVOCATION_BOUND_MS = 1_000;
const SHUTDOWN_POOL = 300;

type Check = { name: string; ok: boolean; detail: string };

function postgresAdminUrl(): string {
  if (process.env.TEST_POSTGRES_URL) return process.env.TEST_POSTGRES_URL;
  const out = execFileSync("bash", [path.join("scripts", "start-postgres.sh")], { encoding: "utf8" });
  return out.trim().split("\n").pop()!;
}

async function revocationReachesTheOtherInstance(a: AppProcess, b: AppProcess, secret: string, guid: string, writer: string): Promise<Check> {
  const me = (app: AppProcess) => fetch(`${app.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
  const [onA, onB] = await Promise.all([me(a), me(b)]);
  if (onA.status !== 200 || onB.status !== 200) {
    return { name: "revocation on A refused by B within 1 s", ok: false, detail: `before revocation: A ${onA.status}, B ${onB.status}` };
  }
  // Both instances now hold the token in their caches; hit B a few more times to be sure.
  for (let i = 0; i < 5; i++) await me(b);

  const revoked = await fetch(`${a.baseUrl}/api/v1/tokens/${guid}/revoke`, { method: "POST", headers: { authorization: `Bearer ${writer}` } });
  const revokedAt = Date.now();
  if (revoked.status !== 200) return { name: "revocation on A refused by B within 1 s", ok: false, detail: `revoke on A answered ${revoked.status}` };

  let status = 200;
  let elapsed = 0;
  while (status === 200 && elapsed <= 5_000) {
    status = (await me(b)).status;
    elapsed = Date.now() - revokedAt;
    if (status === 200) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    name: "revocation on A refused by B within 1 s",
    ok: status === 401 && elapsed <= REVOCATION_BOUND_MS,
    detail: `B answered ${status} ${elapsed} ms after A confirmed the revocation (bound ${REVOCATION_BOUND_MS} ms)`,
  };
}

async function retirementReachesTheOtherInstance(a: AppProcess, b: AppProcess, secret: string, adminSecret: string): Promise<Check> {
  const name = "scope retired on A gone on B within 1 s";
  const scopesOnB = async () => {
    const reply = await fetch(`${b.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    return reply.status === 200 ? ((await reply.json()) as { token: { scopes: string[] } }).token.scopes : [];
  };
  const before = await scopesOnB();
  if (!before.includes("billing:read")) return { name, ok: false, detail: `before retirement B showed ${before.join(" ")}` };
  for (let i = 0; i < 5; i++) await scopesOnB();

  const retired = await fetch(`${a.baseUrl}/api/v1/admin/scopes/billing:read/retire`, { method: "POST", headers: { authorization: `Bearer ${adminSecret}` } });
  const retiredAt = Date.now();
  if (retired.status !== 200) return { name, ok: false, detail: `retire on A answered ${retired.status}` };

  let scopes = before;
  let elapsed = 0;
  while (scopes.includes("billing:read") && elapsed <= 5_000) {
    scopes = await scopesOnB();
    elapsed = Date.now() - retiredAt;
    if (scopes.includes("billing:read")) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    name,
    ok: !scopes.includes("billing:read") && scopes.includes("tokens:read") && elapsed <= REVOCATION_BOUND_MS,
    detail: `B showed "${scopes.join(" ")}" ${elapsed} ms after A confirmed the retirement (bound ${REVOCATION_BOUND_MS} ms)`,
  };
}

async function signOutReachesTheOtherInstance(a: AppProcess, b: AppProcess, credentials: { email: string; password: string }): Promise<Check> {
  const name = "sign-out on A refused by B within 1 s";
  const session = await signInOverHttp(a.baseUrl, credentials);
  const stolen = session.copy();
  const onB = async () => {
    const response = await fetch(`${b.baseUrl}/api/auth/session`, { headers: { cookie: cookieHeader(stolen) } });
    return Boolean(((await response.json()) as { user?: unknown }).user);
  };
  // B now holds the session in memory; a few more uses to be sure it answers from there.
  for (let i = 0; i < 5; i++) if (!(await onB())) return { name, ok: false, detail: "B refused the session before sign-out" };

  await session.signOut();
  const signedOutAt = Date.now();
  let live = true;
  let elapsed = 0;
  while (live && elapsed <= 5_000) {
    live = await onB();
    elapsed = Date.now() - signedOutAt;
    if (live) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const page = await fetch(`${b.baseUrl}/settings/tokens`, { redirect: "manual", headers: { cookie: cookieHeader(stolen) } });
  const pageRefused = page.status === 307 || (await page.text()).includes("NEXT_REDIRECT;replace;/signin");
  return {
    name,
    ok: !live && elapsed <= REVOCATION_BOUND_MS && pageRefused,
    detail: `B's session endpoint refused the copied cookie ${elapsed} ms after A's sign-out (bound ${REVOCATION_BOUND_MS} ms); B's token page ${pageRefused ? "sent it to sign in" : `answered ${page.status}`}`,
  };
}

/** Polls `answer` on B until it is no longer `before` (5 s at most); how long that took after `changedAt`. */
async function untilChanged(answer: () => Promise<number>, before: number, changedAt: number): Promise<{ status: number; elapsed: number }> {
  let status = before;
  let elapsed = 0;
  while (status === before && elapsed <= 5_000) {
    status = await answer();
    elapsed = Date.now() - changedAt;
    if (status === before) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { status, elapsed };
}

async function adminChangeReachesTheOtherInstance(
  name: string,
  a: AppProcess,
  b: AppProcess,
  change: { method: string; path: string; admin: string },
  probe: { path: string; secret: string; refused: number },
): Promise<Check> {
  const onB = async () => {
    const response = await fetch(`${b.baseUrl}${probe.path}`, { headers: { authorization: `Bearer ${probe.secret}` } });
    await response.arrayBuffer();
    return response.status;
  };
  for (let i = 0; i < 5; i++) if ((await onB()) !== 200) return { name, ok: false, detail: "B refused the token before the change" };
  const changed = await fetch(`${a.baseUrl}${change.path}`, { method: change.method, headers: { authorization: `Bearer ${change.admin}` } });
  const changedAt = Date.now();
  if (changed.status !== 200) return { name, ok: false, detail: `${change.method} ${change.path} on A answered ${changed.status}` };
  const { status, elapsed } = await untilChanged(onB, 200, changedAt);
  return {
    name,
    ok: status === probe.refused && elapsed <= REVOCATION_BOUND_MS,
    detail: `B answered ${status} ${elapsed} ms after A confirmed the change (bound ${REVOCATION_BOUND_MS} ms)`,
  };
}

async function noUsageLostOnShutdown(b: AppProcess, pool: { guid: string; secret: string }[], databaseUrl: string): Promise<Check> {
  const answered: string[] = [];
  let index = 0;
  let stopping: Promise<number | null> | undefined;
  const worker = async () => {
    while (index < pool.length) {
      const token = pool[index++]!;
      try {
        const response = await fetch(`${b.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token.secret}` } });
        if (response.status === 200) answered.push(token.guid);
        await response.arrayBuffer();
      } catch {
        // B is going away: connections are refused from now on.
      }
      if (!stopping && answered.length >= pool.length / 3) stopping = b.stop("SIGTERM");
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const exitCode = await (stopping ?? b.stop("SIGTERM"));

  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ guid: string }>(
    "SELECT guid FROM tokens WHERE guid = ANY($1::uuid[]) AND last_used_at IS NOT NULL",
    [answered],
  );
  await client.end();
  const recorded = new Set(rows.map((r) => r.guid));
  const lost = answered.filter((guid) => !recorded.has(guid));
  return {
    name: "SIGTERM mid-load loses no last-used update",
    ok: lost.length === 0 && answered.length > 0 && answered.length < pool.length,
    detail: `B answered ${answered.length} of ${pool.length} first uses with 200 before stopping (exit code ${exitCode}); ${lost.length} of those have no last-used time`,
  };
}

async function main() {
  if (!existsSync(path.join(".next", "BUILD_ID")) || process.argv.includes("--build")) {
    const build = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const adminUrl = postgresAdminUrl();
  const name = `tollgate_multi_${randomBytes(5).toString("hex")}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const env = {
    DATABASE_URL: url.toString(),
    TOKEN_HASH_KEY: randomBytes(32).toString("base64"),
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    USAGE_FLUSH_SECONDS: "2",
    AUTH_FAILURE_LIMIT: "1000000",
  };
  Object.assign(process.env, env);

  const apps: AppProcess[] = [];
  try {
    const { signUp } = await import("@/lib/users/service");
    const { createScope, grantScope } = await import("@/lib/scopes/service");
    const { createToken } = await import("@/lib/tokens/service");
    const { closeDatabase, prisma } = await import("@/lib/db");
    const credentials = { email: "multi@tollgate.local", password: randomBytes(12).toString("hex") };
    const user = await signUp({ name: "Multi", ...credentials });
    await grantScope(user.id, "tokens:write");
    const watched = await createToken(user.id, { name: "used on both", scopes: ["tokens:read"] });
    const writer = await createToken(user.id, { name: "revoker", scopes: ["tokens:write"] });
    await (await prisma()).user.update({ where: { id: user.id }, data: { isAdmin: true } });
    await grantScope(user.id, "admin:write");
    await createScope({ userId: user.id, email: user.email, tokenGuid: null, ip: null, userAgent: null }, { name: "billing:read", description: "Billing" });
    await grantScope(user.id, "billing:read");
    const billing = await createToken(user.id, { name: "billing client", scopes: ["billing:read", "tokens:read"] });
    const administration = await createToken(user.id, { name: "administration", scopes: ["admin:write"] });
    const pool = [];
    for (let i = 0; i < SHUTDOWN_POOL; i++) {
      const { token, secret } = await createToken(user.id, { name: `first use ${i}`, scopes: ["tokens:read"] });
      pool.push({ guid: token.guid, secret });
    }
    await closeDatabase();

    const [a, b] = await Promise.all([startApp(env, { label: "A", quiet: true }), startApp(env, { label: "B", quiet: true })]);
    apps.push(a, b);
    const checks = [
      await revocationReachesTheOtherInstance(a, b, watched.secret, watched.token.guid, writer.secret),
      await signOutReachesTheOtherInstance(a, b, credentials),
      await retirementReachesTheOtherInstance(a, b, billing.secret, administration.secret),
      await noUsageLostOnShutdown(b, pool, env.DATABASE_URL),
    ];
    for (const check of checks) console.log(`${check.ok ? "✓" : "✗"} ${check.name}: ${check.detail}`);
    const failed = checks.filter((c) => !c.ok).length;
    console.log(`${checks.length - failed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
