import { prisma } from "@/lib/db";
import { createToken, revokeToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { useSeededServer } from "./http";

// Many HTTP calls to a real server on a shared, busy machine.
jest.setTimeout(120_000);

/**
 * Use counted over HTTP: every request by a valid token lands in its hour's row of token_usage as
 * answered, refused for its scope or refused for its address's rate; introspection is counted for
 * the token asked about, with the asking token as the source. The batcher's timer is an hour, so
 * what is checked here is what the SIGTERM flush wrote (read once the server has stopped).
 */
const LIMIT = 5;

async function seed() {
  const owner = await createUser({ name: "Owner", scopes: ["tokens:read", "tokens:write", "tokens:introspect"] });
  const counted = await createToken(owner.id, { name: "Counted", scopes: ["tokens:read"] });
  const narrow = await createToken(owner.id, { name: "Narrow", scopes: ["tokens:read"] });
  const limited = await createToken(owner.id, { name: "Limited", scopes: ["tokens:read"] });
  const cold = await createToken(owner.id, { name: "Cold", scopes: ["tokens:read"] });
  const revoked = await createToken(owner.id, { name: "Revoked", scopes: ["tokens:read"] });
  await revokeToken(owner.id, revoked.token.guid);
  const service = await createToken(owner.id, { name: "Gateway", scopes: ["tokens:introspect"] });
  const admin = await createUser({ name: "Admin", scopes: ["admin:read", "admin:write"] });
  await (await prisma()).user.update({ where: { id: admin.id }, data: { isAdmin: true } });
  const adminReader = await createToken(admin.id, { name: "Admin, read only", scopes: ["admin:read"] });
  return { owner, counted, narrow, limited, cold, revoked, service, adminReader };
}

const api = useSeededServer(seed, { TRUST_PROXY: "1", AUTH_FAILURE_LIMIT: String(LIMIT), AUTH_FAILURE_WINDOW_SECONDS: "600", USAGE_FLUSH_SECONDS: "3600" });

const from = (address: string, method: string, path: string, token: string, more: { body?: unknown; headers?: Record<string, string> } = {}) =>
  api.call(method, path, { token, body: more.body, headers: { "x-forwarded-for": address, "user-agent": "usage-test/1", ...more.headers } });
const WRONG = "tgp_" + "0".repeat(36);

type Totals = { answered: number; refusedScope: number; refusedRate: number };

/** Each token's counts by source, summed over hours (a run may cross an hour's start). */
async function usageBySource(): Promise<Map<string, Map<string, Totals>>> {
  const rows = await (await prisma()).tokenUsage.findMany();
  const byToken = new Map<string, Map<string, Totals>>();
  for (const row of rows) {
    const sources = byToken.get(row.tokenGuid) ?? new Map<string, Totals>();
    byToken.set(row.tokenGuid, sources);
    const totals = sources.get(row.source) ?? { answered: 0, refusedScope: 0, refusedRate: 0 };
    sources.set(row.source, totals);
    totals.answered += row.answered;
    totals.refusedScope += row.refusedScope;
    totals.refusedRate += row.refusedRate;
  }
  return byToken;
}

const N = 25;

// One story in steps, the last of which stops the server: its SIGTERM flush writes what the steps counted.
test("every kind of use is counted, and the SIGTERM flush writes the counts and addresses", async () => {
  const { counted, narrow, limited, cold, revoked, service, adminReader } = api.seed;
  for (let i = 0; i < N; i++) expect((await from("203.0.113.20", "GET", "/api/v1/me", counted.secret)).status).toBe(200);

  // Refused for the scope, on a plain route and on an admin route; a non-administrator's admin call is a 404, answered.
  for (let i = 0; i < 3; i++) {
    const refused = await from("203.0.113.21", "POST", "/api/v1/tokens", narrow.secret, { body: { name: "Nope", scopes: ["tokens:read"] } });
    expect(refused.status).toBe(403);
  }
  expect((await from("203.0.113.21", "GET", "/api/v1/me", narrow.secret)).status).toBe(200);
  expect((await from("203.0.113.21", "GET", "/api/v1/admin/users", narrow.secret)).status).toBe(404);
  for (let i = 0; i < 2; i++) {
    const refused = await from("203.0.113.22", "PATCH", "/api/v1/admin/policies", adminReader.secret, { body: {} });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("insufficient_scope");
  }
  expect((await from("203.0.113.22", "GET", "/api/v1/admin/policies", adminReader.secret)).status).toBe(200);

  // Introspection: counted for the token asked about (when valid), with the gateway as source.
  const introspect = (secret: string) =>
    from("198.51.100.30", "POST", "/api/v1/introspect", service.secret, {
      body: new URLSearchParams({ token: secret }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
  for (let i = 0; i < 4; i++) expect((await introspect(counted.secret)).body.active).toBe(true);
  expect((await introspect(revoked.secret)).body.active).toBe(false);

  // Rate limited: a valid token this instance has just verified is counted; one it has not seen is not looked up.
  expect((await from("203.0.113.50", "GET", "/api/v1/me", limited.secret)).status).toBe(200);
  for (let i = 0; i < LIMIT; i++) expect((await from("203.0.113.50", "GET", "/api/v1/me", WRONG)).status).toBe(401);
  for (let i = 0; i < 2; i++) expect((await from("203.0.113.50", "GET", "/api/v1/me", limited.secret)).status).toBe(429);
  expect((await from("203.0.113.50", "GET", "/api/v1/me", cold.secret)).status).toBe(429);

  await api.server.stop();
  expect(api.server.output()).toMatch(/Shutdown: wrote the last use of \d+ token\(s\), \d+ hourly usage count\(s\) and \d+ address\(es\)/);

  await api.database.use(async () => {
    const usage = await usageBySource();
    const only = (totals: Partial<Totals>) => ({ answered: 0, refusedScope: 0, refusedRate: 0, ...totals });
    expect(Object.fromEntries(usage.get(counted.token.guid) ?? [])).toEqual({ "": only({ answered: N }), [service.token.guid]: only({ answered: 4 }) });
    expect(Object.fromEntries(usage.get(narrow.token.guid) ?? [])).toEqual({ "": only({ answered: 2, refusedScope: 3 }) });
    expect(Object.fromEntries(usage.get(adminReader.token.guid) ?? [])).toEqual({ "": only({ answered: 1, refusedScope: 2 }) });
    expect(Object.fromEntries(usage.get(service.token.guid) ?? [])).toEqual({ "": only({ answered: 5 }) });
    expect(Object.fromEntries(usage.get(limited.token.guid) ?? [])).toEqual({ "": only({ answered: 1, refusedRate: 2 }) });
    expect(usage.has(cold.token.guid)).toBe(false);
    expect(usage.has(revoked.token.guid)).toBe(false);

    // Addresses are the token's own clients': the gateway's address is the gateway's, not the introspected token's.
    const db = await prisma();
    const addresses = await db.tokenAddress.findMany({ where: { tokenGuid: { in: [counted.token.guid, service.token.guid] } }, orderBy: { ip: "asc" } });
    expect(addresses.map(({ tokenGuid, ip, uses, userAgent }) => ({ tokenGuid, ip, uses, userAgent }))).toEqual([
      { tokenGuid: service.token.guid, ip: "198.51.100.30", uses: 5, userAgent: "usage-test/1" },
      { tokenGuid: counted.token.guid, ip: "203.0.113.20", uses: N, userAgent: "usage-test/1" },
    ]);
    const events = await db.auditEvent.findMany({ where: { action: "token.new_address", targetToken: counted.token.guid } });
    expect(events.map(({ ip, actorKind, actorToken, targetUser, details }) => ({ ip, actorKind, actorToken, targetUser, details }))).toEqual([
      {
        ip: "203.0.113.20",
        actorKind: "token",
        actorToken: counted.token.guid,
        targetUser: api.seed.owner.id,
        details: { name: "Counted", ip: "203.0.113.20", userAgent: "usage-test/1" },
      },
    ]);
    // Introspection leaves the introspected token's last use alone.
    const token = await db.token.findUniqueOrThrow({ where: { guid: counted.token.guid } });
    expect(token.lastUsedIp).toBe("203.0.113.20");
  });
}, 180_000);
