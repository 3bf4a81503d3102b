import { introspectionSchema } from "@/lib/api/schemas";
import { withdrawScope } from "@/lib/scopes/service";
import { generateSecret } from "@/lib/tokens/secret";
import { createToken, revokeToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { useSeededServer } from "./http";

// Each test makes a few HTTP calls to a real server on a shared, busy machine.
jest.setTimeout(30_000);

/** POST /api/v1/introspect (RFC 7662): a service holding tokens:introspect asks about any token. */

const HOUR = 3600_000;


async function seedTokens() {
  const service = await createUser({ name: "Gateway service", scopes: ["tokens:introspect", "tokens:read"] });
  const gateway = await createToken(service.id, { name: "Gateway", scopes: ["tokens:introspect"] });
  const withoutIntrospect = await createToken(service.id, { name: "Reader", scopes: ["tokens:read"] });

  const user = await createUser({ name: "Alan Turing", scopes: ["tokens:read", "tokens:write"] });
  const validTo = new Date(Date.now() + 30 * 24 * HOUR);
  const active = await createToken(user.id, { name: "Laptop", scopes: ["tokens:read", "tokens:write"], validTo: validTo.toISOString() });
  const forever = await createToken(user.id, { name: "Server", scopes: ["tokens:read"] });
  const revoked = await createToken(user.id, { name: "Revoked", scopes: ["tokens:read"] });
  await revokeToken(user.id, revoked.token.guid);
  const twoHoursAgo = new Date(Date.now() - 2 * HOUR);
  const expired = await createToken(
    user.id,
    { name: "Expired", scopes: ["tokens:read"], validTo: new Date(twoHoursAgo.getTime() + HOUR).toISOString() },
    twoHoursAgo,
  );
  const scheduled = await createToken(user.id, {
    name: "Scheduled",
    scopes: ["tokens:read"],
    validFrom: new Date(Date.now() + 24 * HOUR).toISOString(),
  });
  const demoted = await createUser({ scopes: ["tokens:read", "tokens:write"] });
  const narrowed = await createToken(demoted.id, { name: "Narrowed", scopes: ["tokens:read", "tokens:write"] });
  await withdrawScope(demoted.id, "tokens:write");
  return { service, gateway, withoutIntrospect, user, active, forever, revoked, expired, scheduled, narrowed, demoted };
}

const api = useSeededServer(seedTokens, { AUTH_FAILURE_LIMIT: "10000" });

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

function introspectForm(token: string, caller = api.seed.gateway.secret) {
  return api.call("POST", "/api/v1/introspect", { token: caller, body: new URLSearchParams({ token }).toString(), headers: FORM });
}

test("an active token, form-encoded as RFC 7662 says: its scopes, owner and validity", async () => {
  const reply = await introspectForm(api.seed.active.secret);
  expect(reply.status).toBe(200);
  expect(reply.headers.get("cache-control")).toBe("no-store");
  const { token } = api.seed.active;
  expect(introspectionSchema.parse(reply.body)).toEqual({
    active: true,
    scope: "tokens:read tokens:write",
    client_id: token.guid,
    guid: token.guid,
    username: api.seed.user.email,
    sub: api.seed.user.id,
    token_type: "Bearer",
    iat: seconds(token.createdAt),
    nbf: seconds(token.validFrom),
    exp: seconds(token.validTo!),
  });
});

test("the same question as JSON gets the same answer", async () => {
  const form = await introspectForm(api.seed.active.secret);
  const json = await api.call("POST", "/api/v1/introspect", { token: api.seed.gateway.secret, body: { token: api.seed.active.secret } });
  expect(json.status).toBe(200);
  expect(json.body).toEqual(form.body);
});

test("a token that never expires has no exp", async () => {
  const reply = await introspectForm(api.seed.forever.secret);
  expect(reply.body.active).toBe(true);
  expect(reply.body).not.toHaveProperty("exp");
});

test("scope lists the effective scopes: what the owner still holds", async () => {
  const reply = await introspectForm(api.seed.narrowed.secret);
  expect(reply.body).toMatchObject({ active: true, scope: "tokens:read", sub: api.seed.demoted.id });
});

test.each([
  ["a revoked token", () => api.seed.revoked.secret],
  ["an expired token", () => api.seed.expired.secret],
  ["a not yet valid token", () => api.seed.scheduled.secret],
  ["an unknown token", () => generateSecret()],
  ["a malformed token", () => "tgp_not-a-token"],
  ["a token with a wrong checksum", () => api.seed.active.secret.slice(0, -1) + (api.seed.active.secret.endsWith("A") ? "B" : "A")],
])("%s: {\"active\": false} and nothing else", async (_, secret) => {
  const reply = await introspectForm(secret());
  expect(reply.status).toBe(200);
  expect(reply.body).toEqual({ active: false });
});

test("a caller without tokens:introspect gets 403 naming it", async () => {
  const reply = await introspectForm(api.seed.active.secret, api.seed.withoutIntrospect.secret);
  expect(reply.status).toBe(403);
  expect(reply.body.error).toMatchObject({ code: "insufficient_scope", scope: "tokens:introspect" });
});

test("a caller without a valid token gets 401, whatever it asks about", async () => {
  const reply = await introspectForm(api.seed.active.secret, api.seed.revoked.secret);
  expect(reply.status).toBe(401);
  expect(reply.body.error.code).toBe("invalid_token");
});

describe("bad requests", () => {
  test.each([
    ["no token parameter", "token_type_hint=access_token", FORM],
    ["an empty token parameter", "token=", FORM],
    ["JSON without a token member", JSON.stringify({ secret: "x" }), { "content-type": "application/json" }],
    ["a token that is not a string", JSON.stringify({ token: 42 }), { "content-type": "application/json" }],
  ])("%s: 400 naming the token field", async (_, body, headers) => {
    const reply = await api.call("POST", "/api/v1/introspect", { token: api.seed.gateway.secret, body, headers });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("invalid_request");
    expect(reply.body.error.fields.token).toEqual([expect.stringContaining("token")]);
  });

  test.each([
    ["an unknown form parameter", "token=tgp_x&client_id=gateway", FORM, "client_id"],
    ["the token twice", "token=tgp_a&token=tgp_b", FORM, "token"],
    ["an unknown JSON member", JSON.stringify({ token: "tgp_x", tokne: "tgp_y" }), { "content-type": "application/json" }, "tokne"],
  ])("%s: 400 naming it", async (_, body, headers, field) => {
    const reply = await api.call("POST", "/api/v1/introspect", { token: api.seed.gateway.secret, body, headers });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("invalid_request");
    expect(Object.keys(reply.body.error.fields)).toEqual([field]);
  });

  test("token_type_hint, the one other parameter RFC 7662 defines, is accepted as a form and as JSON", async () => {
    const form = new URLSearchParams({ token: api.seed.active.secret, token_type_hint: "access_token" }).toString();
    const asForm = await api.call("POST", "/api/v1/introspect", { token: api.seed.gateway.secret, body: form, headers: FORM });
    expect(asForm.body).toMatchObject({ active: true, guid: api.seed.active.token.guid });
    const asJson = await api.call("POST", "/api/v1/introspect", {
      token: api.seed.gateway.secret,
      body: { token: api.seed.active.secret, token_type_hint: "access_token" },
    });
    expect(asJson.body).toEqual(asForm.body);
  });

  test("JSON that does not parse: 400", async () => {
    const reply = await api.call("POST", "/api/v1/introspect", { token: api.seed.gateway.secret, body: "{token", headers: { "content-type": "application/json" } });
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/not valid JSON/);
  });

  test("another content type: 415 naming the two it accepts", async () => {
    const reply = await api.call("POST", "/api/v1/introspect", { token: api.seed.gateway.secret, body: api.seed.active.secret, headers: { "content-type": "text/plain" } });
    expect(reply.status).toBe(415);
    expect(reply.body.error.message).toMatch(/x-www-form-urlencoded.*JSON/);
  });

  test("a body over 16 KiB: 413", async () => {
    const reply = await introspectForm("x".repeat(17 * 1024));
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe("payload_too_large");
  });
});
