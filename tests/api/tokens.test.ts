import { errorSchema, tokenPageSchema } from "@/lib/api/schemas";
import { tokenSchema, tokenWithSecretSchema } from "@/lib/tokens/contract";
import { createToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { useSeededServer, type Call } from "./http";

// Each test makes a few HTTP calls to a real server on a shared, busy machine.
jest.setTimeout(30_000);

/** Token management over the API: the same operations as the token page, on the caller's own tokens only. */

const HOUR = 3600_000;


async function seedTokens() {
  const owner = await createUser({ name: "Grace Hopper", scopes: ["tokens:read", "tokens:write"] });
  const admin = await createToken(owner.id, { name: "Admin automation", scopes: ["tokens:read", "tokens:write"] });
  // For the list: names, scopes and states to filter and sort by.
  const listed = [];
  for (const name of ["Nightly backup", "Backup verifier", "Release pipeline", "Staging deploy"]) {
    listed.push(await createToken(owner.id, { name, scopes: /backup/i.test(name) ? ["tokens:read"] : ["tokens:read", "tokens:write"] }));
  }
  // Enough tokens for a second page of ten.
  for (let i = 1; i <= 10; i++) await createToken(owner.id, { name: `Filler ${String(i).padStart(2, "0")}`, scopes: ["tokens:read"] });
  const twoHoursAgo = new Date(Date.now() - 2 * HOUR);
  const expired = await createToken(
    owner.id,
    { name: "Expired backup", scopes: ["tokens:read"], validTo: new Date(twoHoursAgo.getTime() + HOUR).toISOString() },
    twoHoursAgo,
  );
  const stranger = await createUser({ name: "Someone Else", scopes: ["tokens:read", "tokens:write"] });
  const strangers = await createToken(stranger.id, { name: "Not yours", scopes: ["tokens:read", "tokens:write"] });
  return { owner, admin, listed, expired, stranger, strangers };
}

const api = useSeededServer(seedTokens, { AUTH_FAILURE_LIMIT: "10000", USAGE_FLUSH_SECONDS: "1" });

const asAdmin = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  api.call(method, path, { token: api.seed.admin.secret, body, headers });

async function newToken(name: string, extra: Record<string, unknown> = {}) {
  const reply = await asAdmin("POST", "/api/v1/tokens", { name, scopes: ["tokens:read"], ...extra });
  expect(reply.status).toBe(201);
  return tokenWithSecretSchema.strict().parse(reply.body);
}

function expectFieldError(reply: Awaited<ReturnType<Call>>, field: string, message?: RegExp) {
  expect(reply.status).toBe(400);
  const { error } = errorSchema.strict().parse(reply.body);
  expect(error.code).toBe("invalid_request");
  expect(error.fields?.[field]?.length).toBeGreaterThan(0);
  if (message) expect(error.fields?.[field]?.join(" ")).toMatch(message);
}

describe("POST /api/v1/tokens", () => {
  test("creates a token: 201, Location, the secret once, and the secret works", async () => {
    const reply = await asAdmin("POST", "/api/v1/tokens", { name: "  CI deploy ", description: "GitHub Actions", scopes: ["tokens:read"] });
    expect(reply.status).toBe(201);
    const { token, secret } = tokenWithSecretSchema.strict().parse(reply.body);
    expect(reply.headers.get("location")).toBe(`/api/v1/tokens/${token.guid}`);
    expect(reply.headers.get("cache-control")).toBe("no-store");
    expect(token).toMatchObject({ name: "CI deploy", description: "GitHub Actions", scopes: ["tokens:read"], status: "active", validTo: null, lastUsedAt: null });
    expect(secret).toMatch(/^tgp_[0-9A-Za-z]{36}$/);
    expect(token.partial.startsWith(secret.slice(0, 8))).toBe(true);

    const me = await api.call("GET", "/api/v1/me", { token: secret });
    expect(me.body.token.guid).toBe(token.guid);
    const fetched = await asAdmin("GET", reply.headers.get("location")!);
    expect(fetched.status).toBe(200);
    expect(fetched.text).not.toContain(secret);
  });

  test("takes a GUID chosen by the client, and refuses one already in use", async () => {
    const guid = "9b2f6c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f";
    expect((await newToken("Chosen GUID", { guid })).token.guid).toBe(guid);
    expectFieldError(await asAdmin("POST", "/api/v1/tokens", { name: "Again", scopes: ["tokens:read"], guid }), "guid", /already in use/);
  });

  test("missing fields are named", async () => {
    const reply = await asAdmin("POST", "/api/v1/tokens", {});
    expectFieldError(reply, "name", /required/);
    expectFieldError(reply, "scopes");
  });

  test("fields of the wrong type are named", async () => {
    const reply = await asAdmin("POST", "/api/v1/tokens", { name: 42, scopes: "tokens:read", validTo: 1234 });
    expectFieldError(reply, "name");
    expectFieldError(reply, "scopes");
    expectFieldError(reply, "validTo");
  });

  test("a scope the owner does not hold is refused on the scopes field", async () => {
    expectFieldError(await asAdmin("POST", "/api/v1/tokens", { name: "Sneaky", scopes: ["tokens:introspect"] }), "scopes", /tokens:introspect/);
  });

  test("dates in the past and inverted windows are refused", async () => {
    const past = new Date(Date.now() - 24 * HOUR).toISOString();
    expectFieldError(await asAdmin("POST", "/api/v1/tokens", { name: "Back to the future", scopes: ["tokens:read"], validTo: past }), "validTo");
    const later = new Date(Date.now() + 48 * HOUR).toISOString();
    const sooner = new Date(Date.now() + 24 * HOUR).toISOString();
    expectFieldError(
      await asAdmin("POST", "/api/v1/tokens", { name: "Inverted", scopes: ["tokens:read"], validFrom: later, validTo: sooner }),
      "validTo",
      /after/,
    );
  });
});

describe("request bodies", () => {
  test("a body that is not JSON: 400 saying so", async () => {
    const reply = await asAdmin("POST", "/api/v1/tokens", "{name: oops", { "content-type": "application/json" });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ code: "invalid_request", message: expect.stringMatching(/not valid JSON/) });
  });

  test.each([["an array", "[]"], ["a string", '"name"'], ["null", "null"]])("JSON that is %s instead of an object: 400", async (_, body) => {
    const reply = await asAdmin("POST", "/api/v1/tokens", body, { "content-type": "application/json" });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/JSON object/);
  });

  test("an empty body where one is required: 400", async () => {
    const reply = await asAdmin("POST", "/api/v1/tokens", "", { "content-type": "application/json" });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/empty/);
  });

  test("a body over 16 KiB: 413", async () => {
    const reply = await asAdmin("POST", "/api/v1/tokens", { name: "Big", scopes: ["tokens:read"], description: "x".repeat(17 * 1024) });
    expect(reply.status).toBe(413);
    expect(errorSchema.strict().parse(reply.body).error).toMatchObject({ code: "payload_too_large", message: expect.stringMatching(/16 KiB/) });
  });

  test("a body that is not declared as JSON: 415 naming the content type to use", async () => {
    const reply = await asAdmin("POST", "/api/v1/tokens", "name=x&scopes=tokens:read", { "content-type": "application/x-www-form-urlencoded" });
    expect(reply.status).toBe(415);
    expect(reply.body.error).toMatchObject({ code: "unsupported_media_type", message: expect.stringContaining("application/json") });
  });
});

