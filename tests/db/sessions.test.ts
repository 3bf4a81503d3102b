import { Client } from "pg";
import { databaseStats, prisma } from "@/lib/db";
import { NotFoundError, TooManyAttemptsError, ValidationError } from "@/lib/errors";
import { liveSession, sessionCache, sessionCacheReady } from "@/lib/sessions/check";
import { LastSeenRecorder, deleteDeadSessions } from "@/lib/sessions/last-seen";
import { IDLE_TIMEOUT_MS, MAX_LIFETIME_MS } from "@/lib/sessions/policy";
import { createSession, endOtherSessions, endSession, endSessionById, listSessions } from "@/lib/sessions/service";
import { changePasswordWithLimits, signInWithLimits } from "@/lib/users/attempt-limits";
import { findOrCreateExternalUser } from "@/lib/users/service";
import { useFreshDatabase } from "../helpers/database";
import { TEST_PASSWORD, createUser } from "../helpers/users";

/** Server-side sessions against a real database (PGlite, or PostgreSQL with TEST_POSTGRES_URL). */
useFreshDatabase();

beforeAll(() => sessionCacheReady());

const onPostgres = process.env.TEST_POSTGRES_URL ? test : test.skip;
const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const client = (address = "192.0.2.10") => ({ address, userAgent: CHROME });

async function queriesDuring(work: () => unknown): Promise<number> {
  const before = databaseStats().queries;
  await work();
  return databaseStats().queries - before;
}

