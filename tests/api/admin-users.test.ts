import { randomUUID } from "node:crypto";
import { prisma } from "@/lib/db";
import { errorSchema } from "@/lib/api/schemas";
import { createToken } from "@/lib/tokens/service";
import { adminUserPageSchema, adminUserSchema } from "@/lib/validation/admin-users";
import { createUser } from "../helpers/users";
import { useSeededServer } from "./http";

// Each test makes a few HTTP calls to a real server on a shared, busy machine.
jest.setTimeout(30_000);

/** The administrators' user routes over HTTP: who may call them, what they answer, and what they change. */

async function makeAdmin(name: string) {
  const user = await createUser({ name, scopes: ["admin:read", "admin:write", "tokens:read"] });
  await (await prisma()).user.update({ where: { id: user.id }, data: { isAdmin: true } });
  return user;
}

async function seed() {
  const admin = await makeAdmin("Ada Admin");
  const writer = await createToken(admin.id, { name: "Administration", scopes: ["admin:read", "admin:write"] });
  const reader = await createToken(admin.id, { name: "Audit reader", scopes: ["admin:read"] });
  const plain = await createToken(admin.id, { name: "No admin scopes", scopes: ["tokens:read"] });
  const second = await makeAdmin("Second Admin");
  const grace = await createUser({ name: "Grace Hopper", scopes: ["tokens:read", "tokens:write"] });
  await (await prisma()).user.update({ where: { id: grace.id }, data: { email: "grace.hopper@navy.example" } });
  const graceToken = await createToken(grace.id, { name: "Grace's CI", scopes: ["tokens:read"] });
  const leaving = await createUser({ name: "Leaving Soon", scopes: ["tokens:read"] });
  await createToken(leaving.id, { name: "Stops", scopes: ["tokens:read"] });
  // Not an administrator: a token of theirs with admin scopes on record carries none of them.
  const outsider = await createUser({ name: "Not An Admin", scopes: ["tokens:read"] });
  const outsiderToken = await createToken(outsider.id, { name: "Curious", scopes: ["tokens:read"] });
  for (let i = 0; i < 11; i++) await createUser({ name: `Filler ${i}` });
  return { admin, writer, reader, plain, second, grace, graceToken, leaving, outsider, outsiderToken };
}

const api = useSeededServer(seed, { AUTH_FAILURE_LIMIT: "10000" });

const as = (token: { secret: string }) => (method: string, path: string) => api.call(method, path, { token: token.secret });
const asAdmin = (method: string, path: string) => as(api.seed.writer)(method, path);
const users = "/api/v1/admin/users";

function expectError(reply: { status: number; body: unknown }, status: number, code: string) {
  expect({ status: reply.status, code: errorSchema.strict().parse(reply.body).error.code }).toEqual({ status, code });
}

describe("GET /api/v1/admin/users", () => {
  test("a page of users by email, each with scopes, token counts and last sign-in", async () => {
    const reply = await asAdmin("GET", `${users}?perPage=10`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("cache-control")).toBe("no-store");
    const page = adminUserPageSchema.strict().parse(reply.body);
    expect(page).toMatchObject({ total: 16, page: 1, perPage: 10, pageCount: 2 });
    expect(page.users.map((u) => u.email)).toEqual([...page.users.map((u) => u.email)].sort());
    const second = adminUserPageSchema.parse((await asAdmin("GET", `${users}?perPage=10&page=2`)).body);
    expect(second.users).toHaveLength(6);
  });

  test("search by part of the name or of the email, case-insensitive", async () => {
    for (const q of ["HOPP", "navy.exa", "grace.hopper@"]) {
      const page = adminUserPageSchema.parse((await asAdmin("GET", `${users}?q=${encodeURIComponent(q)}`)).body);
      expect(page.users).toEqual([
        {
          id: api.seed.grace.id,
          email: "grace.hopper@navy.example",
          name: "Grace Hopper",
          isAdmin: false,
          disabledAt: null,
          createdAt: expect.any(String),
          lastSignInAt: null,
          scopes: ["tokens:read", "tokens:write"],
          tokens: { active: 1, inactive: 0 },
        },
      ]);
    }
  });

  test("a bad query is 400 naming the parameter", async () => {
    for (const [query, field] of [
      ["page=0", "page"],
      ["perPage=7", "perPage"],
      ["sort=email", "sort"],
      ["q=a&q=b", "q"],
      [`q=${"x".repeat(201)}`, "q"],
    ]) {
      const reply = await asAdmin("GET", `${users}?${query}`);
      expectError(reply, 400, "invalid_request");
      expect(Object.keys(reply.body.error.fields)).toEqual([field]);
    }
  });
});

