import { introspectionView } from "@/lib/api/views";
import { databaseStats, prisma } from "@/lib/db";
import { AccountDisabledError } from "@/lib/errors";
import { liveSession, sessionCacheReady } from "@/lib/sessions/check";
import { createSession, endOtherSessions } from "@/lib/sessions/service";
import { createToken } from "@/lib/tokens/service";
import { verificationCacheReady, verifySecret } from "@/lib/tokens/verify";
import { signInWithLimits } from "@/lib/users/attempt-limits";
import { accountStateChanged, checkCredentials, findOrCreateExternalUser } from "@/lib/users/service";
import { useFreshDatabase } from "../helpers/database";
import { TEST_PASSWORD, createUser } from "../helpers/users";

/**
 * What a disabled account means (users.disabled_at), on PGlite and on PostgreSQL. The
 * administrators' disable and enable (lib/admin/users.ts) are stood in for by what they do: set or
 * clear the column, end the sessions, and call accountStateChanged.
 */
useFreshDatabase();

beforeAll(() => Promise.all([sessionCacheReady(), verificationCacheReady()]));

const client = { address: "192.0.2.10", userAgent: "test" };
const WRONG = "wrong horse battery staple";

async function disable(userId: string, options: { endSessions?: boolean } = {}) {
  await (await prisma()).user.update({ where: { id: userId }, data: { disabledAt: new Date() } });
  if (options.endSessions ?? true) await endOtherSessions(userId, null);
  await accountStateChanged(userId);
}

async function enable(userId: string) {
  await (await prisma()).user.update({ where: { id: userId }, data: { disabledAt: null } });
  await accountStateChanged(userId);
}

async function queriesDuring(work: () => unknown): Promise<number> {
  const before = databaseStats().queries;
  await work();
  return databaseStats().queries - before;
}

/** On PostgreSQL, the NOTIFY of a token's creation arrives a little later and empties its cache entry once. */
async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > withinMs) throw new Error(`not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function failure(attempt: Promise<unknown>): Promise<unknown> {
  return attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe("tokens of a disabled account", () => {
  test("are refused with account_disabled and introspect as inactive; re-enabling restores the same token with the same scopes", async () => {
    const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
    const { token, secret } = await createToken(user.id, { name: "CI", scopes: ["tokens:read", "tokens:write"] });
    const before = await verifySecret(secret);
    expect(before).toMatchObject({ ok: true, token: { guid: token.guid, scopes: ["tokens:read", "tokens:write"] } });

    await disable(user.id);
    const refused = await verifySecret(secret);
    expect(refused).toEqual({ ok: false, reason: "account_disabled" });
    expect(introspectionView(refused.ok ? refused.token : null)).toEqual({ active: false });

    await enable(user.id);
    expect(await verifySecret(secret)).toEqual(before);
  });

  test("are refused the moment the account is disabled, though this instance had the token in memory", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    const { secret } = await createToken(user.id, { name: "Cached", scopes: ["tokens:read"] });
    // Answered from memory now: without being told, this instance would go on accepting it.
    await eventually(async () => (await queriesDuring(() => verifySecret(secret))) === 0, 2_000);

    await disable(user.id);
    expect(await verifySecret(secret)).toEqual({ ok: false, reason: "account_disabled" });
    await enable(user.id);
    expect(await verifySecret(secret)).toMatchObject({ ok: true, token: { scopes: ["tokens:read"] } });
  });

  test("another account's tokens are untouched", async () => {
    const disabled = await createUser({ scopes: ["tokens:read"] });
    const other = await createUser({ scopes: ["tokens:read"] });
    const { secret } = await createToken(other.id, { name: "Theirs", scopes: ["tokens:read"] });
    await disable(disabled.id);
    expect(await verifySecret(secret)).toMatchObject({ ok: true, token: { userId: other.id } });
  });
});

describe("signing in to a disabled account", () => {
  test("the right password is told the account is disabled; a wrong one gets the usual answer, as for an unknown email", async () => {
    const user = await createUser();
    await disable(user.id);
    await expect(checkCredentials({ email: user.email, password: TEST_PASSWORD })).rejects.toBeInstanceOf(AccountDisabledError);
    expect(await checkCredentials({ email: user.email, password: WRONG })).toBeNull();
    expect(await checkCredentials({ email: "nobody@example.com", password: WRONG })).toBeNull();

    await enable(user.id);
    expect(await checkCredentials({ email: user.email, password: TEST_PASSWORD })).toMatchObject({ id: user.id });
  });

  test("through the attempt limits: disabled after the right password, the usual null for a wrong one", async () => {
    const user = await createUser();
    await disable(user.id);
    expect(await failure(signInWithLimits({ email: user.email, password: TEST_PASSWORD }, "192.0.2.20"))).toEqual(new AccountDisabledError());
    expect(await signInWithLimits({ email: user.email, password: WRONG }, "192.0.2.20")).toBeNull();
  });

  test("through GitHub or GitLab: a disabled account is refused, an enabled one found", async () => {
    const user = await createUser();
    await disable(user.id);
    await expect(findOrCreateExternalUser({ email: user.email.toUpperCase(), name: "Someone" })).rejects.toBeInstanceOf(AccountDisabledError);
    await enable(user.id);
    expect(await findOrCreateExternalUser({ email: user.email, name: "Someone" })).toMatchObject({ id: user.id });
  });
});

describe("sessions of a disabled account", () => {
  test("a session whose row survived the disabling is not live, on this instance at once", async () => {
    const user = await createUser();
    const id = await createSession(user.id, client);
    expect(await liveSession(id)).toMatchObject({ userId: user.id });
    await eventually(async () => (await queriesDuring(() => liveSession(id))) === 0, 2_000);

    await disable(user.id, { endSessions: false });
    expect(await (await prisma()).session.count({ where: { id } })).toBe(1);
    expect(await liveSession(id)).toBeNull();
  });

  test("disabling ends the sessions; after re-enabling, a new sign-in's session is live", async () => {
    const user = await createUser();
    const id = await createSession(user.id, client);
    await disable(user.id);
    expect(await liveSession(id)).toBeNull();
    expect(await (await prisma()).session.count({ where: { userId: user.id } })).toBe(0);

    await enable(user.id);
    const again = await createSession(user.id, client);
    expect(await liveSession(again)).toMatchObject({ userId: user.id, user: { email: user.email } });
  });
});

describe("last sign-in", () => {
  test("is empty until the first session, then the time of the latest one", async () => {
    const user = await createUser();
    const lastSignIn = async () => (await (await prisma()).user.findUniqueOrThrow({ where: { id: user.id } })).lastSignInAt;
    expect(await lastSignIn()).toBeNull();
    const first = new Date("2026-12-01T09:00:00.000Z");
    await createSession(user.id, client, first);
    expect(await lastSignIn()).toEqual(first);
    const second = new Date("2026-12-01T10:30:00.000Z");
    await createSession(user.id, client, second);
    expect(await lastSignIn()).toEqual(second);
  });

  test("a sign-in of a deleted account fails whole: no session row is left behind", async () => {
    const user = await createUser();
    await (await prisma()).user.delete({ where: { id: user.id } });
    await expect(createSession(user.id, client)).rejects.toThrow();
    expect(await (await prisma()).session.count({ where: { userId: user.id } })).toBe(0);
  });
});
