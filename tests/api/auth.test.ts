import { errorSchema, meSchema } from "@/lib/api/schemas";
import { openApiDocument } from "@/lib/openapi";
import { withdrawScope } from "@/lib/scopes/service";
import { generateSecret } from "@/lib/tokens/secret";
import { createToken, revokeToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { useSeededServer, type Call } from "./http";

// Each test makes a few HTTP calls to a real server on a shared, busy machine.
jest.setTimeout(30_000);

/** Bearer authentication as every protected route answers it, scopes, /api/v1/me and the public routes. */

const HOUR = 3600_000;
const CHALLENGE = 'Bearer realm="tollgate"';
const INVALID_TOKEN = 'Bearer realm="tollgate", error="invalid_token"';


async function seedTokens() {
  const owner = await createUser({ name: "Ada Lovelace", scopes: ["tokens:read", "tokens:write", "tokens:introspect"] });
  const full = await createToken(owner.id, { name: "Deploy bot", scopes: ["tokens:read", "tokens:write"] });
  const readOnly = await createToken(owner.id, { name: "Dashboard", scopes: ["tokens:read"] });
  const introspectOnly = await createToken(owner.id, { name: "Gateway", scopes: ["tokens:introspect"] });
  const revoked = await createToken(owner.id, { name: "Old laptop", scopes: ["tokens:read"] });
  await revokeToken(owner.id, revoked.token.guid);
  // Created "two hours ago", valid for one hour: expired now.
  const twoHoursAgo = new Date(Date.now() - 2 * HOUR);
  const expired = await createToken(
    owner.id,
    { name: "Last year's CI", scopes: ["tokens:read"], validTo: new Date(twoHoursAgo.getTime() + HOUR).toISOString() },
    twoHoursAgo,
  );
  const scheduled = await createToken(owner.id, {
    name: "Starts tomorrow",
    scopes: ["tokens:read"],
    validFrom: new Date(Date.now() + 24 * HOUR).toISOString(),
  });
  // Its owner held tokens:write when the token was made and has lost it since.
  const demoted = await createUser({ scopes: ["tokens:read", "tokens:write"] });
  const narrowed = await createToken(demoted.id, { name: "Narrowed", scopes: ["tokens:read", "tokens:write"] });
  await withdrawScope(demoted.id, "tokens:write");
  return { owner, full, readOnly, introspectOnly, revoked, expired, scheduled, narrowed };
}

const api = useSeededServer(seedTokens, { AUTH_FAILURE_LIMIT: "10000" });

function expectInvalidToken(reply: Awaited<ReturnType<Call>>) {
  expect(reply.status).toBe(401);
  expect(reply.headers.get("www-authenticate")).toBe(INVALID_TOKEN);
  expect(errorSchema.strict().parse(reply.body).error.code).toBe("invalid_token");
}

describe("the Authorization header", () => {
  test("missing: 401 with a bare challenge and no error code (RFC 6750 §3.1)", async () => {
    const reply = await api.call("GET", "/api/v1/me");
    expect(reply.status).toBe(401);
    expect(reply.headers.get("www-authenticate")).toBe(CHALLENGE);
    expect(reply.body.error.code).toBe("missing_token");
    expect(reply.body.error.message).toMatch(/Authorization: Bearer/);
  });

  test.each([
    ["no scheme", () => api.seed.full.secret],
    ["the Basic scheme", () => "Basic dXNlcjpwYXNzd29yZA=="],
    ["Bearer with no token", () => "Bearer"],
    ["a 10 KB token", () => `Bearer tgp_${"a".repeat(10 * 1024)}`],
    ["non-ASCII characters", () => `Bearer tgp_${"é".repeat(36)}`],
    ["a valid prefix with a wrong checksum", () => `Bearer ${api.seed.full.secret.slice(0, -1)}${api.seed.full.secret.endsWith("A") ? "B" : "A"}`],
    ["a well-formed token that was never issued", () => `Bearer ${generateSecret()}`],
  ])("%s: 401 invalid_token", async (_, header) => {
    expectInvalidToken(await api.call("GET", "/api/v1/me", { headers: { authorization: header() } }));
  });

  test("more than one token after Bearer: 400 invalid_request", async () => {
    const reply = await api.call("GET", "/api/v1/me", { headers: { authorization: "Bearer a b" } });
    expect(reply.status).toBe(400);
    expect(reply.headers.get("www-authenticate")).toBe('Bearer realm="tollgate", error="invalid_request"');
    expect(errorSchema.strict().parse(reply.body).error).toMatchObject({ code: "invalid_request", message: expect.stringMatching(/exactly one token/) });
  });

  test("the scheme name is case-insensitive (RFC 7235)", async () => {
    const reply = await api.call("GET", "/api/v1/me", { headers: { authorization: `bearer ${api.seed.full.secret}` } });
    expect(reply.status).toBe(200);
  });
});

describe("tokens that are not active", () => {
  test.each([
    ["a revoked token", () => api.seed.revoked.secret, /revoked/],
    ["an expired token", () => api.seed.expired.secret, /expired/],
    ["a token not valid yet", () => api.seed.scheduled.secret, /not valid yet/],
  ])("%s gets 401 invalid_token saying so", async (_, secret, message) => {
    const reply = await api.call("GET", "/api/v1/me", { token: secret() });
    expectInvalidToken(reply);
    expect(reply.body.error.message).toMatch(message);
  });
});

describe("GET /api/v1/me", () => {
  test("any valid token learns what it is and whose it is", async () => {
    const reply = await api.call("GET", "/api/v1/me", { token: api.seed.introspectOnly.secret });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("cache-control")).toBe("no-store");
    const me = meSchema.strict().parse(reply.body);
    expect(me).toEqual({
      token: {
        guid: api.seed.introspectOnly.token.guid,
        name: "Gateway",
        scopes: ["tokens:introspect"],
        validFrom: api.seed.introspectOnly.token.validFrom.toISOString(),
        validTo: null,
        createdAt: api.seed.introspectOnly.token.createdAt.toISOString(),
      },
      owner: { id: api.seed.owner.id, email: api.seed.owner.email, name: "Ada Lovelace" },
    });
  });

  test("scopes are the effective ones: a scope withdrawn from the owner is gone from the token", async () => {
    const reply = await api.call("GET", "/api/v1/me", { token: api.seed.narrowed.secret });
    expect(reply.body.token.scopes).toEqual(["tokens:read"]);
  });
});

