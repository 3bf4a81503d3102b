import { errorSchema } from "@/lib/api/schemas";
import { tokenSchema, tokenWithSecretSchema } from "@/lib/tokens/contract";
import { withdrawScope } from "@/lib/scopes/service";
import { createToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { useSeededServer, type Reply } from "./http";

// Each test makes a few HTTP calls to a real server on a shared, busy machine.
jest.setTimeout(30_000);

/**
 * A token never mints more than it holds: through the API a token creates, edits, rotates and
 * deletes tokens only within its effective scopes and its lifetime (docs/security.md).
 */

const HOUR = 3600_000;
const ALL = ["tokens:introspect", "tokens:read", "tokens:write"];
const MANAGE = ["tokens:read", "tokens:write"];

async function seed() {
  const owner = await createUser({ name: "Owner", scopes: ALL });
  // The owner's own automation: every scope, forever. Tests mint the callers they need with it.
  const root = await createToken(owner.id, { name: "Root", scopes: ALL });
  // A token listing a scope its owner has lost since.
  const demoted = await createUser({ name: "Demoted", scopes: ALL });
  const narrowed = await createToken(demoted.id, { name: "Narrowed", scopes: ALL });
  await withdrawScope(demoted.id, "tokens:introspect");
  return { owner, root, narrowed };
}

const api = useSeededServer(seed, { AUTH_FAILURE_LIMIT: "10000" });

const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();
const later = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();

/** A token made by the root token over the API. */
async function mint(name: string, scopes: string[], validTo: string | null) {
  const reply = await api.call("POST", "/api/v1/tokens", { token: api.seed.root.secret, body: { name, scopes, validTo } });
  expect(reply.status).toBe(201);
  return tokenWithSecretSchema.parse(reply.body);
}

/** The reproduction of the finding: a one-hour token that manages tokens. */
const oneHourCaller = (name = "One hour") => mint(name, MANAGE, inHours(1));

const as = (secret: string) => ({
  post: (path: string, body?: unknown) => api.call("POST", path, { token: secret, body }),
  patch: (path: string, body: unknown) => api.call("PATCH", path, { token: secret, body }),
  del: (path: string) => api.call("DELETE", path, { token: secret }),
});

function expectRefused(reply: Reply, status: number, code: string) {
  expect([reply.status, reply.body?.error?.code]).toEqual([status, code]);
  return errorSchema.strict().parse(reply.body).error;
}

async function stillAsItWas(guid: string, before: { name: string; scopes?: string[]; validTo: string | null }) {
  const reply = await api.call("GET", `/api/v1/tokens/${guid}`, { token: api.seed.root.secret });
  expect(tokenSchema.parse(reply.body)).toMatchObject(before);
}

describe("creating", () => {
  test("a one-hour token's child without a validTo ends when the caller does, not never", async () => {
    const caller = await oneHourCaller();
    const reply = await as(caller.secret).post("/api/v1/tokens", { name: "Child", scopes: ["tokens:read"] });
    expect(reply.status).toBe(201);
    const child = tokenWithSecretSchema.parse(reply.body);
    expect(child.token.validTo).toBe(caller.token.validTo);
    expect((await api.call("GET", "/api/v1/me", { token: child.secret })).body.token.validTo).toBe(caller.token.validTo);
  });

  test("a scope the caller lacks, even one its owner holds: 403 naming it, and nothing is created", async () => {
    const caller = await oneHourCaller("Scope-limited");
    const reply = await as(caller.secret).post("/api/v1/tokens", { name: "Wider child", scopes: ALL, validTo: caller.token.validTo });
    const error = expectRefused(reply, 403, "insufficient_scope");
    expect(error.scope).toBe("tokens:introspect");
    expect(error.message).toMatch(/only scopes it has itself.*tokens:introspect/);
    expect(reply.headers.get("www-authenticate")).toBe('Bearer realm="tollgate", error="insufficient_scope", scope="tokens:introspect"');
    const listed = await api.call("GET", "/api/v1/tokens?q=Wider", { token: api.seed.root.secret });
    expect(listed.body.total).toBe(0);
  });

  test("a validTo past the caller's, or never: 400 on validTo naming the caller's end", async () => {
    const caller = await oneHourCaller("Lifetime-limited");
    const end = caller.token.validTo!;
    for (const validTo of [null, "", later(end, 1000), inHours(24 * 365)]) {
      const reply = await as(caller.secret).post("/api/v1/tokens", { name: "Longer child", scopes: ["tokens:read"], validTo });
      const error = expectRefused(reply, 400, "invalid_request");
      expect(Object.keys(error.fields!)).toEqual(["validTo"]);
      expect(error.fields!.validTo!.join(" ")).toContain(end);
    }
    const listed = await api.call("GET", "/api/v1/tokens?q=Longer", { token: api.seed.root.secret });
    expect(listed.body.total).toBe(0);
  });

  test("a valid-from at or after the caller's end: 400 on validFrom", async () => {
    const caller = await oneHourCaller("Late start");
    const reply = await as(caller.secret).post("/api/v1/tokens", { name: "Starts too late", scopes: ["tokens:read"], validFrom: caller.token.validTo });
    expect(expectRefused(reply, 400, "invalid_request").fields!.validFrom!.join(" ")).toContain(caller.token.validTo!);
  });

  test("within the caller (its own end, an earlier one, fewer scopes) is created", async () => {
    const caller = await oneHourCaller("Within");
    const same = await as(caller.secret).post("/api/v1/tokens", { name: "Same end", scopes: MANAGE, validTo: caller.token.validTo });
    expect(same.status).toBe(201);
    const sooner = await as(caller.secret).post("/api/v1/tokens", { name: "Sooner", scopes: ["tokens:read"], validTo: inHours(0.5) });
    expect(sooner.status).toBe(201);
  });

  test("a token that never expires may make one that never expires, within its scopes", async () => {
    const caller = await mint("Forever manager", MANAGE, null);
    const child = await as(caller.secret).post("/api/v1/tokens", { name: "Forever child", scopes: ["tokens:read"] });
    expect(child.status).toBe(201);
    expect(child.body.token.validTo).toBeNull();
    expectRefused(await as(caller.secret).post("/api/v1/tokens", { name: "x", scopes: ["tokens:introspect"] }), 403, "insufficient_scope");
  });

  test("effective scopes: a scope withdrawn from the owner is not the token's to give, nor to hold while it edits itself", async () => {
    const caller = as(api.seed.narrowed.secret);
    const reply = await caller.post("/api/v1/tokens", { name: "x", scopes: ["tokens:introspect"] });
    expect(expectRefused(reply, 400, "invalid_request").fields!.scopes!.join(" ")).toMatch(/do not hold the scope tokens:introspect/);
    expect((await caller.post("/api/v1/tokens", { name: "Reader", scopes: ["tokens:read"] })).status).toBe(201);
    const self = await caller.patch(`/api/v1/tokens/${api.seed.narrowed.token.guid}`, { name: "Renamed" });
    expect(expectRefused(self, 403, "insufficient_scope").scope).toBe("tokens:introspect");
  });

  test("the child does not die with its parent: it is bounded by the parent's end, not chained to it", async () => {
    const parent = await oneHourCaller("Parent");
    const child = tokenWithSecretSchema.parse((await as(parent.secret).post("/api/v1/tokens", { name: "Orphan", scopes: ["tokens:read"] })).body);
    expect((await as(api.seed.root.secret).post(`/api/v1/tokens/${parent.token.guid}/revoke`)).status).toBe(200);
    expect((await api.call("GET", "/api/v1/me", { token: parent.secret })).status).toBe(401);
    const me = await api.call("GET", "/api/v1/me", { token: child.secret });
    expect(me.status).toBe(200);
    expect(me.body.token.validTo).toBe(parent.token.validTo);
  });
});

describe("editing", () => {
  test("a token cannot lengthen its own life: a later validTo or never is 400; a sooner one is fine", async () => {
    const caller = await oneHourCaller("Self editor");
    const self = `/api/v1/tokens/${caller.token.guid}`;
    for (const validTo of [null, later(caller.token.validTo!, 1000)]) {
      expect(expectRefused(await as(caller.secret).patch(self, { validTo }), 400, "invalid_request").fields).toHaveProperty("validTo");
    }
    await stillAsItWas(caller.token.guid, { name: "Self editor", scopes: MANAGE, validTo: caller.token.validTo });
    const sooner = inHours(0.5);
    const reply = await as(caller.secret).patch(self, { validTo: sooner });
    expect(reply.status).toBe(200);
    expect(reply.body.validTo).toBe(sooner);
  });

  test("a token cannot widen its own scopes (403), but may narrow them", async () => {
    const caller = await oneHourCaller("Self widener");
    const self = `/api/v1/tokens/${caller.token.guid}`;
    const reply = await as(caller.secret).patch(self, { scopes: ALL });
    expect(expectRefused(reply, 403, "insufficient_scope").scope).toBe("tokens:introspect");
    await stillAsItWas(caller.token.guid, { name: "Self widener", scopes: MANAGE, validTo: caller.token.validTo });
    expect((await as(caller.secret).patch(self, { scopes: ["tokens:write"] })).body.scopes).toEqual(["tokens:write"]);
  });

  test("a token with broader scopes than the caller cannot be edited at all, not even renamed: 403 naming them", async () => {
    const caller = await oneHourCaller("Narrow editor");
    const broad = await mint("Broad sibling", ALL, inHours(0.5));
    const reply = await as(caller.secret).patch(`/api/v1/tokens/${broad.token.guid}`, { name: "Mine now" });
    const error = expectRefused(reply, 403, "insufficient_scope");
    expect(error).toMatchObject({ scope: "tokens:introspect", message: expect.stringMatching(/cannot edit a token with the scope tokens:introspect/) });
    await stillAsItWas(broad.token.guid, { name: "Broad sibling", scopes: ALL, validTo: broad.token.validTo });
  });

  test("a token that outlives the caller cannot be edited: 403 insufficient_lifetime with the caller's end", async () => {
    const caller = await oneHourCaller("Short editor");
    for (const validTo of [inHours(2), null]) {
      const longer = await mint("Longer sibling", ["tokens:read"], validTo);
      const reply = await as(caller.secret).patch(`/api/v1/tokens/${longer.token.guid}`, { validTo: inHours(0.5) });
      expect(expectRefused(reply, 403, "insufficient_lifetime").validTo).toBe(caller.token.validTo);
      await stillAsItWas(longer.token.guid, { name: "Longer sibling", validTo });
    }
  });

  test("a sibling within reach can be edited, but not widened or lengthened beyond the caller", async () => {
    const caller = await oneHourCaller("Sibling editor");
    const sibling = await mint("Sibling", ["tokens:read"], inHours(0.5));
    const path = `/api/v1/tokens/${sibling.token.guid}`;
    expectRefused(await as(caller.secret).patch(path, { scopes: ["tokens:introspect", "tokens:read"] }), 403, "insufficient_scope");
    expectRefused(await as(caller.secret).patch(path, { validTo: null }), 400, "invalid_request");
    expectRefused(await as(caller.secret).patch(path, { validTo: inHours(3) }), 400, "invalid_request");
    await stillAsItWas(sibling.token.guid, { name: "Sibling", scopes: ["tokens:read"], validTo: sibling.token.validTo });
    const reply = await as(caller.secret).patch(path, { name: "Sibling (renamed)", scopes: MANAGE, validTo: caller.token.validTo });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ name: "Sibling (renamed)", scopes: MANAGE, validTo: caller.token.validTo });
  });
});