describe("unknown fields and dates without a time zone", () => {
  const countNamed = async (q: string) => tokenPageSchema.parse((await asAdmin("GET", `/api/v1/tokens?q=${q}`)).body).total;

  test.each([
    ["valid_to", /Did you mean validTo\?/],
    ["expires_at", /accepted fields are: name, description, scopes, validFrom, validTo, guid/],
  ])("POST with %s: 400 naming it, and no token is made (it would have never expired)", async (field, message) => {
    const name = `Strict ${field}`;
    const reply = await asAdmin("POST", "/api/v1/tokens", { name, scopes: ["tokens:read"], [field]: "2030-01-01T00:00:00Z" });
    expectFieldError(reply, field, message);
    expect(Object.keys(reply.body.error.fields)).toEqual([field]);
    expect(await countNamed(encodeURIComponent(name))).toBe(0);
  });

  test("PATCH with a misspelt field: 400 naming it, and nothing changes", async () => {
    const { token } = await newToken("Not renamed");
    const reply = await asAdmin("PATCH", `/api/v1/tokens/${token.guid}`, { nmae: "x" });
    expectFieldError(reply, "nmae", /Unknown field\. Did you mean name\?/);
    const unchanged = tokenSchema.parse((await asAdmin("GET", `/api/v1/tokens/${token.guid}`)).body);
    expect(unchanged).toMatchObject({ name: "Not renamed", updatedAt: token.updatedAt });
  });

  test("PATCH cannot name a GUID (it is not editable), nor any field beside valid ones", async () => {
    const { token } = await newToken("Keeps its GUID");
    const reply = await asAdmin("PATCH", `/api/v1/tokens/${token.guid}`, { name: "Moved", guid: "9b2f6c1e-7a4d-4e8b-9c0f-1a2b3c4d5eff" });
    expectFieldError(reply, "guid", /Unknown field/);
    expect((await asAdmin("GET", `/api/v1/tokens/${token.guid}`)).body.name).toBe("Keeps its GUID");
  });

  test("rotate with an unknown option: 400, and the secret is not replaced", async () => {
    const { token, secret } = await newToken("Not rotated");
    expectFieldError(await asAdmin("POST", `/api/v1/tokens/${token.guid}/rotate`, { overlap: 3600 }), "overlap", /Did you mean overlapSeconds\?/);
    expect((await api.call("GET", "/api/v1/me", { token: secret })).status).toBe(200);
  });

  test.each(["2030-01-01T00:00:00", "2030-01-01T00:00", "2030-01-01 00:00:00"])(
    "a date-time without a time zone (%s): 400 asking for Z or an offset",
    async (date) => {
      const created = await asAdmin("POST", "/api/v1/tokens", { name: "Zoneless", scopes: ["tokens:read"], validTo: date });
      expectFieldError(created, "validTo", /time zone.*Z.*offset/);
      const { token } = await newToken("Zoneless edit");
      expectFieldError(await asAdmin("PATCH", `/api/v1/tokens/${token.guid}`, { validFrom: date }), "validFrom", /time zone.*Z.*offset/);
    },
  );

  test("with a zone, the same instant is accepted: Z and an offset", async () => {
    expect((await newToken("Zoned Z", { validTo: "2030-01-01T00:00:00Z" })).token.validTo).toBe("2030-01-01T00:00:00.000Z");
    expect((await newToken("Zoned offset", { validTo: "2030-01-01T00:00:00+01:00" })).token.validTo).toBe("2029-12-31T23:00:00.000Z");
  });
});