describe("GET /api/v1/admin/users/{id}", () => {
  test("the user", async () => {
    const reply = await asAdmin("GET", `${users}/${api.seed.grace.id}`);
    expect(reply.status).toBe(200);
    expect(adminUserSchema.strict().parse(reply.body)).toMatchObject({ id: api.seed.grace.id, name: "Grace Hopper" });
  });

  test("unknown and malformed ids: 404", async () => {
    for (const id of [randomUUID(), "nope", "1%27%20OR%201%3D1"]) expectError(await asAdmin("GET", `${users}/${id}`), 404, "not_found");
  });
});

describe("grants", () => {
  test("PUT grants, DELETE withdraws, both answer the user; the user's token narrows at once", async () => {
    const path = `${users}/${api.seed.grace.id}/scopes`;
    const granted = await asAdmin("PUT", `${path}/tokens:introspect`);
    expect(granted.status).toBe(200);
    expect(adminUserSchema.parse(granted.body).scopes).toEqual(["tokens:introspect", "tokens:read", "tokens:write"]);

    const grace = as(api.seed.graceToken);
    expect((await grace("GET", "/api/v1/tokens")).status).toBe(200);
    const withdrawn = await asAdmin("DELETE", `${path}/tokens:read`);
    expect(adminUserSchema.parse(withdrawn.body).scopes).toEqual(["tokens:introspect", "tokens:write"]);
    expectError(await grace("GET", "/api/v1/tokens"), 403, "insufficient_scope");

    expect((await asAdmin("PUT", `${path}/tokens%3Aread`)).body.scopes).toEqual(["tokens:introspect", "tokens:read", "tokens:write"]);
    expect((await grace("GET", "/api/v1/tokens")).status).toBe(200);
    expect((await asAdmin("DELETE", `${path}/tokens:introspect`)).body.scopes).toEqual(["tokens:read", "tokens:write"]);
  });

  test("an unknown scope or user: 404; an administrators' scope to someone else: 409", async () => {
    expectError(await asAdmin("PUT", `${users}/${api.seed.grace.id}/scopes/billing:nothing`), 404, "not_found");
    expectError(await asAdmin("PUT", `${users}/${randomUUID()}/scopes/tokens:read`), 404, "not_found");
    expectError(await asAdmin("DELETE", `${users}/nope/scopes/tokens:read`), 404, "not_found");
    for (const scope of ["tokens%3Aread%00", "x".repeat(200), "%F0%9F%94%91"]) {
      expectError(await asAdmin("DELETE", `${users}/${api.seed.grace.id}/scopes/${scope}`), 404, "not_found");
    }
    const refused = await asAdmin("PUT", `${users}/${api.seed.grace.id}/scopes/admin:write`);
    expectError(refused, 409, "conflict");
    expect(refused.body.error.message).toMatch(/only to administrators/);
  });
});

