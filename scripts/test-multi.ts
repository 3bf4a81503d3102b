/**
 * `npm run test:multi`: two instances of the built application sharing one PostgreSQL.
 *
 * 1. A token used on both instances, revoked through instance A, must be refused by instance B
 *    within one second (B has it cached; only the NOTIFY from A's commit can tell it).
 * 2. A session signed in on A and used on both, signed out through A, must be refused by B within
 *    one second (B has it in memory; the NOTIFY of the deleted session row tells it).
 * 3. Administrators' changes through A's admin API, each honoured by B within one second although B
 *    has the token cached: (a) a grant withdrawn (DELETE /api/v1/admin/users/{id}/scopes/tokens:read):
 *    B answers 403 insufficient_scope to the user's tokens:read token; (b) a custom scope retired
 *    (billing:read, created, granted and put on a token first): B's introspection stops listing it;
 *    (c) an account disabled (POST /api/v1/admin/users/{id}/disable): B refuses its token with 401.
 * 4. N requests with one token (and introspections of it), split across A and B: once both have
 *    flushed, token_usage holds exactly N (and the introspections under the introspector's GUID),
 *    and the address both saw has N uses and one "new address" event.
 * 5. Reminders before expiry: both instances run the maintenance job every 2 s against a real SMTP
 *    server, over tokens seeded inside the 30-, 7- and 1-day windows and just past their end (and
 *    a revoked one): exactly one mail per token and threshold arrives, and no more after further runs.
 * 6. The change feed across instances: a service (clients/node) introspects a token on A and follows
 *    the feed on B; the token is revoked through A; the client must refuse it within one second,
 *    having asked Tollgate about it only once before (B learns who asked from A's record of it).
 * 7. Instance B is stopped with SIGTERM in the middle of a load of first-time token uses; every
 *    use B answered with 200 must have its "last used" and its count in the database afterwards.
 *
 * Starts its own PostgreSQL (scripts/start-postgres.sh) unless TEST_POSTGRES_URL names one.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { Client } from "pg";
import { recipients, startSmtp, type Mailbox } from "../tests/helpers/smtp";
import { callServerAction, cookieHeader, signInOverHttp } from "../tests/helpers/web-session";
import { TollgateClient } from "../clients/node/index.mjs";
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

async function feedOnTheOtherInstance(a: AppProcess, b: AppProcess, introspector: string, token: { secret: string; guid: string }, writer: string): Promise<Check> {
  const name = "a token introspected on A, revoked through A: refused within 1 s by a client whose feed is on B";
  let asked = 0;
  // The service's requests split as a load balancer might: introspection to A, the feed to B.
  const split = ((input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (!url.endsWith("/api/v1/introspect")) return fetch(input, init);
    asked++;
    return fetch(url.replace(b.baseUrl, a.baseUrl), init);
  }) as typeof fetch;
  const client = new TollgateClient({ url: b.baseUrl, token: introspector, fetch: split });
  try {
    await client.ready();
    for (let i = 0; i < 5; i++) {
      if (!(await client.verify(token.secret)).active) return { name, ok: false, detail: "the client refused the token before revocation" };
    }
    if (asked !== 1) return { name, ok: false, detail: `the client asked Tollgate ${asked} times about a token it knew (expected 1)` };
    const revoked = await fetch(`${a.baseUrl}/api/v1/tokens/${token.guid}/revoke`, { method: "POST", headers: { authorization: `Bearer ${writer}` } });
    const revokedAt = Date.now();
    if (revoked.status !== 200) return { name, ok: false, detail: `revoke on A answered ${revoked.status}` };
    const { ok, elapsed } = await whenChanged(async () => !(await client.verify(token.secret)).active, revokedAt);
    return {
      name,
      ok: ok && elapsed <= REVOCATION_BOUND_MS && client.stats().feedEvents > 0,
      detail: `the client refused it ${elapsed} ms after A confirmed the revocation (bound ${REVOCATION_BOUND_MS} ms), after ${client.stats().feedEvents} feed event(s)`,
    };
  } finally {
    client.close();
  }
}

type Probe = () => Promise<boolean>;

/** Polls `changed` until it holds or 5 s pass; how long after `since` it first held. */
async function whenChanged(changed: Probe, since: number): Promise<{ ok: boolean; elapsed: number }> {
  for (;;) {
    const ok = await changed();
    const elapsed = Date.now() - since;
    if (ok || elapsed > 5_000) return { ok, elapsed };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One call to instance `app`'s admin API with an administrator's token (admin:write). */
async function adminCall(app: AppProcess, adminToken: string, method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(`${app.baseUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body !== undefined && { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/**
 * An administrator's change made through A, to a user whose token B has in its cache: `before`
 * must hold on both instances first, and `after` on B within REVOCATION_BOUND_MS of A's answer.
 */
async function adminChangeReachesTheOtherInstance(
  name: string,
  instances: { a: AppProcess; b: AppProcess },
  probes: { before: (app: AppProcess) => Promise<boolean>; after: Probe },
  change: () => Promise<Response>,
): Promise<Check> {
  const { a, b } = instances;
  if (!(await probes.before(a)) || !(await probes.before(b))) return { name, ok: false, detail: "the token did not answer as expected before the change" };
  // B now holds the token in its cache; a few more uses to be sure it answers from there.
  for (let i = 0; i < 5; i++) await probes.before(b);
  const response = await change();
  const changedAt = Date.now();
  if (response.status !== 200) return { name, ok: false, detail: `the change on A answered ${response.status}: ${(await response.text()).slice(0, 300)}` };
  const { ok, elapsed } = await whenChanged(probes.after, changedAt);
  return {
    name,
    ok: ok && elapsed <= REVOCATION_BOUND_MS,
    detail: `B ${ok ? "honoured it" : "still had not honoured it"} ${elapsed} ms after A confirmed the change (bound ${REVOCATION_BOUND_MS} ms)`,
  };
}

type Seeded = {
  adminToken: string;
  introspector: string;
  narrowed: { userId: string; secret: string };
  billing: { userId: string; credentials: { email: string; password: string } };
  disabled: { userId: string; secret: string };
};

async function grantWithdrawn(a: AppProcess, b: AppProcess, seed: Seeded): Promise<Check> {
  const list = (app: AppProcess) => fetch(`${app.baseUrl}/api/v1/tokens`, { headers: { authorization: `Bearer ${seed.narrowed.secret}` } });
  return adminChangeReachesTheOtherInstance(
    "grant withdrawn on A honoured by B within 1 s",
    { a, b },
    {
      before: async (app) => (await list(app)).status === 200,
      after: async () => {
        const response = await list(b);
        return response.status === 403 && ((await response.json()) as { error?: { code?: string } }).error?.code === "insufficient_scope";
      },
    },
    () => adminCall(a, seed.adminToken, "DELETE", `/api/v1/admin/users/${seed.narrowed.userId}/scopes/tokens:read`),
  );
}

async function scopeRetired(a: AppProcess, b: AppProcess, seed: Seeded): Promise<Check> {
  const name = "scope retired on A honoured by B within 1 s";
  const created = await adminCall(a, seed.adminToken, "POST", "/api/v1/admin/scopes", { name: "billing:read", description: "Read invoices in the billing service" });
  if (!created.ok) return { name, ok: false, detail: `creating billing:read on A answered ${created.status}: ${(await created.text()).slice(0, 300)}` };
  const granted = await adminCall(a, seed.adminToken, "PUT", `/api/v1/admin/users/${seed.billing.userId}/scopes/billing:read`);
  if (!granted.ok) return { name, ok: false, detail: `granting billing:read on A answered ${granted.status}: ${(await granted.text()).slice(0, 300)}` };
  // The holder makes a token carrying it on the token page, as a person would.
  const session = await signInOverHttp(a.baseUrl, seed.billing.credentials);
  const made = await callServerAction(a.baseUrl, "/settings/tokens", "createTokenAction", [{ name: "billing service", scopes: ["billing:read", "tokens:read"] }], session.jar);
  const secret = (made.result as { ok?: boolean; secret?: string }).secret;
  if (!secret) return { name, ok: false, detail: `creating the token answered ${JSON.stringify(made.result)}` };

  const scopesOnB = async (): Promise<string[] | null> => {
    const response = await fetch(`${b.baseUrl}/api/v1/introspect`, {
      method: "POST",
      headers: { authorization: `Bearer ${seed.introspector}`, "content-type": "application/json" },
      body: JSON.stringify({ token: secret }),
    });
    const body = (await response.json()) as { active?: boolean; scope?: string };
    return response.status === 200 && body.active ? (body.scope ?? "").split(" ").filter(Boolean) : null;
  };
  return adminChangeReachesTheOtherInstance(
    name,
    { a, b },
    {
      // Introspected through B only: A never verifies this token, so it is B's cache that must be told.
      before: async () => (await scopesOnB())?.includes("billing:read") ?? false,
      after: async () => {
        const scopes = await scopesOnB();
        return scopes !== null && !scopes.includes("billing:read") && scopes.includes("tokens:read");
      },
    },
    () => adminCall(a, seed.adminToken, "POST", "/api/v1/admin/scopes/billing:read/retire"),
  );
}

async function accountDisabled(a: AppProcess, b: AppProcess, seed: Seeded): Promise<Check> {
  const me = (app: AppProcess) => fetch(`${app.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${seed.disabled.secret}` } });
  return adminChangeReachesTheOtherInstance(
    "account disabled on A refused by B within 1 s",
    { a, b },
    {
      before: async (app) => (await me(app)).status === 200,
      after: async () => {
        const response = await me(b);
        if (response.status !== 401) return false;
        return ((await response.json()) as { error?: { message?: string } }).error?.message?.startsWith("Account disabled:") ?? false;
      },
    },
    () => adminCall(a, seed.adminToken, "POST", `/api/v1/admin/users/${seed.disabled.userId}/disable`),
  );
}

const COUNTED_USES = 200;
const COUNTED_INTROSPECTIONS = 40;

async function countsAddUp(a: AppProcess, b: AppProcess, token: { guid: string; secret: string }, introspector: { guid: string; secret: string }, databaseUrl: string): Promise<Check> {
  const name = "uses split across A and B add up in token_usage";
  let sent = 0;
  const statuses: number[] = [];
  const worker = async () => {
    while (sent < COUNTED_USES + COUNTED_INTROSPECTIONS) {
      const i = sent++;
      const app = i % 2 === 0 ? a : b;
      const response =
        i < COUNTED_USES
          ? await fetch(`${app.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token.secret}` } })
          : await fetch(`${app.baseUrl}/api/v1/introspect`, {
              method: "POST",
              headers: { authorization: `Bearer ${introspector.secret}`, "content-type": "application/json" },
              body: JSON.stringify({ token: token.secret }),
            });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  if (statuses.some((status) => status !== 200)) return { name, ok: false, detail: `not every request was answered 200: ${[...new Set(statuses)].join(", ")}` };

  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const read = async () => {
    const usage = await client.query<{ source: string; answered: number }>(
      "SELECT source, sum(answered)::int AS answered FROM token_usage WHERE token_guid = $1 GROUP BY source",
      [token.guid],
    );
    const bySource = Object.fromEntries(usage.rows.map((r) => [r.source, r.answered]));
    return { own: bySource[""] ?? 0, introspected: bySource[introspector.guid] ?? 0 };
  };
  try {
    // Each instance flushes every USAGE_FLUSH_SECONDS (2): wait for both, then one more round, which must add nothing.
    let counts = await read();
    for (let waited = 0; (counts.own < COUNTED_USES || counts.introspected < COUNTED_INTROSPECTIONS) && waited < 15_000; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      counts = await read();
    }
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    counts = await read();
    const addresses = await client.query<{ uses: number }>("SELECT uses FROM token_addresses WHERE token_guid = $1", [token.guid]);
    const events = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_events WHERE action = 'token.new_address' AND target_token_guid = $1", [token.guid]);
    const uses = addresses.rows.map((r) => r.uses);
    return {
      name,
      ok: counts.own === COUNTED_USES && counts.introspected === COUNTED_INTROSPECTIONS && uses.length === 1 && uses[0] === COUNTED_USES && events.rows[0]!.n === 1,
      detail:
        `${COUNTED_USES} uses and ${COUNTED_INTROSPECTIONS} introspections, half through each instance: token_usage holds ${counts.own} and ${counts.introspected} (introspector as source); ` +
        `its one address has ${uses.join(", ") || "no"} uses and ${events.rows[0]!.n} "new address" event(s)`,
    };
  } finally {
    await client.end();
  }
}

/** Tokens seeded around their thresholds, each with the one mail it must get (null: none). */
type ReminderSeed = { email: string; expected: { guid: string; subject: string | null }[] };

async function remindersOncePerThreshold(mailbox: Mailbox, seed: ReminderSeed, databaseUrl: string): Promise<Check> {
  const name = "reminders swept by both instances arrive once per token and threshold";
  const wanted = seed.expected.filter((e) => e.subject !== null);
  const mine = () => mailbox.messages.filter((m) => recipients(m).includes(seed.email));
  for (let waited = 0; mine().length < wanted.length && waited < 60_000; waited += 250) await new Promise((resolve) => setTimeout(resolve, 250));
  // Several more runs of the job on each instance (every 2 s), and mail polls, must add nothing.
  await new Promise((resolve) => setTimeout(resolve, 8_000));
  const mails = mine();
  const problems: string[] = [];
  for (const { guid, subject } of seed.expected) {
    const about = mails.filter((m) => (m.text ?? "").includes(`/settings/tokens/${guid}`));
    if (subject === null ? about.length !== 0 : about.length !== 1 || about[0]!.subject !== subject) {
      problems.push(`${subject ?? "none expected"}: got ${about.map((m) => `“${m.subject}”`).join(", ") || "nothing"}`);
    }
  }
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ n: number; sent: number }>(
    "SELECT count(*)::int AS n, count(sent_at)::int AS sent FROM mail_outbox WHERE \"to\" = $1",
    [seed.email],
  );
  await client.end();
  return {
    name,
    ok: problems.length === 0 && mails.length === wanted.length && rows[0]!.n === wanted.length && rows[0]!.sent === wanted.length,
    detail:
      `${mails.length} mail(s) received for ${wanted.length} expected (one per token and threshold); outbox ${rows[0]!.n} row(s), ${rows[0]!.sent} sent` +
      (problems.length ? `; ${problems.join("; ")}` : ""),
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
  const counts = await client.query<{ guid: string }>(
    "SELECT token_guid AS guid FROM token_usage WHERE token_guid = ANY($1::uuid[]) AND source = '' GROUP BY token_guid HAVING sum(answered) = 1",
    [answered],
  );
  await client.end();
  const recorded = new Set(rows.map((r) => r.guid));
  const lost = answered.filter((guid) => !recorded.has(guid));
  const countedOnce = new Set(counts.rows.map((r) => r.guid));
  const uncounted = answered.filter((guid) => !countedOnce.has(guid));
  return {
    name: "SIGTERM mid-load loses no last-used update and no count",
    ok: lost.length === 0 && uncounted.length === 0 && answered.length > 0 && answered.length < pool.length,
    detail:
      `B answered ${answered.length} of ${pool.length} first uses with 200 before stopping (exit code ${exitCode}); ` +
      `${lost.length} of those have no last-used time, ${uncounted.length} are not counted exactly once`,
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
  const mailbox = await startSmtp();
  const env = {
    DATABASE_URL: url.toString(),
    TOKEN_HASH_KEY: randomBytes(32).toString("base64"),
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    USAGE_FLUSH_SECONDS: "2",
    AUTH_FAILURE_LIMIT: "1000000",
    SMTP_URL: mailbox.url,
    MAINTENANCE_INTERVAL_SECONDS: "2",
  };
  Object.assign(process.env, env);

  const apps: AppProcess[] = [];
  try {
    const { signUp } = await import("@/lib/users/service");
    const { grantScope } = await import("@/lib/scopes/service");
    const { createToken } = await import("@/lib/tokens/service");
    const { closeDatabase } = await import("@/lib/db");
    const { makeAdministrator } = await import("@/lib/admin/administrators");
    const password = () => randomBytes(12).toString("hex");
    const credentials = { email: "multi@tollgate.local", password: password() };
    const user = await signUp({ name: "Multi", ...credentials });
    await grantScope(user.id, "tokens:write");
    await grantScope(user.id, "tokens:introspect");
    const watched = await createToken(user.id, { name: "used on both", scopes: ["tokens:read"] });
    const writer = await createToken(user.id, { name: "revoker", scopes: ["tokens:write"] });
    const introspector = await createToken(user.id, { name: "introspector", scopes: ["tokens:introspect"] });
    const counted = await createToken(user.id, { name: "counted on both", scopes: ["tokens:read"] });
    const fed = await createToken(user.id, { name: "introspected on A, followed on B", scopes: ["tokens:read"] });
    // The administrator, made as an operator makes one (npm run admin -- grant), and their admin token.
    const admin = await signUp({ name: "Admin", email: "admin@tollgate.local", password: password() });
    await makeAdministrator(admin.email);
    const adminToken = await createToken(admin.id, { name: "admin", scopes: ["admin:read", "admin:write"] });
    const narrowed = await signUp({ name: "Narrowed", email: "narrowed@tollgate.local", password: password() });
    const narrowedToken = await createToken(narrowed.id, { name: "reader", scopes: ["tokens:read"] });
    const billing = { email: "billing@tollgate.local", password: password() };
    const billingUser = await signUp({ name: "Billing", ...billing });
    const disabled = await signUp({ name: "Disabled", email: "disabled@tollgate.local", password: password() });
    const disabledToken = await createToken(disabled.id, { name: "stopped", scopes: ["tokens:read"] });
    const seeded: Seeded = {
      adminToken: adminToken.secret,
      introspector: introspector.secret,
      narrowed: { userId: narrowed.id, secret: narrowedToken.secret },
      billing: { userId: billingUser.id, credentials: billing },
      disabled: { userId: disabled.id, secret: disabledToken.secret },
    };
    const reminders = await seedReminders(signUp, createToken);
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
      await grantWithdrawn(a, b, seeded),
      await scopeRetired(a, b, seeded),
      await accountDisabled(a, b, seeded),
      await countsAddUp(a, b, { guid: counted.token.guid, secret: counted.secret }, { guid: introspector.token.guid, secret: introspector.secret }, env.DATABASE_URL),
      await feedOnTheOtherInstance(a, b, introspector.secret, { secret: fed.secret, guid: fed.token.guid }, writer.secret),
      await remindersOncePerThreshold(mailbox, reminders, env.DATABASE_URL),
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
    await mailbox.stop();
  }
}

/**
 * On the real clock: tokens made two hours ago (so their thresholds are not the maker's own fresh
 * choice) whose 30-, 7- and 1-day thresholds, or end, passed two minutes ago; a revoked one; one
 * that never expires.
 */
async function seedReminders(
  signUp: typeof import("@/lib/users/service").signUp,
  createToken: typeof import("@/lib/tokens/service").createToken,
): Promise<ReminderSeed> {
  const { revokeToken } = await import("@/lib/tokens/service");
  const email = "reminded@tollgate.local";
  const user = await signUp({ name: "Reminded", email, password: randomBytes(12).toString("hex") });
  const now = Date.now();
  const [minute, hour, day] = [60_000, 3600_000, 86_400_000];
  const made = new Date(now - 3 * hour);
  const token = async (name: string, validTo: number | null) =>
    (await createToken(user.id, { name, scopes: ["tokens:read"], validTo: validTo === null ? null : new Date(validTo).toISOString() }, made)).token.guid;
  const expected: ReminderSeed["expected"] = [];
  for (const days of [30, 7, 1]) {
    expected.push({ guid: await token(`in ${days}`, now + days * day - 2 * minute), subject: `Your token “in ${days}” expires in ${days === 1 ? "1 day" : `${days} days`}` });
  }
  expected.push({ guid: await token("ended", now - 2 * minute), subject: "Your token “ended” has expired" });
  const revoked = await token("revoked", now + 7 * day - 2 * minute);
  await revokeToken(user.id, revoked, new Date(now - hour));
  expected.push({ guid: revoked, subject: null }, { guid: await token("forever", null), subject: null });
  return { email, expected };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