describe("GET /api/v1/tokens", () => {
  const names = (reply: Awaited<ReturnType<Call>>) => tokenPageSchema.strict().parse(reply.body).tokens.map((t) => t.name);

  test("lists only the caller's own tokens, newest first", async () => {
    const reply = await asAdmin("GET", "/api/v1/tokens?perPage=100");
    expect(reply.status).toBe(200);
    const page = tokenPageSchema.strict().parse(reply.body);
    expect(page.tokens.map((t) => t.guid)).not.toContain(api.seed.strangers.token.guid);
    expect(page.tokens.map((t) => t.guid)).toContain(api.seed.admin.token.guid);
    const created = page.tokens.map((t) => t.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
  });

  test("keywords: every word must match, in any case", async () => {
    expect(names(await asAdmin("GET", "/api/v1/tokens?q=BACKUP%20nightly")).sort()).toEqual(["Nightly backup"]);
    expect(names(await asAdmin("GET", "/api/v1/tokens?q=backup&sort=name&order=asc"))).toEqual(["Backup verifier", "Expired backup", "Nightly backup"]);
  });

  test("status, scope and GUID filters", async () => {
    expect(names(await asAdmin("GET", "/api/v1/tokens?q=backup&status=inactive"))).toEqual(["Expired backup"]);
    expect(names(await asAdmin("GET", "/api/v1/tokens?q=backup&status=active&sort=name"))).toEqual(["Nightly backup", "Backup verifier"]);
    const writers = names(await asAdmin("GET", "/api/v1/tokens?scope=tokens:write&perPage=100"));
    expect(writers).toEqual(expect.arrayContaining(["Release pipeline", "Staging deploy", "Admin automation"]));
    expect(writers).not.toContain("Nightly backup");
    const byGuid = await asAdmin("GET", `/api/v1/tokens?guid=${api.seed.listed[2]!.token.guid.toUpperCase()}`);
    expect(names(byGuid)).toEqual(["Release pipeline"]);
    expect(names(await asAdmin("GET", `/api/v1/tokens?guid=${api.seed.strangers.token.guid}`))).toEqual([]);
  });

  test("the GUID filter takes the first 8 or more characters, as the token page shows them", async () => {
    const { guid } = api.seed.listed[1]!.token;
    const page = tokenPageSchema.strict().parse((await asAdmin("GET", `/api/v1/tokens?guid=${guid.slice(0, 8).toUpperCase()}`)).body);
    expect(page.tokens.map((t) => t.guid)).toEqual([guid]);
    expect(page.total).toBe(1);
    expect(names(await asAdmin("GET", `/api/v1/tokens?guid=${guid.slice(0, 13)}`))).toEqual(["Backup verifier"]);
    expect(names(await asAdmin("GET", `/api/v1/tokens?guid=${api.seed.strangers.token.guid.slice(0, 8)}`))).toEqual([]);
  });

  test("pages", async () => {
    const all = tokenPageSchema.parse((await asAdmin("GET", "/api/v1/tokens?perPage=100&sort=name&order=asc")).body);
    expect(all.total).toBeGreaterThan(15);
    const second = tokenPageSchema.parse((await asAdmin("GET", "/api/v1/tokens?perPage=10&page=2&sort=name&order=asc")).body);
    expect(second).toMatchObject({ page: 2, perPage: 10, total: all.total, pageCount: Math.ceil(all.total / 10) });
    expect(second.tokens.map((t) => t.guid)).toEqual(all.tokens.slice(10, 20).map((t) => t.guid));
  });

  test.each([
    ["status=bogus", "status", /all, active, inactive/],
    ["sort=colour", "sort", /name, status, created, lastUsed, expires/],
    ["order=sideways", "order", /asc or desc/],
    ["perPage=7", "perPage", /10, 20, 50, 100/],
    ["page=0", "page", /starts at 1/],
    ["page=two", "page", /number/],
    ["guid=123", "guid", /at least the first 8 characters of the GUID/],
    ["guid=3f2b8c1", "guid", /at least the first 8 characters of the GUID/],
    ["guid=3f2b8c1z", "guid", /only the hex digits/],
    ["guid=3f2b-8c1e", "guid", /hyphens where a GUID has them/],
    ["colour=red", "colour", /Unknown query parameter.*q, guid, scope, status, unused, sort, order, page, perPage/],
    ["status=active&status=all", "status", /once/],
  ])("?%s: 400 naming %s and what is allowed", async (query, field, message) => {
    const reply = await asAdmin("GET", `/api/v1/tokens?${query}`);
    expectFieldError(reply, field, message);
  });
});

describe("GET, PATCH, DELETE /api/v1/tokens/{guid}", () => {
  test("GET returns the token", async () => {
    const reply = await asAdmin("GET", `/api/v1/tokens/${api.seed.listed[0]!.token.guid}`);
    expect(reply.status).toBe(200);
    expect(tokenSchema.strict().parse(reply.body)).toMatchObject({ guid: api.seed.listed[0]!.token.guid, name: "Nightly backup" });
  });

  test("PATCH changes what it names and leaves the rest; the secret keeps working", async () => {
    const { token, secret } = await newToken("Before", { description: "unchanged" });
    const validTo = new Date(Date.now() + 30 * 24 * HOUR).toISOString();
    const reply = await asAdmin("PATCH", `/api/v1/tokens/${token.guid}`, { name: "After", validTo });
    expect(reply.status).toBe(200);
    expect(tokenSchema.strict().parse(reply.body)).toMatchObject({ name: "After", description: "unchanged", scopes: ["tokens:read"], validTo });
    const cleared = await asAdmin("PATCH", `/api/v1/tokens/${token.guid}`, { validTo: null });
    expect(cleared.body.validTo).toBeNull();
    expect((await api.call("GET", "/api/v1/me", { token: secret })).status).toBe(200);
  });

  test("PATCH with invalid fields names them and changes nothing", async () => {
    const { token } = await newToken("Stays");
    expectFieldError(await asAdmin("PATCH", `/api/v1/tokens/${token.guid}`, { name: "", scopes: [] }), "name");
    expectFieldError(await asAdmin("PATCH", `/api/v1/tokens/${token.guid}`, { scopes: [1] }), "scopes");
    expect((await asAdmin("GET", `/api/v1/tokens/${token.guid}`)).body.name).toBe("Stays");
  });

  test("DELETE: 204, then the token is gone and its secret stops working", async () => {
    const { token, secret } = await newToken("Short-lived");
    const reply = await asAdmin("DELETE", `/api/v1/tokens/${token.guid}`);
    expect(reply.status).toBe(204);
    expect(reply.text).toBe("");
    expect((await asAdmin("GET", `/api/v1/tokens/${token.guid}`)).status).toBe(404);
    expect((await api.call("GET", "/api/v1/me", { token: secret })).status).toBe(401);
    expect((await asAdmin("DELETE", `/api/v1/tokens/${token.guid}`)).status).toBe(404);
  });

  test("a GUID that is not a GUID is simply not found", async () => {
    const reply = await asAdmin("GET", "/api/v1/tokens/not-a-guid");
    expect(reply.status).toBe(404);
    expect(errorSchema.strict().parse(reply.body).error.code).toBe("not_found");
  });
});

describe("revoke and rotate", () => {
  test("revoke: inactive at once, validTo set to the revocation time; revoking again changes nothing", async () => {
    const { token, secret } = await newToken("To revoke");
    const reply = await asAdmin("POST", `/api/v1/tokens/${token.guid}/revoke`);
    expect(reply.status).toBe(200);
    const revoked = tokenSchema.strict().parse(reply.body);
    expect(revoked.status).toBe("revoked");
    expect(revoked.validTo).toBe(revoked.revokedAt);
    expect((await api.call("GET", "/api/v1/me", { token: secret })).status).toBe(401);
    const again = await asAdmin("POST", `/api/v1/tokens/${token.guid}/revoke`);
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(revoked.revokedAt);
  });

  test("revoking an expired token is a conflict (409) with an explanation", async () => {
    const reply = await asAdmin("POST", `/api/v1/tokens/${api.seed.expired.token.guid}/revoke`);
    expect(reply.status).toBe(409);
    expect(errorSchema.strict().parse(reply.body).error).toMatchObject({ code: "conflict", message: expect.stringMatching(/expired/) });
  });

  test("rotate without overlap: a new secret, same token; the old secret stops at once", async () => {
    const { token, secret: old } = await newToken("Rotate now");
    const reply = await asAdmin("POST", `/api/v1/tokens/${token.guid}/rotate`);
    expect(reply.status).toBe(200);
    const rotated = tokenWithSecretSchema.strict().parse(reply.body);
    expect(rotated.token).toMatchObject({ guid: token.guid, name: "Rotate now", scopes: ["tokens:read"] });
    expect(rotated.secret).not.toBe(old);
    expect((await api.call("GET", "/api/v1/me", { token: rotated.secret })).status).toBe(200);
    const oldReply = await api.call("GET", "/api/v1/me", { token: old });
    expect(oldReply.status).toBe(401);
    expect(oldReply.body.error.code).toBe("invalid_token");
  });

  test("rotate with overlapSeconds: the old secret keeps working during the overlap", async () => {
    const { token, secret: old } = await newToken("Rotate gently");
    const reply = await asAdmin("POST", `/api/v1/tokens/${token.guid}/rotate`, { overlapSeconds: 3600 });
    expect(reply.status).toBe(200);
    expect((await api.call("GET", "/api/v1/me", { token: old })).body.token.guid).toBe(token.guid);
    expect((await api.call("GET", "/api/v1/me", { token: reply.body.secret })).body.token.guid).toBe(token.guid);
  });

  test("rotate with a bad overlap names the field; a revoked token cannot be rotated (409)", async () => {
    const { token } = await newToken("Rotate badly");
    expectFieldError(await asAdmin("POST", `/api/v1/tokens/${token.guid}/rotate`, { overlapSeconds: "an hour" }), "overlapSeconds");
    expectFieldError(await asAdmin("POST", `/api/v1/tokens/${token.guid}/rotate`, { overlapSeconds: -5 }), "overlapSeconds", /negative/);
    await asAdmin("POST", `/api/v1/tokens/${token.guid}/revoke`);
    expect((await asAdmin("POST", `/api/v1/tokens/${token.guid}/rotate`)).status).toBe(409);
  });
});

describe("end-overlap", () => {
  const endOverlap = (guid: string, token = api.seed.admin.secret) => api.call("POST", `/api/v1/tokens/${guid}/end-overlap`, { token });
  const meWith = async (secret: string) => (await api.call("GET", "/api/v1/me", { token: secret })).status;

  test("during an overlap both secrets work and the token says until when; right after, only the new one does", async () => {
    const { token, secret: old } = await newToken("Overlap to end");
    const before = Date.now();
    const rotated = tokenWithSecretSchema.strict().parse((await asAdmin("POST", `/api/v1/tokens/${token.guid}/rotate`, { overlapSeconds: 3600 })).body);
    const until = Date.parse(rotated.token.previousSecretExpiresAt!);
    expect(until).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect((await asAdmin("GET", `/api/v1/tokens/${token.guid}`)).body.previousSecretExpiresAt).toBe(rotated.token.previousSecretExpiresAt);
    expect([await meWith(old), await meWith(rotated.secret)]).toEqual([200, 200]);

    const reply = await endOverlap(token.guid);
    expect(reply.status).toBe(200);
    // The same token, overlap gone ("last used" may have moved with the calls above).
    const ended = tokenSchema.strict().parse(reply.body);
    const use = { lastUsedAt: ended.lastUsedAt, lastUsedIp: ended.lastUsedIp, lastUsedUserAgent: ended.lastUsedUserAgent };
    expect(ended).toEqual({ ...rotated.token, ...use, previousSecretExpiresAt: null });
    const refused = await api.call("GET", "/api/v1/me", { token: old });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe("invalid_token");
    expect(await meWith(rotated.secret)).toBe(200);
    expect((await asAdmin("GET", `/api/v1/tokens/${token.guid}`)).body.previousSecretExpiresAt).toBeNull();
  });

  test("with no overlap in force: 409 conflict saying so, and the secret keeps working", async () => {
    const { token, secret } = await newToken("Nothing to end");
    const reply = await endOverlap(token.guid);
    expect(reply.status).toBe(409);
    expect(errorSchema.strict().parse(reply.body).error).toEqual({
      code: "conflict",
      message: "This token has no previous secret that still works: there is no overlap to end.",
    });
    expect(await meWith(secret)).toBe(200);
  });

  test("another user's token in an overlap: 404, and its previous secret keeps working", async () => {
    const theirs = await api.call("POST", "/api/v1/tokens", { token: api.seed.strangers.secret, body: { name: "Theirs", scopes: ["tokens:read"] } });
    const { token, secret: old } = tokenWithSecretSchema.parse(theirs.body);
    await api.call("POST", `/api/v1/tokens/${token.guid}/rotate`, { token: api.seed.strangers.secret, body: { overlapSeconds: 600 } });
    const reply = await endOverlap(token.guid);
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual((await endOverlap("00000000-0000-4000-8000-000000000000")).body);
    expect(await meWith(old)).toBe(200);
  });

  test("needs tokens:write", async () => {
    const reader = await newToken("Reader");
    const reply = await endOverlap(reader.token.guid, reader.secret);
    expect(reply.status).toBe(403);
    expect(reply.body.error).toMatchObject({ code: "insufficient_scope", scope: "tokens:write" });
  });
});

describe("another user's token", () => {
  test.each([
    ["GET", ""],
    ["PATCH", ""],
    ["DELETE", ""],
    ["POST", "/revoke"],
    ["POST", "/rotate"],
    ["POST", "/end-overlap"],
  ])("%s …%s: 404, exactly like an unknown GUID", async (method, suffix) => {
    const body = method === "PATCH" ? { name: "Mine now" } : undefined;
    const theirs = await asAdmin(method, `/api/v1/tokens/${api.seed.strangers.token.guid}${suffix}`, body);
    const unknown = await asAdmin(method, `/api/v1/tokens/00000000-0000-4000-8000-000000000000${suffix}`, body);
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(unknown.body);
  });

  test("and it is untouched: still active, same name, same secret", async () => {
    const reply = await api.call("GET", `/api/v1/tokens/${api.seed.strangers.token.guid}`, { token: api.seed.strangers.secret });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ name: "Not yours", status: "active" });
  });
});

describe("last used", () => {
  test("a successful call records when, from where and with what; editing time is untouched", async () => {
    const { token, secret } = await newToken("Watched");
    const before = Date.now();
    expect((await api.call("GET", "/api/v1/me", { token: secret, headers: { "user-agent": "tollgate-tests/1.0" } })).status).toBe(200);

    // Written by the server's batcher within a few seconds: poll rather than sleep.
    let seen = tokenSchema.parse((await asAdmin("GET", `/api/v1/tokens/${token.guid}`)).body);
    for (let tries = 0; !seen.lastUsedAt && tries < 120; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      seen = tokenSchema.parse((await asAdmin("GET", `/api/v1/tokens/${token.guid}`)).body);
    }
    expect(seen.lastUsedAt).not.toBeNull();
    expect(Date.parse(seen.lastUsedAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(seen.lastUsedIp).toBe("127.0.0.1");
    expect(seen.lastUsedUserAgent).toBe("tollgate-tests/1.0");
    expect(seen.updatedAt).toBe(token.updatedAt);
  }, 60_000);
});
