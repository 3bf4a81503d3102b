import { errorSchema, tokenUsageSchema } from "@/lib/api/schemas";
import { prisma } from "@/lib/db";
import { createToken, deleteToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { useSeededServer } from "./http";

jest.setTimeout(30_000);

/**
 * GET /api/v1/tokens/{guid}/usage over HTTP: the page's numbers for programs. Counters are inserted
 * as rows, as the usage counter's flush writes them; the server reads them at its own clock, so
 * each bucket is found by its start, never by its position. Also its administrators' twin,
 * GET /api/v1/admin/tokens/{guid}/usage, for any account's token.
 */
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const seededHour = Math.floor(Date.now() / HOUR) * HOUR;
const N = 37;

async function seed() {
  const owner = await createUser({ name: "Grace Hopper", scopes: ["tokens:read", "tokens:write", "tokens:introspect"] });
  const reader = await createToken(owner.id, { name: "Reader", scopes: ["tokens:read"] });
  const writer = await createToken(owner.id, { name: "Writer only", scopes: ["tokens:write"] });
  const gateway = await createToken(owner.id, { name: "Gateway", scopes: ["tokens:introspect"] });
  const used = await createToken(owner.id, { name: "Used", scopes: ["tokens:read"] });
  const stranger = await createUser({ name: "Someone Else", scopes: ["tokens:read"] });
  const strangers = await createToken(stranger.id, { name: "Not yours", scopes: ["tokens:read"] });
  const db = await prisma();
  await db.tokenUsage.createMany({
    data: [
      { tokenGuid: used.token.guid, hour: new Date(seededHour - 2 * HOUR), source: "", answered: N, refusedScope: 2, refusedRate: 1 },
      { tokenGuid: used.token.guid, hour: new Date(seededHour - 2 * HOUR), source: gateway.token.guid, answered: 3 },
      { tokenGuid: used.token.guid, hour: new Date(seededHour - 10 * DAY), source: "", answered: 5 },
      { tokenGuid: strangers.token.guid, hour: new Date(seededHour - 2 * HOUR), source: "", answered: 99 },
    ],
  });
  await db.tokenAddress.create({
    data: { tokenGuid: used.token.guid, ip: "203.0.113.9", firstSeenAt: new Date(seededHour - DAY), lastSeenAt: new Date(seededHour - 2 * HOUR), uses: N + 3, userAgent: "curl/8.5.0" },
  });
  const admin = await createUser({ name: "Ada Admin", scopes: ["tokens:read", "admin:read", "admin:write"] });
  await db.user.update({ where: { id: admin.id }, data: { isAdmin: true } });
  const adminReader = await createToken(admin.id, { name: "Ada's audit", scopes: ["admin:read"] });
  const adminPlain = await createToken(admin.id, { name: "Ada's plain", scopes: ["tokens:read"] });
  const deleted = await createToken(stranger.id, { name: "Deleted", scopes: ["tokens:read"] });
  await deleteToken(stranger.id, deleted.token.guid);
  return { reader, writer, gateway, used, strangers, adminReader, adminPlain, deletedGuid: deleted.token.guid };
}

const api = useSeededServer(seed, { AUTH_FAILURE_LIMIT: "10000" });
const usageOf = (guid: string, token = api.seed.reader.secret) => api.call("GET", `/api/v1/tokens/${guid}/usage`, { token });

test("answers 168 hourly and 90 daily buckets, the totals, the sources and the addresses: N uses inserted, N shown", async () => {
  const reply = await usageOf(api.seed.used.token.guid);
  expect(reply.status).toBe(200);
  expect(reply.headers.get("cache-control")).toBe("no-store");
  const body = tokenUsageSchema.strict().parse(reply.body);
  expect(Object.keys(reply.body).sort()).toEqual(["addresses", "daily", "hourly", "sources", "totals"]);
  expect([body.hourly.length, body.daily.length]).toEqual([168, 90]);
  // Consecutive UTC hours and days, oldest first.
  expect(body.hourly.every((b, i) => i === 0 || Date.parse(b.start) - Date.parse(body.hourly[i - 1]!.start) === HOUR)).toBe(true);
  expect(body.daily.every((b, i) => i === 0 || Date.parse(b.start) - Date.parse(body.daily[i - 1]!.start) === DAY)).toBe(true);
  expect(body.daily.every((b) => b.start.endsWith("T00:00:00.000Z"))).toBe(true);

  const hour = body.hourly.find((b) => Date.parse(b.start) === seededHour - 2 * HOUR);
  expect(hour).toEqual({ start: new Date(seededHour - 2 * HOUR).toISOString(), answered: N + 3, refusedScope: 2, refusedRate: 1 });
  expect(body.hourly.filter((b) => b !== hour).every((b) => b.answered + b.refusedScope + b.refusedRate === 0)).toBe(true);
  expect(body.totals).toEqual({ hourly: { answered: N + 3, refusedScope: 2, refusedRate: 1 }, daily: { answered: N + 3 + 5, refusedScope: 2, refusedRate: 1 } });
  expect(body.sources).toEqual([{ guid: api.seed.gateway.token.guid, name: "Gateway", answered: 3, refusedScope: 0, refusedRate: 0 }]);
  expect(body.addresses).toEqual([
    {
      ip: "203.0.113.9",
      firstSeenAt: new Date(seededHour - DAY).toISOString(),
      lastSeenAt: new Date(seededHour - 2 * HOUR).toISOString(),
      uses: N + 3,
      userAgent: "curl/8.5.0",
    },
  ]);
});

test("another user's token, an unknown GUID and a malformed one are the same 404", async () => {
  const unknown = await usageOf("00000000-0000-4000-8000-000000000000");
  expect(unknown.status).toBe(404);
  expect(errorSchema.strict().parse(unknown.body).error.code).toBe("not_found");
  for (const guid of [api.seed.strangers.token.guid, "not-a-guid", api.seed.strangers.token.guid.toUpperCase()]) {
    const reply = await usageOf(guid);
    expect({ guid, status: reply.status, text: reply.text }).toEqual({ guid, status: 404, text: unknown.text });
  }
});

test("a token without tokens:read gets 403 insufficient_scope; no token, 401", async () => {
  const reply = await usageOf(api.seed.used.token.guid, api.seed.writer.secret);
  expect(reply.status).toBe(403);
  expect(errorSchema.strict().parse(reply.body).error).toMatchObject({ code: "insufficient_scope", scope: "tokens:read" });
  const anonymous = await api.call("GET", `/api/v1/tokens/${api.seed.used.token.guid}/usage`);
  expect(anonymous.status).toBe(401);
});

test("the route answers GET only", async () => {
  const reply = await api.call("POST", `/api/v1/tokens/${api.seed.used.token.guid}/usage`, { token: api.seed.reader.secret });
  expect({ status: reply.status, allow: reply.headers.get("allow") }).toEqual({ status: 405, allow: "GET, HEAD, OPTIONS" });
});

describe("GET /api/v1/admin/tokens/{guid}/usage", () => {
  const asAdmin = (guid: string, token = api.seed.adminReader.secret) => api.call("GET", `/api/v1/admin/tokens/${guid}/usage`, { token });

  test("an administrator's token with admin:read reads any account's token's use, exactly as its owner does", async () => {
    const owners = await usageOf(api.seed.used.token.guid);
    const reply = await asAdmin(api.seed.used.token.guid.toUpperCase());
    expect(reply.status).toBe(200);
    expect(reply.headers.get("cache-control")).toBe("no-store");
    expect(tokenUsageSchema.strict().parse(reply.body)).toEqual(owners.body);
    const theirs = tokenUsageSchema.parse((await asAdmin(api.seed.strangers.token.guid)).body);
    expect(theirs.totals.hourly).toEqual({ answered: 99, refusedScope: 0, refusedRate: 0 });
  });

  test("an unknown, a malformed and a deleted token are the same 404", async () => {
    const unknown = await asAdmin("00000000-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect(errorSchema.strict().parse(unknown.body).error.code).toBe("not_found");
    for (const guid of ["not-a-guid", api.seed.deletedGuid]) {
      const reply = await asAdmin(guid);
      expect({ guid, status: reply.status, text: reply.text }).toEqual({ guid, status: 404, text: unknown.text });
    }
  });

  test("someone who is not an administrator gets the admin API's 404; an administrator's token without admin:read, 403", async () => {
    const person = await asAdmin(api.seed.used.token.guid, api.seed.reader.secret);
    expect(person.status).toBe(404);
    expect(errorSchema.strict().parse(person.body).error.message).toBe(`There is no API route GET /api/v1/admin/tokens/${api.seed.used.token.guid}/usage. The routes are listed at /docs/api.`);
    const plain = await asAdmin(api.seed.used.token.guid, api.seed.adminPlain.secret);
    expect(plain.status).toBe(403);
    expect(errorSchema.strict().parse(plain.body).error).toMatchObject({ code: "insufficient_scope", scope: "admin:read" });
  });
});