async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > withinMs) throw new Error(`not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

test("a new session is live, carries its account, and is then answered from memory", async () => {
  const user = await createUser({ name: "Ada" });
  const id = await createSession(user.id, client());
  expect(await liveSession(id)).toMatchObject({ id, userId: user.id, user: { email: user.email, name: "Ada", isAdmin: false } });
  // On PostgreSQL nothing announces a new session, so the entry stays: the next checks cost nothing.
  await eventually(async () => (await queriesDuring(() => liveSession(id))) === 0, 2_000);
  expect(await queriesDuring(() => liveSession(id))).toBe(0);
  expect(liveSession(id)).not.toBeInstanceOf(Promise);
});

test("ids that are not sessions are refused, the malformed ones without a query", async () => {
  expect(await queriesDuring(() => liveSession("not-a-uuid"))).toBe(0);
  expect(liveSession(undefined)).toBeNull();
  expect(liveSession(42)).toBeNull();
  const unknown = "00000000-0000-4000-8000-000000000000";
  expect(await liveSession(unknown)).toBeNull();
  expect(await queriesDuring(() => liveSession(unknown))).toBe(0);
});

test("ending a session refuses it at once; another person's id answers not found and changes nothing", async () => {
  const owner = await createUser();
  const stranger = await createUser();
  const id = await createSession(owner.id, client());
  expect(await liveSession(id)).not.toBeNull();

  await expect(endSession(stranger.id, id)).rejects.toBeInstanceOf(NotFoundError);
  await expect(endSession(owner.id, "nonsense")).rejects.toBeInstanceOf(NotFoundError);
  await expect(endSession(owner.id, { id })).rejects.toBeInstanceOf(NotFoundError);
  expect(await liveSession(id)).not.toBeNull();

  await endSession(owner.id, id);
  expect(await liveSession(id)).toBeNull();
  await expect(endSession(owner.id, id)).rejects.toBeInstanceOf(NotFoundError);
});

test("signing out of all other sessions keeps this one and nobody else's", async () => {
  const owner = await createUser();
  const other = await createUser();
  const [current, second, third] = [await createSession(owner.id, client()), await createSession(owner.id, client()), await createSession(owner.id, client())];
  const foreign = await createSession(other.id, client());

  expect(await endOtherSessions(owner.id, current)).toBe(2);
  expect(await liveSession(current)).not.toBeNull();
  expect(await liveSession(second)).toBeNull();
  expect(await liveSession(third)).toBeNull();
  expect(await liveSession(foreign)).not.toBeNull();
  expect((await listSessions(owner.id, current)).map((s) => s.id)).toEqual([current]);
});

test("the list shows device, address and times, this session first", async () => {
  const user = await createUser();
  const older = await createSession(user.id, { address: "198.51.100.7", userAgent: "curl/8.5.0" }, new Date(Date.now() - 60_000));
  const current = await createSession(user.id, client("2001:db8::1"));
  const list = await listSessions(user.id, older);
  expect(list).toMatchObject([
    { id: older, device: "curl", address: "198.51.100.7", current: true },
    { id: current, device: "Chrome on Linux", address: "2001:db8::1", current: false },
  ]);
  expect(list[0]!.signedInAt).toBeInstanceOf(Date);
});

test("a session ends after a week unused and after thirty days in any case", async () => {
  const user = await createUser();
  const id = await createSession(user.id, client());
  const now = Date.now();
  expect(await liveSession(id, new Date(now + IDLE_TIMEOUT_MS - 60_000))).not.toBeNull();
  expect(await liveSession(id, new Date(now + IDLE_TIMEOUT_MS + 60_000))).toBeNull();

  // Seen yesterday, but signed in more than thirty days ago: ended.
  const db = await prisma();
  const signedIn = new Date(now - MAX_LIFETIME_MS - 1_000);
  const old = await createSession(user.id, client(), signedIn);
  await db.session.update({ where: { id: old }, data: { lastSeenAt: new Date(now - 86_400_000) } });
  sessionCache().invalidateSession(old);
  expect(await liveSession(old)).toBeNull();
  expect(await liveSession(id)).not.toBeNull();
});

test("dead sessions are deleted by the sweep, live ones stay", async () => {
  const user = await createUser();
  const db = await prisma();
  const live = await createSession(user.id, client());
  const idle = await createSession(user.id, client());
  await db.session.update({ where: { id: idle }, data: { lastSeenAt: new Date(Date.now() - IDLE_TIMEOUT_MS - 1) } });
  expect(await deleteDeadSessions(new Date(), user.id)).toBe(1);
  expect(await db.session.findMany({ where: { userId: user.id }, select: { id: true } })).toEqual([{ id: live }]);
});

test("last seen: a hundred uses become one write, and a session is written at most once a minute", async () => {
  const user = await createUser();
  const id = await createSession(user.id, client(), new Date(Date.now() - 3_600_000));
  const clock = { now: 0 };
  const recorder = new LastSeenRecorder({ minIntervalMs: 60_000, now: () => clock.now });
  const base = Date.now();
  for (let i = 0; i < 100; i++) recorder.record(id, { at: new Date(base + i), ip: `192.0.2.${i + 1}` });
  expect(await recorder.flush()).toEqual({ written: 1, deferred: 0, failed: 0 });
  const db = await prisma();
  expect(await db.session.findUnique({ where: { id }, select: { lastSeenAt: true, lastSeenIp: true } })).toEqual({
    lastSeenAt: new Date(base + 99),
    lastSeenIp: "192.0.2.100",
  });
  recorder.record(id, { at: new Date(base + 1_000), ip: "192.0.2.200" });
  clock.now += 59_999;
  expect(await recorder.flush()).toEqual({ written: 0, deferred: 1, failed: 0 });
  clock.now += 1;
  expect(await recorder.flush()).toEqual({ written: 1, deferred: 0, failed: 0 });
  // A last-seen write is no change to the session: the cached entry survives it.
  expect(await queriesDuring(() => liveSession(id))).toBeLessThanOrEqual(1);
});

test("sign-out ends the session named by the cookie", async () => {
  const user = await createUser();
  const id = await createSession(user.id, client());
  await endSessionById(id);
  expect(await liveSession(id)).toBeNull();
  await expect(endSessionById("garbage")).resolves.toBeUndefined();
});

describe("changing the password", () => {
  const input = (currentPassword: string, newPassword = "a brand new passphrase") => ({ currentPassword, newPassword, confirmPassword: newPassword });

  test("a wrong current password is refused on its field and counts against the sign-in limit", async () => {
    const user = await createUser();
    const session = await createSession(user.id, client());
    const error = await changePasswordWithLimits(user, session, input("wrong password"), "203.0.113.1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toEqual({ currentPassword: ["That is not your current password."] });
    // The default limit is ten failures per account: nine more wrong guesses pause the account everywhere.
    for (let i = 0; i < 9; i++) await changePasswordWithLimits(user, session, input(`guess ${i}`), "203.0.113.1").catch(() => undefined);
    await expect(changePasswordWithLimits(user, session, input(TEST_PASSWORD), "203.0.113.1")).rejects.toBeInstanceOf(TooManyAttemptsError);
    await expect(signInWithLimits({ email: user.email, password: TEST_PASSWORD }, "198.51.100.99")).rejects.toBeInstanceOf(TooManyAttemptsError);
  });

  test("new passwords follow the sign-up rules and must be typed twice alike", async () => {
    const user = await createUser();
    const session = await createSession(user.id, client());
    const short = await changePasswordWithLimits(user, session, input(TEST_PASSWORD, "short"), "k").catch((e: unknown) => e);
    expect((short as ValidationError).fieldErrors.newPassword).toEqual(["Use at least 10 characters."]);
    const differ = await changePasswordWithLimits(
      user,
      session,
      { currentPassword: TEST_PASSWORD, newPassword: "a brand new passphrase", confirmPassword: "a brand new passphrasE" },
      "k",
    ).catch((e: unknown) => e);
    expect((differ as ValidationError).fieldErrors.confirmPassword).toEqual(["The two new passwords are not the same."]);
  });

  test("success ends every other session, keeps this one, and the new password signs in", async () => {
    const user = await createUser();
    const current = await createSession(user.id, client());
    const other = await createSession(user.id, client());
    await changePasswordWithLimits(user, current, input(TEST_PASSWORD), "203.0.113.2");
    expect(await liveSession(current)).not.toBeNull();
    expect(await liveSession(other)).toBeNull();
    expect(await signInWithLimits({ email: user.email, password: "a brand new passphrase" }, "k2")).toMatchObject({ id: user.id });
    expect(await signInWithLimits({ email: user.email, password: TEST_PASSWORD }, "k2")).toBeNull();
  });

  test("an account without a password is told so", async () => {
    const user = await findOrCreateExternalUser({ email: "octocat@example.com", name: "Octocat" });
    const session = await createSession(user.id, client());
    const error = await changePasswordWithLimits(user, session, input("anything at all"), "k3").catch((e: unknown) => e);
    expect((error as ValidationError).fieldErrors.currentPassword?.[0]).toMatch(/no password/);
  });
});

onPostgres("a session ended by another instance, or with its deleted account, is refused within 1 s", async () => {
  const user = await createUser();
  const ended = await createSession(user.id, client());
  const withAccount = await createSession(user.id, client());
  await eventually(async () => (await queriesDuring(() => liveSession(ended))) === 0 && (await queriesDuring(() => liveSession(withAccount))) === 0, 2_000);

  // Another instance: a connection of its own, not this process's pool or cache.
  const other = new Client({ connectionString: process.env.DATABASE_URL });
  await other.connect();
  try {
    await other.query("DELETE FROM sessions WHERE id = $1", [ended]);
    expect(await eventually(async () => (await liveSession(ended)) === null, 1_000)).toBeLessThan(1_000);
    expect(await liveSession(withAccount)).not.toBeNull();
    await other.query("DELETE FROM users WHERE id = $1", [user.id]);
    expect(await eventually(async () => (await liveSession(withAccount)) === null, 1_000)).toBeLessThan(1_000);
  } finally {
    await other.end();
  }
});