describe("scopes", () => {
  test("a token without the route's scope gets 403 insufficient_scope naming it", async () => {
    const reply = await api.call("POST", "/api/v1/tokens", { token: api.seed.readOnly.secret, body: { name: "x", scopes: ["tokens:read"] } });
    expect(reply.status).toBe(403);
    expect(reply.headers.get("www-authenticate")).toBe('Bearer realm="tollgate", error="insufficient_scope", scope="tokens:write"');
    expect(errorSchema.strict().parse(reply.body).error).toMatchObject({ code: "insufficient_scope", scope: "tokens:write" });
    expect(reply.body.error.message).toContain("tokens:write");
  });

  test.each([
    ["GET", "/api/v1/tokens", "introspectOnly", "tokens:read"],
    ["GET", "/api/v1/tokens/{own}", "introspectOnly", "tokens:read"],
    ["PATCH", "/api/v1/tokens/{own}", "readOnly", "tokens:write"],
    ["DELETE", "/api/v1/tokens/{own}", "readOnly", "tokens:write"],
    ["POST", "/api/v1/tokens/{own}/revoke", "readOnly", "tokens:write"],
    ["POST", "/api/v1/tokens/{own}/rotate", "readOnly", "tokens:write"],
    ["POST", "/api/v1/introspect", "full", "tokens:introspect"],
  ] as const)("%s %s with the %s token: 403 naming %s", async (method, path, holder, scope) => {
    const reply = await api.call(method, path.replace("{own}", api.seed.full.token.guid), {
      token: api.seed[holder].secret,
      body: method === "GET" || method === "DELETE" ? undefined : { name: "changed" },
    });
    expect(reply.status).toBe(403);
    expect(reply.body.error).toMatchObject({ code: "insufficient_scope", scope });
  });

  test("a scope the token was given but its owner no longer holds is refused", async () => {
    const reply = await api.call("POST", "/api/v1/tokens", { token: api.seed.narrowed.secret, body: { name: "x", scopes: ["tokens:read"] } });
    expect(reply.status).toBe(403);
    expect(reply.body.error.scope).toBe("tokens:write");
  });

  test("the refused calls changed nothing", async () => {
    const reply = await api.call("GET", `/api/v1/tokens/${api.seed.full.token.guid}`, { token: api.seed.full.secret });
    expect(reply.status).toBe(200);
    expect(reply.body.name).toBe("Deploy bot");
  });
});

describe("public routes", () => {
  test("GET /api/openapi.json serves the generated document", async () => {
    const reply = await api.call("GET", "/api/openapi.json");
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  test("the API reference page needs no sign-in and links back to the token page", async () => {
    const response = await fetch(`${api.server.baseUrl}/docs/api`, { redirect: "manual" });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toMatch(/<a[^>]*href="\/settings\/tokens"[^>]*>[^<]*Back to your tokens/);
  });
});

test("a method a route does not offer gets 405", async () => {
  const reply = await api.call("PUT", "/api/v1/me", { token: api.seed.full.secret });
  expect(reply.status).toBe(405);
});

test.each([["GET", "/api/v1/tokenz"], ["POST", `/api/v1/tokens/00000000-0000-4000-8000-000000000000/renew`]])(
  "a path that is no route (%s %s) gets a 404 in the API's error shape",
  async (method, path) => {
    const reply = await api.call(method, path, { token: api.seed.full.secret });
    expect(reply.status).toBe(404);
    expect(errorSchema.strict().parse(reply.body).error).toEqual({ code: "not_found", message: expect.stringContaining(path) });
  },
);