describe("disable and enable", () => {
  test("a disabled user's token is refused with 401 'Account disabled', and works again after enable", async () => {
    const grace = as(api.seed.graceToken);
    expect((await grace("GET", "/api/v1/me")).status).toBe(200);
    const disabled = await asAdmin("POST", `${users}/${api.seed.grace.id}/disable`);
    expect(disabled.status).toBe(200);
    expect(adminUserSchema.parse(disabled.body).disabledAt).toEqual(expect.any(String));
    const refused = await grace("GET", "/api/v1/me");
    expectError(refused, 401, "invalid_token");
    expect(refused.body.error.message).toMatch(/^Account disabled/);

    const again = await asAdmin("POST", `${users}/${api.seed.grace.id}/disable`);
    expect(again.body.disabledAt).toBe(disabled.body.disabledAt);

    const enabled = await asAdmin("POST", `${users}/${api.seed.grace.id}/enable`);
    expect(enabled.status).toBe(200);
    expect(adminUserSchema.parse(enabled.body).disabledAt).toBeNull();
    expect((await grace("GET", "/api/v1/me")).status).toBe(200);
  });

  test("an administrator cannot disable or delete their own account: 409", async () => {
    for (const [method, path] of [
      ["POST", `${users}/${api.seed.admin.id}/disable`],
      ["DELETE", `${users}/${api.seed.admin.id}`],
    ] as const) {
      const reply = await asAdmin(method, path);
      expectError(reply, 409, "conflict");
      expect(reply.body.error.message).toMatch(/your own account.*another administrator's account/);
    }
    expect((await asAdmin("GET", `${users}/${api.seed.admin.id}`)).body.disabledAt).toBeNull();
  });

  test("unknown ids: 404", async () => {
    for (const action of ["disable", "enable"]) expectError(await asAdmin("POST", `${users}/${randomUUID()}/${action}`), 404, "not_found");
  });
});

describe("DELETE /api/v1/admin/users/{id}", () => {
  test("204; the user is gone, and deleting again is 404", async () => {
    const path = `${users}/${api.seed.leaving.id}`;
    const reply = await asAdmin("DELETE", path);
    expect(reply.status).toBe(204);
    expect(reply.text).toBe("");
    expectError(await asAdmin("GET", path), 404, "not_found");
    expectError(await asAdmin("DELETE", path), 404, "not_found");
  });
});

const EVERY_ROUTE = (id: string): [string, string][] => [
  ["GET", users],
  ["GET", `${users}/${id}`],
  ["POST", `${users}/${id}/disable`],
  ["POST", `${users}/${id}/enable`],
  ["DELETE", `${users}/${id}`],
  ["PUT", `${users}/${id}/scopes/tokens:read`],
  ["DELETE", `${users}/${id}/scopes/tokens:read`],
];

describe("who may call", () => {
  test("anyone but an administrator: 404 on every route, and nothing changes", async () => {
    const outsider = as(api.seed.outsiderToken);
    for (const [method, path] of EVERY_ROUTE(api.seed.second.id)) {
      const reply = await outsider(method, path);
      expectError(reply, 404, "not_found");
      expect(reply.body.error.message).toMatch(/There is no API route/);
    }
    const second = adminUserSchema.parse((await asAdmin("GET", `${users}/${api.seed.second.id}`)).body);
    expect(second).toMatchObject({ disabledAt: null, scopes: ["admin:read", "admin:write", "tokens:read"] });
  });

  test("an administrator's token without the route's scope: 403 insufficient_scope naming it", async () => {
    for (const [method, path] of EVERY_ROUTE(api.seed.second.id)) {
      const reply = await as(api.seed.plain)(method, path);
      expectError(reply, 403, "insufficient_scope");
      expect(reply.body.error.scope).toBe(method === "GET" ? "admin:read" : "admin:write");
    }
    for (const [method, path] of EVERY_ROUTE(api.seed.second.id).filter(([method]) => method !== "GET")) {
      const reply = await as(api.seed.reader)(method, path);
      expectError(reply, 403, "insufficient_scope");
      expect(reply.body.error.scope).toBe("admin:write");
    }
    expect((await as(api.seed.reader)("GET", users)).status).toBe(200);
  });

  test("no token: 401", async () => {
    expectError(await api.call("GET", users), 401, "missing_token");
  });
});
