import { errorSchema, policiesChangeSchema } from "@/lib/api/schemas";
import { prisma } from "@/lib/db";
import { tokenWithSecretSchema } from "@/lib/tokens/contract";
import { createToken } from "@/lib/tokens/service";
import { policiesSchema } from "@/lib/validation/policies";
import { TEST_PASSWORD, createUser } from "../helpers/users";
import { callServerAction, signInOverHttp } from "../helpers/web-session";
import { useSeededServer, type Reply } from "./http";

// Each test makes a few HTTP calls to a real server on a shared, busy machine.
jest.setTimeout(30_000);

/** GET and PATCH /api/v1/admin/policies, and each policy refusing over the token API (docs/security.md, "Policies"). */

const DAY = 24 * 3600_000;
const ADMIN = ["admin:read", "admin:write", "tokens:read", "tokens:write"];
const MANAGE = ["tokens:read", "tokens:write"];
const NONE = { maxTokenLifetimeDays: null, maxRotationOverlapSeconds: null, maxActiveTokensPerUser: null, revokeUnusedAfterDays: null };

async function seed() {
  const admin = await createUser({ name: "Admin", scopes: ADMIN });
  const db = await prisma();
  await db.user.update({ where: { id: admin.id }, data: { isAdmin: true } });
  const adminToken = await createToken(admin.id, { name: "Admin automation", scopes: ["admin:read", "admin:write"] });
  const readOnly = await createToken(admin.id, { name: "Admin, read only", scopes: ["admin:read"] });
  const notAdmin = await createToken(admin.id, { name: "Tokens only", scopes: MANAGE });
  // Someone who is no administrator, though their token lists the admin scopes (granted before a demotion, say).
  const person = await createUser({ name: "Person", scopes: [...MANAGE, "admin:read", "admin:write"] });
  const personToken = await createToken(person.id, { name: "Person's", scopes: [...MANAGE, "admin:read", "admin:write"] });
  return { adminToken, readOnly, notAdmin, personToken, adminEmail: admin.email, personEmail: person.email };
}

const api = useSeededServer(seed, { AUTH_FAILURE_LIMIT: "10000" });

const asAdmin = (method: string, body?: unknown) => api.call(method, "/api/v1/admin/policies", { token: api.seed.adminToken.secret, body });
const asPerson = (method: string, path: string, body?: unknown) => api.call(method, path, { token: api.seed.personToken.secret, body });

function expectRefused(reply: Reply, status: number, code: string) {
  expect([reply.status, reply.body?.error?.code]).toEqual([status, code]);
  return errorSchema.strict().parse(reply.body).error;
}

afterEach(async () => {
  expect((await asAdmin("PATCH", NONE)).status).toBe(200);
});

