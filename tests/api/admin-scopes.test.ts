import { prisma } from "@/lib/db";
import { introspectionSchema, meSchema } from "@/lib/api/schemas";
import { catalogueScopeSchema, scopeCatalogueSchema } from "@/lib/scopes/contract";
import { createScope } from "@/lib/scopes/service";
import { BUILT_IN_SCOPE_NAMES } from "@/lib/scopes/built-in";
import { createToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { useSeededServer } from "./http";

// Each test makes a few HTTP calls to a real server on a shared, busy machine.
jest.setTimeout(30_000);

/** The scope catalogue over /api/v1/admin/scopes, and custom scopes in introspection. */

async function makeAdmin(userId: string) {
  await (await prisma()).user.update({ where: { id: userId }, data: { isAdmin: true } });
}

async function seed() {
  const ada = await createUser({ name: "Ada Admin", scopes: ["tokens:read", "tokens:introspect", "admin:read", "admin:write"] });
  await makeAdmin(ada.id);
  const actor = { userId: ada.id, email: ada.email, tokenGuid: null, ip: null, userAgent: null };
  const admin = await createToken(ada.id, { name: "Administration", scopes: ["admin:read", "admin:write"] });
  const reader = await createToken(ada.id, { name: "Admin reader", scopes: ["admin:read"] });
  const plain = await createToken(ada.id, { name: "No admin scopes", scopes: ["tokens:read"] });
  const gateway = await createToken(ada.id, { name: "Gateway", scopes: ["tokens:introspect"] });

  const bob = await createUser({ name: "Bob", scopes: ["tokens:read", "tokens:write"] });
  const bobs = await createToken(bob.id, { name: "Bob's", scopes: ["tokens:read", "tokens:write"] });
  // An administrator's token that still records the admin scopes after its owner stopped being one.
  const former = await createUser({ name: "Former admin", scopes: ["admin:read", "admin:write"] });
  await makeAdmin(former.id);
  const formers = await createToken(former.id, { name: "Left over", scopes: ["admin:read", "admin:write"] });
  await (await prisma()).user.update({ where: { id: former.id }, data: { isAdmin: false } });

  await createScope(actor, { name: "billing:read", description: "Read invoices in Billing" });
  await createScope(actor, { name: "reports:export", description: "Export reports" });
  const carol = await createUser({ name: "Carol", scopes: ["tokens:read", "billing:read", "reports:export"] });
  const billing = await createToken(carol.id, { name: "Billing client", scopes: ["billing:read", "reports:export", "tokens:read"] });
  return { ada, admin, reader, plain, gateway, bob, bobs, formers, carol, billing };
}

const api = useSeededServer(seed, { AUTH_FAILURE_LIMIT: "10000" });

const ROUTES: [string, string, unknown?][] = [
  ["GET", "/api/v1/admin/scopes"],
  ["POST", "/api/v1/admin/scopes", { name: "nobody:may", description: "Never created" }],
  ["PATCH", "/api/v1/admin/scopes/billing:read", { description: "Never edited" }],
  ["POST", "/api/v1/admin/scopes/reports:export/retire"],
];

const adminCall = (method: string, path: string, body?: unknown) => api.call(method, path, { token: api.seed.admin.secret, body });
const scopeNamed = async (name: string) => ((await adminCall("GET", "/api/v1/admin/scopes")).body.scopes as { name: string }[]).find((s) => s.name === name);

describe("who may call", () => {
  test("a non-administrator's token is told every route does not exist, a demoted administrator's too, and nothing changes", async () => {
    for (const token of [api.seed.bobs.secret, api.seed.formers.secret]) {
      for (const [method, path, body] of ROUTES) {
        const reply = await api.call(method, path, { token, body });
        expect({ method, path, status: reply.status, code: reply.body?.error?.code }).toEqual({ method, path, status: 404, code: "not_found" });
      }
    }
    expect(await scopeNamed("nobody:may")).toBeUndefined();
    expect(await scopeNamed("reports:export")).toMatchObject({ retiredAt: null, description: "Export reports" });
  });

  test("an administrator's token without the route's scope gets 403 naming it", async () => {
    for (const [method, path, body] of ROUTES) {
      const reply = await api.call(method, path, { token: api.seed.plain.secret, body });
      const scope = method === "GET" ? "admin:read" : "admin:write";
      expect({ method, path, status: reply.status, error: reply.body.error }).toEqual({
        method,
        path,
        status: 403,
        error: expect.objectContaining({ code: "insufficient_scope", scope }),
      });
    }
    expect((await api.call("GET", "/api/v1/admin/scopes", { token: api.seed.reader.secret })).status).toBe(200);
    for (const [method, path, body] of ROUTES.slice(1)) {
      const reply = await api.call(method, path, { token: api.seed.reader.secret, body });
      expect({ method, status: reply.status, scope: reply.body.error.scope }).toEqual({ method, status: 403, scope: "admin:write" });
    }
  });

  test("without a token: 401", async () => {
    expect((await api.call("GET", "/api/v1/admin/scopes")).status).toBe(401);
  });
});

describe("GET /api/v1/admin/scopes", () => {
  test("the whole catalogue with kinds, defaults and counts", async () => {
    const reply = await adminCall("GET", "/api/v1/admin/scopes");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("cache-control")).toBe("no-store");
    const { scopes } = scopeCatalogueSchema.parse(reply.body);
    expect(scopes.filter((s) => s.builtIn).map((s) => s.name)).toEqual([...BUILT_IN_SCOPE_NAMES].sort());
    expect(scopes.find((s) => s.name === "tokens:read")).toMatchObject({ builtIn: true, adminOnly: false, default: true });
    // Ada and the demoted administrator, whose grant stays on record (it has no effect while they are not one).
    expect(scopes.find((s) => s.name === "admin:write")).toMatchObject({ builtIn: true, adminOnly: true, default: false, holders: 2, tokens: 2 });
    expect(scopes.find((s) => s.name === "billing:read")).toEqual({
      name: "billing:read",
      description: "Read invoices in Billing",
      builtIn: false,
      adminOnly: false,
      default: false,
      holders: 1,
      tokens: 1,
      createdAt: expect.any(String),
      retiredAt: null,
    });
  });
});