describe("rotating", () => {
  test("rotating a broader token would hand over a broader secret: 403, and its secret keeps working", async () => {
    const caller = await oneHourCaller("Narrow rotator");
    const broad = await mint("Broad rotated", ALL, inHours(0.5));
    const reply = await as(caller.secret).post(`/api/v1/tokens/${broad.token.guid}/rotate`);
    expect(expectRefused(reply, 403, "insufficient_scope").scope).toBe("tokens:introspect");
    expect(reply.text).not.toMatch(/tgp_/);
    expect((await api.call("GET", "/api/v1/me", { token: broad.secret })).status).toBe(200);
  });

  test("rotating a token that outlives the caller: 403 insufficient_lifetime, and its secret keeps working", async () => {
    const caller = await oneHourCaller("Short rotator");
    const longer = await mint("Longer rotated", ["tokens:read"], null);
    const reply = await as(caller.secret).post(`/api/v1/tokens/${longer.token.guid}/rotate`, { overlapSeconds: 0 });
    expect(expectRefused(reply, 403, "insufficient_lifetime").validTo).toBe(caller.token.validTo);
    expect((await api.call("GET", "/api/v1/me", { token: longer.secret })).status).toBe(200);
  });

  test("a token may rotate itself and tokens within its reach; their lifetimes do not change", async () => {
    const caller = await oneHourCaller("Rotator");
    const sibling = await mint("Rotated sibling", ["tokens:read"], inHours(0.5));
    const rotated = await as(caller.secret).post(`/api/v1/tokens/${sibling.token.guid}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.token.validTo).toBe(sibling.token.validTo);
    expect((await api.call("GET", "/api/v1/me", { token: rotated.body.secret })).status).toBe(200);

    const self = await as(caller.secret).post(`/api/v1/tokens/${caller.token.guid}/rotate`);
    expect(self.status).toBe(200);
    expect(self.body.token.validTo).toBe(caller.token.validTo);
    expect((await api.call("GET", "/api/v1/me", { token: self.body.secret })).body.token.validTo).toBe(caller.token.validTo);
  });
});

describe("revoking and deleting", () => {
  test("any token with tokens:write may revoke a broader one: stopping a token gives the caller nothing", async () => {
    const caller = await oneHourCaller("Revoker");
    const broad = await mint("Broad revoked", ALL, null);
    const reply = await as(caller.secret).post(`/api/v1/tokens/${broad.token.guid}/revoke`);
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe("revoked");
    expect((await api.call("GET", "/api/v1/me", { token: broad.secret })).status).toBe(401);
  });

  test("deleting erases the record, so only tokens within reach: a broader or longer-lived one is 403 and stays", async () => {
    const caller = await oneHourCaller("Deleter");
    const broad = await mint("Broad kept", ALL, inHours(0.5));
    expectRefused(await as(caller.secret).del(`/api/v1/tokens/${broad.token.guid}`), 403, "insufficient_scope");
    const longer = await mint("Longer kept", ["tokens:read"], null);
    expectRefused(await as(caller.secret).del(`/api/v1/tokens/${longer.token.guid}`), 403, "insufficient_lifetime");
    for (const kept of [broad, longer]) expect((await api.call("GET", "/api/v1/me", { token: kept.secret })).status).toBe(200);

    const within = await mint("Deleted", ["tokens:read"], inHours(0.5));
    expect((await as(caller.secret).del(`/api/v1/tokens/${within.token.guid}`)).status).toBe(204);
    expect((await api.call("GET", "/api/v1/me", { token: within.secret })).status).toBe(401);
  });

  test("another user's token is still not found, however broad the caller", async () => {
    const caller = await oneHourCaller("Stranger");
    const reply = await as(caller.secret).del(`/api/v1/tokens/${api.seed.narrowed.token.guid}`);
    expectRefused(reply, 404, "not_found");
  });
});