describe("reading and changing the policies", () => {
  test("GET answers the policies; PATCH changes only the fields given and says how many tokens break them", async () => {
    const initial = await asAdmin("GET");
    expect(initial.status).toBe(200);
    expect(policiesSchema.strict().parse(initial.body)).toEqual(NONE);

    const changed = await asAdmin("PATCH", { maxTokenLifetimeDays: 30 });
    expect(changed.status).toBe(200);
    // Every seeded token never expires.
    expect(policiesChangeSchema.strict().parse(changed.body)).toEqual({
      ...NONE,
      maxTokenLifetimeDays: 30,
      breakingTokens: { total: 4, maxTokenLifetimeDays: 4, maxRotationOverlapSeconds: 0, maxActiveTokensPerUser: 0 },
    });
    const more = await asAdmin("PATCH", { maxRotationOverlapSeconds: 3600, maxActiveTokensPerUser: 2, revokeUnusedAfterDays: 90 });
    expect(more.body).toMatchObject({ maxTokenLifetimeDays: 30, maxRotationOverlapSeconds: 3600, maxActiveTokensPerUser: 2, revokeUnusedAfterDays: 90 });
    // The administrator's three tokens: one is beyond the first two.
    expect(more.body.breakingTokens).toEqual({ total: 4, maxTokenLifetimeDays: 4, maxRotationOverlapSeconds: 0, maxActiveTokensPerUser: 1 });
    expect((await asAdmin("GET")).body).toEqual({ maxTokenLifetimeDays: 30, maxRotationOverlapSeconds: 3600, maxActiveTokensPerUser: 2, revokeUnusedAfterDays: 90 });
  });

  test.each([
    [{ maxTokenLifetimeDays: 0 }, "maxTokenLifetimeDays"],
    [{ maxTokenLifetimeDays: 3651 }, "maxTokenLifetimeDays"],
    [{ maxRotationOverlapSeconds: -1 }, "maxRotationOverlapSeconds"],
    [{ maxRotationOverlapSeconds: "1h" }, "maxRotationOverlapSeconds"],
    [{ maxActiveTokensPerUser: 100_001 }, "maxActiveTokensPerUser"],
    [{ revokeUnusedAfterDays: 29 }, "revokeUnusedAfterDays"],
    [{ revokeUnusedAfterDays: 3651 }, "revokeUnusedAfterDays"],
    [{ revokeUnusedAfterDays: "90" }, "revokeUnusedAfterDays"],
    [{ maxActiveTokens: 5 }, "maxActiveTokens"],
  ])("%j: 400 naming %s, and nothing changes", async (body, field) => {
    const error = expectRefused(await asAdmin("PATCH", body), 400, "invalid_request");
    expect(Object.keys(error.fields ?? {})).toEqual([field]);
    expect((await asAdmin("GET")).body).toEqual(NONE);
  });

  test("a body that is not an object: 400", async () => {
    const reply = await api.call("PATCH", "/api/v1/admin/policies", { token: api.seed.adminToken.secret, body: "[]", headers: { "content-type": "application/json" } });
    expectRefused(reply, 400, "invalid_request");
  });

  test("a non-administrator's token gets 404 for both methods, even listing the admin scopes", async () => {
    for (const method of ["GET", "PATCH"]) {
      const body = method === "PATCH" ? { maxTokenLifetimeDays: 1 } : undefined;
      const error = expectRefused(await asPerson(method, "/api/v1/admin/policies", body), 404, "not_found");
      expect(error.message).toContain(`${method} /api/v1/admin/policies`);
    }
    expect((await asAdmin("GET")).body).toEqual(NONE);
  });

  test("an administrator's token without the route's scope gets 403 naming it", async () => {
    const write = expectRefused(await api.call("PATCH", "/api/v1/admin/policies", { token: api.seed.readOnly.secret, body: { maxTokenLifetimeDays: 1 } }), 403, "insufficient_scope");
    expect(write.scope).toBe("admin:write");
    expect((await api.call("GET", "/api/v1/admin/policies", { token: api.seed.readOnly.secret })).status).toBe(200);
    const read = expectRefused(await api.call("GET", "/api/v1/admin/policies", { token: api.seed.notAdmin.secret }), 403, "insufficient_scope");
    expect(read.scope).toBe("admin:read");
  });
});