describe("POST /api/v1/admin/scopes", () => {
  test("adds a scope: 201 with its URL", async () => {
    const reply = await adminCall("POST", "/api/v1/admin/scopes", { name: "deploy:write", description: " Deploy to production " });
    expect(reply.status).toBe(201);
    expect(reply.headers.get("location")).toBe("/api/v1/admin/scopes/deploy:write");
    expect(catalogueScopeSchema.parse(reply.body)).toMatchObject({ name: "deploy:write", description: "Deploy to production", builtIn: false, holders: 0 });
    expect(await scopeNamed("deploy:write")).toEqual(reply.body);
  });

  test("invalid input is 400 naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ name: "Billing:Write", description: "x" }, "name"],
      [{ name: `${"a".repeat(32)}:${"b".repeat(32)}`, description: "x" }, "name"],
      [{ name: "billing:write", description: "d".repeat(201) }, "description"],
      [{ name: "billing:write", description: "  " }, "description"],
      [{ name: "billing:write" }, "description"],
      [{ name: "billing:write", description: "x", builtIn: true }, "builtIn"],
      [{ name: "tokens:read", description: "Built in" }, "name"],
      [{ name: "tokens:purge", description: "Tollgate's service" }, "name"],
      [{ name: "billing:read", description: "Exists" }, "name"],
    ];
    for (const [body, field] of cases) {
      const reply = await adminCall("POST", "/api/v1/admin/scopes", body);
      expect({ body, status: reply.status, code: reply.body.error.code, fields: Object.keys(reply.body.error.fields) }).toEqual({
        body,
        status: 400,
        code: "invalid_request",
        fields: [field],
      });
    }
    expect(await scopeNamed("billing:write")).toBeUndefined();
  });

  test("a body that is not a JSON object is refused in the API's error shape", async () => {
    expect((await adminCall("POST", "/api/v1/admin/scopes", "[]")).status).toBe(415);
    expect((await api.call("POST", "/api/v1/admin/scopes", { token: api.seed.admin.secret, body: "[]", headers: { "content-type": "application/json" } })).body.error.code).toBe(
      "invalid_request",
    );
  });
});

