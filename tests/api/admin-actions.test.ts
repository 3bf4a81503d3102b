import { makeAdministrator } from "@/lib/admin/administrators";
import { prisma } from "@/lib/db";
import { createToken } from "@/lib/tokens/service";
import { TEST_PASSWORD, createUser } from "../helpers/users";
import { callServerAction, signInOverHttp, type Jar } from "../helpers/web-session";
import { useSeededServer } from "./http";

// A few dozen HTTP calls to a real server on a shared, busy machine.
jest.setTimeout(60_000);

/**
 * Every server action of the admin pages, called over HTTP as React calls them: anyone but an
 * administrator, signed in or not, is answered as if the action did not exist ("Not found.",
 * lib/actions/server-action.ts adminOnly) and nothing changes. An administrator's read-only calls
 * show the same requests do reach the actions, so the refusals are the guard's, not the harness's.
 */
async function seed() {
  const admin = await createUser({ name: "Ada Admin" });
  await makeAdministrator(admin.email);
  const adminToken = await createToken(admin.id, { name: "Admin automation", scopes: ["admin:read"] });
  const member = await createUser({ name: "Mo Member", scopes: ["tokens:read", "tokens:write"] });
  await (await prisma()).scope.create({ data: { name: "billing:read", description: "Read invoices" } });
  const target = await createUser({ name: "Tess Target", scopes: ["tokens:read"] });
  const targetToken = await createToken(target.id, { name: "Tess's job", scopes: ["tokens:read"] });
  const disabled = await createUser({ name: "Dee Disabled", scopes: ["tokens:read"] });
  await (await prisma()).user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
  return { adminEmail: admin.email, adminToken: adminToken.secret, memberEmail: member.email, targetId: target.id, targetGuid: targetToken.token.guid, disabledId: disabled.id };
}

const api = useSeededServer(seed, { AUTH_FAILURE_LIMIT: "10000" });

/** [page, action, arguments]: each exported action of app/admin/(scopes|tokens|users|policies)/actions.ts. */
const actions = (): [string, string, unknown[]][] => {
  const { targetId, targetGuid, disabledId } = api.seed;
  return [
    ["/admin/scopes", "createScopeAction", [{ name: "nobody:may", description: "Never created" }]],
    ["/admin/scopes", "editScopeAction", ["billing:read", { description: "Never edited" }]],
    ["/admin/scopes", "readScopeAction", ["billing:read"]],
    ["/admin/scopes", "retireScopeAction", ["billing:read"]],
    ["/admin/tokens", "revokeTokenAsAdminAction", [targetGuid, { reason: "Never revoked" }]],
    ["/admin/users", "grantScopeAction", [targetId, "billing:read"]],
    ["/admin/users", "withdrawScopeAction", [targetId, "tokens:read"]],
    ["/admin/users", "disableUserAction", [targetId]],
    ["/admin/users", "enableUserAction", [disabledId]],
    ["/admin/users", "deletionImpactAction", [targetId]],
    ["/admin/users", "deleteUserAction", [targetId]],
    ["/admin/policies", "setPoliciesAction", [{ maxTokenLifetimeDays: 1 }]],
  ];
};

const asAdmin = (path: string) => api.call("GET", path, { token: api.seed.adminToken });

/** What the actions above could change, read over the admin API. */
async function state() {
  const scopes = (await asAdmin("/api/v1/admin/scopes")).body.scopes as { name: string; builtIn: boolean; description: string; retiredAt: string | null }[];
  const user = async (id: string) => {
    const reply = await asAdmin(`/api/v1/admin/users/${id}`);
    return reply.status === 200 ? { scopes: reply.body.scopes, disabled: reply.body.disabledAt !== null } : reply.status;
  };
  const tokens = (await asAdmin(`/api/v1/admin/tokens?owner=${api.seed.targetId}`)).body.tokens as { status: string }[];
  return {
    custom: scopes.filter((s) => !s.builtIn),
    target: await user(api.seed.targetId),
    disabled: await user(api.seed.disabledId),
    targetTokens: tokens.map((t) => t.status),
    policies: (await asAdmin("/api/v1/admin/policies")).body.maxTokenLifetimeDays,
  };
}

const call = (jar: Jar, [page, name, args]: [string, string, unknown[]]) => callServerAction(api.server.baseUrl, page, name, args, jar);

test("the state the refusals must leave alone is as seeded", async () => {
  expect(await state()).toEqual({
    custom: [expect.objectContaining({ name: "billing:read", description: "Read invoices", retiredAt: null })],
    target: { scopes: ["tokens:read"], disabled: false },
    disabled: { scopes: ["tokens:read"], disabled: true },
    targetTokens: ["active"],
    policies: null,
  });
});

test("an administrator's read-only calls reach the actions", async () => {
  const { jar } = await signInOverHttp(api.server.baseUrl, { email: api.seed.adminEmail, password: TEST_PASSWORD });
  const read = await call(jar, ["/admin/scopes", "readScopeAction", ["billing:read"]]);
  expect(read.result).toMatchObject({ ok: true, scope: { name: "billing:read" } });
  const impact = await call(jar, ["/admin/users", "deletionImpactAction", [api.seed.targetId]]);
  expect(impact.result).toEqual({ ok: true, activeTokens: 1, totalTokens: 1 });
});

test("a signed-in person who is not an administrator: every admin action answers 'Not found.', and nothing changes", async () => {
  const before = await state();
  const { jar } = await signInOverHttp(api.server.baseUrl, { email: api.seed.memberEmail, password: TEST_PASSWORD });
  for (const action of actions()) {
    expect({ action: action[1], result: (await call(jar, action)).result }).toEqual({ action: action[1], result: { ok: false, error: "Not found." } });
  }
  expect(await state()).toEqual(before);
});

test("signed out: every admin action answers 'Not found.' (not a sign-in prompt), and nothing changes", async () => {
  const before = await state();
  for (const action of actions()) {
    expect({ action: action[1], result: (await call(new Map(), action)).result }).toEqual({ action: action[1], result: { ok: false, error: "Not found." } });
  }
  expect(await state()).toEqual(before);
});