describe("each policy refuses over the token API with 422 policy_violation", () => {
  const create = (body: unknown) => asPerson("POST", "/api/v1/tokens", body);

  test("maximum lifetime: a create beyond it, or without an end, and an edit or a rotation beyond it", async () => {
    await asAdmin("PATCH", { maxTokenLifetimeDays: 30 });
    const within = await create({ name: "Within", scopes: ["tokens:read"], validTo: new Date(Date.now() + 29 * DAY).toISOString() });
    expect(within.status).toBe(201);
    const { token } = tokenWithSecretSchema.parse(within.body);

    for (const validTo of [new Date(Date.now() + 31 * DAY).toISOString(), null]) {
      const error = expectRefused(await create({ name: "Beyond", scopes: ["tokens:read"], validTo }), 422, "policy_violation");
      expect(error.policy).toBe("maxTokenLifetimeDays");
      expect(error.message).toMatch(/^The maximum token lifetime policy allows at most 30 days: choose a valid-to on or before \d{4}-\d\d-\d\dT[\d:.]+Z\.$/);
      expect(error.fields).toEqual({ validTo: [error.message] });
    }
    const edit = expectRefused(await asPerson("PATCH", `/api/v1/tokens/${token.guid}`, { validTo: null }), 422, "policy_violation");
    expect(edit.policy).toBe("maxTokenLifetimeDays");
    const rotation = await asPerson("POST", `/api/v1/tokens/${token.guid}/rotate`, { validTo: new Date(Date.now() + 31 * DAY).toISOString() });
    expect(expectRefused(rotation, 422, "policy_violation").policy).toBe("maxTokenLifetimeDays");
    // A token from before the policy never expires: a rename leaves its window alone and is allowed.
    const { notAdmin } = api.seed;
    const rename = await api.call("PATCH", `/api/v1/tokens/${notAdmin.token.guid}`, { token: notAdmin.secret, body: { name: "Tokens only, renamed" } });
    expect([rename.status, rename.body.validTo]).toEqual([200, null]);
  });

  test("maximum rotation overlap: an overlap beyond it names overlapSeconds", async () => {
    const made = tokenWithSecretSchema.parse((await create({ name: "To rotate", scopes: ["tokens:read"] })).body);
    await asAdmin("PATCH", { maxRotationOverlapSeconds: 3600 });
    const error = expectRefused(await asPerson("POST", `/api/v1/tokens/${made.token.guid}/rotate`, { overlapSeconds: 3601 }), 422, "policy_violation");
    expect(error).toMatchObject({ policy: "maxRotationOverlapSeconds", fields: { overlapSeconds: [error.message] } });
    expect(error.message).toBe("The maximum rotation overlap policy allows at most 1 hour: choose an overlap of at most 3600 seconds.");
    expect((await asPerson("POST", `/api/v1/tokens/${made.token.guid}/rotate`, { overlapSeconds: 3600 })).status).toBe(200);
    await asPerson("DELETE", `/api/v1/tokens/${made.token.guid}`);
  });

  test("maximum active tokens: the create past it is refused without a field", async () => {
    const live = (await asPerson("GET", "/api/v1/tokens?status=active&perPage=100")).body.total as number;
    await asAdmin("PATCH", { maxActiveTokensPerUser: live + 1 });
    const last = await create({ name: "The last one allowed", scopes: ["tokens:read"] });
    expect(last.status).toBe(201);
    const error = expectRefused(await create({ name: "One too many", scopes: ["tokens:read"] }), 422, "policy_violation");
    expect(error.policy).toBe("maxActiveTokensPerUser");
    expect(error.fields).toBeUndefined();
    expect(error.message).toBe(
      `The maximum active tokens policy allows at most ${live + 1} active or scheduled tokens per person, and you have that many. Revoke or delete one first.`,
    );
    await asPerson("POST", `/api/v1/tokens/${tokenWithSecretSchema.parse(last.body).token.guid}/revoke`);
    expect((await create({ name: "After a revocation", scopes: ["tokens:read"] })).status).toBe(201);
  });
});

describe("the page's server action", () => {
  const save = async (email: string, input: unknown) => {
    const session = await signInOverHttp(api.server.baseUrl, { email, password: TEST_PASSWORD });
    return callServerAction(api.server.baseUrl, "/admin/policies", "setPoliciesAction", [input], session.jar);
  };

  test("saves for an administrator, with the count of tokens that break the policies", async () => {
    const { result } = await save(api.seed.adminEmail, { maxTokenLifetimeDays: 30 });
    expect(result).toMatchObject({ ok: true, policies: { ...NONE, maxTokenLifetimeDays: 30 }, breaches: { total: expect.any(Number) } });
    expect((await asAdmin("GET")).body).toEqual({ ...NONE, maxTokenLifetimeDays: 30 });
  });

  test("answers anyone else as if it did not exist, and changes nothing", async () => {
    const { result } = await save(api.seed.personEmail, { maxTokenLifetimeDays: 1 });
    expect(result).toEqual({ ok: false, error: "Not found." });
    expect((await asAdmin("GET")).body).toEqual(NONE);
  });

  test("an invalid value is a field error", async () => {
    const { result } = await save(api.seed.adminEmail, { maxActiveTokensPerUser: 0 });
    expect(result).toMatchObject({ ok: false, fieldErrors: { maxActiveTokensPerUser: [expect.stringContaining("from 1 to 100,000")] } });
  });
});