describe("PATCH /api/v1/admin/scopes/{name}", () => {
  test("edits a custom scope's description and makes it a default", async () => {
    const edited = await adminCall("PATCH", "/api/v1/admin/scopes/deploy:write", { description: "Deploy anywhere" });
    expect(edited.status).toBe(200);
    expect(catalogueScopeSchema.parse(edited.body)).toMatchObject({ name: "deploy:write", description: "Deploy anywhere", default: false });
    const defaulted = await adminCall("PATCH", "/api/v1/admin/scopes/deploy%3Awrite", { default: true });
    expect(defaulted.body).toMatchObject({ name: "deploy:write", description: "Deploy anywhere", default: true });
    expect(await scopeNamed("tokens:read")).toMatchObject({ default: true });
  });

  test("refuses a built-in description (409), an administrators' scope as a default (400), bad fields (400), unknown names (404)", async () => {
    const builtIn = await adminCall("PATCH", "/api/v1/admin/scopes/tokens:read", { description: "Mine now" });
    expect({ status: builtIn.status, code: builtIn.body.error.code }).toEqual({ status: 409, code: "conflict" });
    expect(builtIn.body.error.message).toMatch(/tokens:read is one of Tollgate's own scopes/);

    const adminDefault = await adminCall("PATCH", "/api/v1/admin/scopes/admin:read", { default: true });
    expect({ status: adminDefault.status, fields: adminDefault.body.error.fields }).toEqual({
      status: 400,
      fields: { default: ["admin:read is for administrators only, so new accounts cannot receive it."] },
    });
    for (const [body, field] of [
      [{ default: "yes" }, "default"],
      [{ description: "" }, "description"],
      [{ name: "deploy:read" }, "name"],
    ] as const) {
      const reply = await adminCall("PATCH", "/api/v1/admin/scopes/deploy:write", body);
      expect({ status: reply.status, fields: Object.keys(reply.body.error.fields) }).toEqual({ status: 400, fields: [field] });
    }
    for (const name of ["nobody:knows", "Not%20a%20scope", "x".repeat(80)]) {
      const reply = await adminCall("PATCH", `/api/v1/admin/scopes/${name}`, { description: "x" });
      expect({ name, status: reply.status, code: reply.body.error.code }).toEqual({ name, status: 404, code: "not_found" });
    }
  });
});

describe("custom scopes in introspection, and retiring them", () => {
  const introspect = (token: string) => api.call("POST", "/api/v1/introspect", { token: api.seed.gateway.secret, body: { token } });

  test("introspection lists a custom scope like any other", async () => {
    const reply = await introspect(api.seed.billing.secret);
    expect(introspectionSchema.parse(reply.body)).toMatchObject({ active: true, scope: "billing:read reports:export tokens:read" });
  });

  test("POST .../retire answers the scope with the counts it had; introspection and /me stop listing it at once", async () => {
    const reply = await adminCall("POST", "/api/v1/admin/scopes/billing:read/retire");
    expect(reply.status).toBe(200);
    expect(catalogueScopeSchema.parse(reply.body)).toMatchObject({ name: "billing:read", holders: 1, tokens: 1, default: false, retiredAt: expect.any(String) });

    expect((await introspect(api.seed.billing.secret)).body).toMatchObject({ active: true, scope: "reports:export tokens:read" });
    const me = await api.call("GET", "/api/v1/me", { token: api.seed.billing.secret });
    expect(meSchema.parse(me.body).token.scopes).toEqual(["reports:export", "tokens:read"]);
    expect(await scopeNamed("billing:read")).toMatchObject({ holders: 0, tokens: 1, retiredAt: reply.body.retiredAt });
  });

  test("a retired scope cannot be retired again or edited (409); a retired default leaves the defaults", async () => {
    for (const [method, path, body] of [
      ["POST", "/api/v1/admin/scopes/billing:read/retire", undefined],
      ["PATCH", "/api/v1/admin/scopes/billing:read", { description: "Back" }],
      ["PATCH", "/api/v1/admin/scopes/billing:read", { default: true }],
    ] as const) {
      const reply = await adminCall(method, path, body);
      expect({ method, status: reply.status, code: reply.body.error.code }).toEqual({ method, status: 409, code: "conflict" });
    }
    const retired = await adminCall("POST", "/api/v1/admin/scopes/deploy:write/retire");
    expect(retired.body).toMatchObject({ name: "deploy:write", default: false });
    expect(await scopeNamed("deploy:write")).toMatchObject({ default: false });
  });

  test("built-in scopes cannot be retired (409); unknown ones are 404", async () => {
    for (const name of BUILT_IN_SCOPE_NAMES) {
      const reply = await adminCall("POST", `/api/v1/admin/scopes/${name}/retire`);
      expect({ name, status: reply.status, message: reply.body.error.message }).toEqual({
        name,
        status: 409,
        message: `${name} is one of Tollgate's own scopes and cannot be retired.`,
      });
    }
    const unknown = await adminCall("POST", "/api/v1/admin/scopes/nobody:knows/retire");
    expect({ status: unknown.status, code: unknown.body.error.code }).toEqual({ status: 404, code: "not_found" });
  });

  test("the routes answer only their methods", async () => {
    const reply = await adminCall("DELETE", "/api/v1/admin/scopes/reports:export");
    expect({ status: reply.status, allow: reply.headers.get("allow") }).toEqual({ status: 405, allow: "OPTIONS, PATCH" });
  });
});
