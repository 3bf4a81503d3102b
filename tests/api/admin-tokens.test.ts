import { randomUUID } from "node:crypto";
import { errorSchema, inventoryPageSchema } from "@/lib/api/schemas";
import { prisma } from "@/lib/db";
import { tokenSchema } from "@/lib/tokens/contract";
import { createToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { useSeededServer, type Reply } from "./http";

jest.setTimeout(30_000);

/** The administrators' token inventory over HTTP: GET /api/v1/admin/tokens and POST /api/v1/admin/tokens/{guid}/revoke. */

const DAY = 86_400_000;

async function seed() {
  const adminUser = await createUser({ name: "Ada Admin", scopes: ["tokens:read", "tokens:write", "admin:read", "admin:write"] });
  const db = await prisma();
  await db.user.update({ where: { id: adminUser.id }, data: { isAdmin: true } });
  const admin = await createToken(adminUser.id, { name: "Admin automation", scopes: ["admin:read", "admin:write", "tokens:read"] });
  const readOnly = await createToken(adminUser.id, { name: "Admin read only", scopes: ["admin:read"] });
  const noAdminScopes = await createToken(adminUser.id, { name: "Admin, no admin scopes", scopes: ["tokens:read"] });

  // Someone who is not an administrator, though somehow granted the admin scopes: still 404.
  const member = await createUser({ name: "Mia Member", scopes: ["tokens:read", "tokens:write", "admin:read", "admin:write"] });
  const memberToken = await createToken(member.id, { name: "Member's own", scopes: ["tokens:read", "tokens:write", "admin:read", "admin:write"] });

  const owner = await createUser({ name: "Olive Owner", scopes: ["tokens:read", "tokens:write", "metrics:read"] });
  const ownerToken = await createToken(owner.id, { name: "Olive's reader", scopes: ["tokens:read", "tokens:write"] });
  const names = ["alpha", "Bravo", "charlie", "delta", "echo"];
  const listed = [];
  for (const [i, name] of names.entries()) {
    const created = new Date(Date.now() - (10 - i) * DAY);
    const made = await createToken(owner.id, { name: `olive ${name}`, scopes: i === 2 ? ["metrics:read"] : ["tokens:read"] }, created);
    await db.token.update({ where: { guid: made.token.guid }, data: { createdAt: created } });
    listed.push(made);
  }
  const expiring = await createToken(owner.id, { name: "olive expiring", scopes: ["tokens:read"], validTo: new Date(Date.now() + 3 * DAY).toISOString() });
  await db.token.update({ where: { guid: listed[0]!.token.guid }, data: { lastUsedAt: new Date(Date.now() - 100 * DAY), createdAt: new Date(Date.now() - 200 * DAY) } });
  return { adminUser, admin, readOnly, noAdminScopes, member, memberToken, owner, ownerToken, listed, expiring };
}

const api = useSeededServer(seed, { AUTH_FAILURE_LIMIT: "10000" });
const asAdmin = (method: string, path: string, body?: unknown) => api.call(method, path, { token: api.seed.admin.secret, body });
const list = async (query: string) => {
  const reply = await asAdmin("GET", `/api/v1/admin/tokens${query}`);
  expect(reply.status).toBe(200);
  return inventoryPageSchema.strict().parse(reply.body);
};
const names = async (query: string) => (await list(query)).tokens.map((t) => t.name);
const ownerQuery = () => `owner=${api.seed.owner.id}`;

function expectError(reply: Reply, status: number, code: string) {
  expect({ status: reply.status, code: errorSchema.parse(reply.body).error.code }).toEqual({ status, code });
}

describe("GET /api/v1/admin/tokens", () => {
  test("every user's tokens with their owners, and never a secret", async () => {
    const page = await list("?perPage=100");
    const guids = page.tokens.map((t) => t.guid);
    expect(guids).toEqual(expect.arrayContaining([api.seed.ownerToken.token.guid, api.seed.memberToken.token.guid, api.seed.admin.token.guid]));
    const olive = page.tokens.find((t) => t.guid === api.seed.ownerToken.token.guid)!;
    expect(olive.owner).toEqual({ id: api.seed.owner.id, email: api.seed.owner.email, name: "Olive Owner" });
    expect(olive).toMatchObject({ partial: api.seed.ownerToken.token.partial, breaksPolicy: false, revokedBy: null, revocationReason: null });
    expect({ total: page.total, totalIsExact: page.totalIsExact, nextCursor: page.nextCursor, prevCursor: page.prevCursor }).toEqual({
      total: page.tokens.length,
      totalIsExact: true,
      nextCursor: null,
      prevCursor: null,
    });
    const reply = await asAdmin("GET", "/api/v1/admin/tokens?perPage=100");
    for (const secret of [api.seed.ownerToken.secret, api.seed.admin.secret, api.seed.memberToken.secret]) expect(reply.text).not.toContain(secret);
    expect(reply.headers.get("cache-control")).toBe("no-store");
  });

  test("filters: owner (email part, name part, id), scope, status, unused, expiring", async () => {
    expect((await names(`?owner=${encodeURIComponent(api.seed.owner.email.slice(0, 10).toUpperCase())}&sort=name&order=asc`)).length).toBe(7);
    expect(await names("?owner=olive%20own&scope=metrics:read")).toEqual(["olive charlie"]);
    expect(await names(`?${ownerQuery()}&expiring=7`)).toEqual(["olive expiring"]);
    expect(await names(`?${ownerQuery()}&unused=90`)).toEqual(["olive alpha"]);
    expect(await names(`?${ownerQuery()}&status=expired`)).toEqual([]);
    expect((await names(`?${ownerQuery()}&status=active`)).length).toBe(7);
  });

  test("breaksPolicy with no policy set matches nothing and says so", async () => {
    const page = await list(`?${ownerQuery()}&breaksPolicy=true`);
    expect(page.tokens).toEqual([]);
    expect(page.notices).toEqual([expect.stringContaining("No policy limits token lifetimes")]);
  });

  test("sorts each way", async () => {
    expect(await names(`?${ownerQuery()}&scope=tokens:read&sort=name&order=asc`)).toEqual([
      "olive alpha",
      "olive Bravo",
      "olive delta",
      "olive echo",
      "olive expiring",
      "Olive's reader",
    ]);
    expect(await names(`?${ownerQuery()}&sort=created&order=asc&perPage=10`)).toEqual([
      "olive alpha",
      "olive Bravo",
      "olive charlie",
      "olive delta",
      "olive echo",
      expect.any(String),
      expect.any(String),
    ]);
    const expires = await names(`?${ownerQuery()}&sort=expires&order=asc`);
    expect(expires[0]).toBe("olive expiring");
  });

  test("pages by cursor, forward and back", async () => {
    const query = `?${ownerQuery()}&sort=name&order=asc&perPage=10`;
    // Everyone's 11 tokens make two pages of ten.
    const first = await list("?sort=name&order=asc&perPage=10");
    expect(first.tokens).toHaveLength(10);
    expect(first.prevCursor).toBeNull();
    const second = await list(`?sort=name&order=asc&perPage=10&cursor=${first.nextCursor}`);
    expect(second.prevCursor).not.toBeNull();
    expect(second.tokens.map((t) => t.guid)).not.toContain(first.tokens[0]!.guid);
    const back = await list(`?sort=name&order=asc&perPage=10&cursor=${second.prevCursor}`);
    expect(back.tokens.map((t) => t.guid)).toEqual(first.tokens.map((t) => t.guid));
    expect((await list(query)).nextCursor).toBeNull();
  });

  test("a bad query is 400 naming each parameter", async () => {
    for (const [query, field] of [
      ["?status=lost", "status"],
      ["?sort=secret", "sort"],
      ["?unused=31", "unused"],
      ["?expiring=8", "expiring"],
      ["?breaksPolicy=yes", "breaksPolicy"],
      ["?perPage=7", "perPage"],
      ["?page=2", "page"],
      ["?cursor=forged", "cursor"],
      ["?status=active&status=revoked", "status"],
    ] as const) {
      const reply = await asAdmin("GET", `/api/v1/admin/tokens${query}`);
      expectError(reply, 400, "invalid_request");
      expect(Object.keys(errorSchema.parse(reply.body).error.fields ?? {})).toEqual([field]);
    }
    const first = await list("?sort=name&order=asc&perPage=10");
    expectError(await asAdmin("GET", `/api/v1/admin/tokens?sort=created&cursor=${first.nextCursor}`), 400, "invalid_request");
  });

  test("a non-administrator's token is 404, even with the admin scopes; an administrator's token without admin:read is 403", async () => {
    expectError(await api.call("GET", "/api/v1/admin/tokens", { token: api.seed.memberToken.secret }), 404, "not_found");
    expectError(await api.call("GET", "/api/v1/admin/tokens", { token: api.seed.noAdminScopes.secret }), 403, "insufficient_scope");
    expect((await api.call("GET", "/api/v1/admin/tokens", { token: api.seed.readOnly.secret })).status).toBe(200);
    expectError(await api.call("GET", "/api/v1/admin/tokens"), 401, "missing_token");
  });
});

describe("POST /api/v1/admin/tokens/{guid}/revoke", () => {
  const revokePath = (guid: string) => `/api/v1/admin/tokens/${guid}/revoke`;

  test("revokes anyone's token with a reason; its owner sees who and why, and the token is refused", async () => {
    const victim = await api.call("POST", "/api/v1/tokens", { token: api.seed.ownerToken.secret, body: { name: "to be revoked", scopes: ["tokens:read"] } });
    expect(victim.status).toBe(201);
    const { guid } = victim.body.token;
    expect((await api.call("GET", "/api/v1/me", { token: victim.body.secret })).status).toBe(200);

    const reply = await asAdmin("POST", revokePath(guid), { reason: "  Pasted into a public chat  " });
    expect(reply.status).toBe(200);
    const revoked = tokenSchema.strict().parse(reply.body);
    expect(revoked).toMatchObject({ guid, status: "revoked", revokedBy: "administrator", revocationReason: "Pasted into a public chat" });

    const seen = await api.call("GET", `/api/v1/tokens/${guid}`, { token: api.seed.ownerToken.secret });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ revokedBy: "administrator", revocationReason: "Pasted into a public chat", status: "revoked" });
    expectError(await api.call("GET", "/api/v1/me", { token: victim.body.secret }), 401, "invalid_token");


    expectError(await asAdmin("POST", revokePath(guid), { reason: "again" }), 409, "conflict");
    // The owner's own revoke of a revoked token changes nothing, and keeps the reason.
    const ownRevoke = await api.call("POST", `/api/v1/tokens/${guid}/revoke`, { token: api.seed.ownerToken.secret });
    expect(ownRevoke.body).toMatchObject({ revokedBy: "administrator", revocationReason: "Pasted into a public chat" });
  });

  test("the reason is required: a missing, empty or too long one is 400 naming it", async () => {
    const guid = api.seed.listed[3]!.token.guid;
    for (const body of [{}, { reason: "  " }, { reason: "x".repeat(501) }]) {
      const reply = await asAdmin("POST", revokePath(guid), body);
      expectError(reply, 400, "invalid_request");
      expect(errorSchema.parse(reply.body).error.fields).toEqual({ reason: [expect.any(String)] });
    }
    expectError(await asAdmin("POST", revokePath(guid), { reason: "ok", why: "x" }), 400, "invalid_request");
    expect((await api.call("GET", `/api/v1/tokens/${guid}`, { token: api.seed.ownerToken.secret })).body.status).toBe("active");
  });

  test("an unknown GUID is 404", async () => {
    expectError(await asAdmin("POST", revokePath(randomUUID()), { reason: "r" }), 404, "not_found");
    expectError(await asAdmin("POST", revokePath("not-a-guid"), { reason: "r" }), 404, "not_found");
  });

  test("a non-administrator's token is 404; an administrator's token without admin:write is 403; nothing is revoked", async () => {
    const guid = api.seed.listed[4]!.token.guid;
    expectError(await api.call("POST", revokePath(guid), { token: api.seed.memberToken.secret, body: { reason: "r" } }), 404, "not_found");
    expectError(await api.call("POST", revokePath(guid), { token: api.seed.readOnly.secret, body: { reason: "r" } }), 403, "insufficient_scope");
    expect((await api.call("GET", `/api/v1/tokens/${guid}`, { token: api.seed.ownerToken.secret })).body.status).toBe("active");
  });
});
