import { adminActor } from "@/lib/admin/actor";
import { makeAdministrator } from "@/lib/admin/administrators";
import { deleteUser, disableUser, enableUser, grantToUser, withdrawFromUser } from "@/lib/admin/users";
import type { Client } from "@/lib/client";
import { prisma } from "@/lib/db";
import { setPolicies } from "@/lib/policies/service";
import { createScope, retireScope } from "@/lib/scopes/service";
import { createSession, endOtherSessions, endSession, endSessionById } from "@/lib/sessions/service";
import { secretHistory } from "@/lib/tokens/history";
import {
  createToken,
  deleteToken,
  endOverlap,
  revokeToken,
  revokeTokenAsAdmin,
  rotateToken,
  tokenActor,
  updateToken,
  type Actor,
} from "@/lib/tokens/service";
import { verifySecret } from "@/lib/tokens/verify";
import { changePasswordWithLimits, signInRecordsWritten, signInWithLimits } from "@/lib/users/attempt-limits";
import { useFreshDatabase } from "../helpers/database";
import { TEST_PASSWORD, createUser } from "../helpers/users";

/**
 * Issue 14, item 1: every change is recorded exactly once, by the path that made it, with who
 * (person, token GUID, administrator, system), from where, and what; a change that fails records
 * nothing; no record holds a secret. On PGlite and on PostgreSQL. (Over HTTP: tests/api/activity-events.test.ts;
 * the page's server actions: tests/db/token-actions.test.ts.)
 */
process.env.SIGN_IN_FAILURE_LIMIT = "3";
useFreshDatabase();
// Each test hashes passwords and makes dozens of changes, on a shared, busy machine.
jest.setTimeout(30_000);

const NOW = new Date("2031-03-01T10:00:00.000Z");
const MINUTE = 60_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
const client = (address = "198.51.100.7", userAgent: string | null = FIREFOX): Client => ({ address, key: address, userAgent });

async function eventsAbout(targetUser: string, actions?: string[]) {
  const db = await prisma();
  return db.auditEvent.findMany({
    where: { targetUser, ...(actions && { action: { in: actions } }) },
    orderBy: [{ occurredAt: "asc" }, { action: "asc" }],
  });
}
const tokenEvents = async (userId: string) => (await eventsAbout(userId)).filter((e) => e.action.startsWith("token."));
const actions = (rows: { action: string }[]) => rows.map((row) => row.action);

async function asPerson() {
  const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
  const actor: Actor = { userId: user.id, email: user.email, client: client() };
  return { user, actor };
}

/** An API token of the user's, as the API's routes hand it to the service. */
async function asToken(userId: string, address = "203.0.113.9", userAgent = "curl/8.5.0") {
  const { token, secret } = await createToken(userId, { name: "Automation", scopes: ["tokens:read", "tokens:write"] }, NOW);
  const verified = await verifySecret(secret, at(MINUTE));
  if (!verified.ok) throw new Error(verified.reason);
  return { guid: token.guid, actor: tokenActor(verified.token, client(address, userAgent)) };
}

describe("the token service records each change once, naming the actor", () => {
  test("a person with their client: created, edited, rotated, overlap ended, revoked, deleted; no record holds a secret", async () => {
    const { user, actor } = await asPerson();
    const created = await createToken(actor, { name: "Deploy", description: "CI", scopes: ["tokens:read"], validTo: at(30 * 24 * 60 * MINUTE).toISOString() }, NOW);
    const { token } = created;
    await updateToken(actor, token.guid, { name: "Deploy v2", scopes: ["tokens:read", "tokens:write"] }, at(MINUTE));
    const rotated = await rotateToken(actor, token.guid, { overlapSeconds: 3600 }, at(2 * MINUTE));
    await endOverlap(actor, token.guid, at(3 * MINUTE));
    await revokeToken(actor, token.guid, at(4 * MINUTE));
    await deleteToken(actor, token.guid, at(5 * MINUTE));

    const rows = await eventsAbout(user.id);
    expect(actions(rows)).toEqual(["token.created", "token.edited", "token.rotated", "token.overlap_ended", "token.revoked", "token.deleted"]);
    for (const row of rows) {
      expect(row).toMatchObject({
        actorKind: "person",
        actorUserId: user.id,
        actorLabel: user.email,
        actorToken: null,
        targetUser: user.id,
        targetToken: token.guid,
        ip: "198.51.100.7",
        userAgent: FIREFOX,
      });
      expect(JSON.stringify(row)).not.toContain(created.secret);
      expect(JSON.stringify(row)).not.toContain(rotated.secret);
    }
    expect(rows.map((row) => row.occurredAt)).toEqual([NOW, at(MINUTE), at(2 * MINUTE), at(3 * MINUTE), at(4 * MINUTE), at(5 * MINUTE)]);
    expect(rows.map((row) => row.details)).toEqual([
      {
        name: "Deploy",
        description: "CI",
        scopes: ["tokens:read"],
        validFrom: NOW.toISOString(),
        validTo: at(30 * 24 * 60 * MINUTE).toISOString(),
        partial: token.partial,
      },
      {
        name: "Deploy v2",
        changes: { name: { before: "Deploy", after: "Deploy v2" }, scopes: { before: ["tokens:read"], after: ["tokens:read", "tokens:write"] } },
      },
      { name: "Deploy v2", overlapSeconds: 3600, previousPartial: token.partial, partial: rotated.token.partial },
      { name: "Deploy v2", partial: rotated.token.partial },
      { name: "Deploy v2", partial: rotated.token.partial },
      { name: "Deploy v2", partial: rotated.token.partial },
    ]);
  });

  test("an API token: the actor is the token, by its GUID, with the request's address and user agent", async () => {
    const { user } = await asPerson();
    const caller = await asToken(user.id);
    const { token } = await createToken(caller.actor, { name: "Child", scopes: ["tokens:read"], validTo: at(60 * MINUTE).toISOString() }, at(MINUTE));
    await updateToken(caller.actor, token.guid, { description: "made by CI" }, at(1.5 * MINUTE));
    await rotateToken(caller.actor, token.guid, { overlapSeconds: 60, validTo: at(50 * MINUTE).toISOString() }, at(2 * MINUTE));
    await endOverlap(caller.actor, token.guid, at(2.5 * MINUTE));
    await revokeToken(caller.actor, token.guid, at(3 * MINUTE));
    await deleteToken(caller.actor, token.guid, at(3.5 * MINUTE));

    const rows = (await tokenEvents(user.id)).filter((row) => row.targetToken === token.guid);
    expect(actions(rows)).toEqual(["token.created", "token.edited", "token.rotated", "token.overlap_ended", "token.revoked", "token.deleted"]);
    for (const row of rows) {
      expect(row).toMatchObject({ actorKind: "token", actorUserId: user.id, actorToken: caller.guid, actorLabel: user.email, ip: "203.0.113.9", userAgent: "curl/8.5.0" });
    }
    // A renewal says the new end.
    expect(rows[2]!.details).toMatchObject({ overlapSeconds: 60, validTo: at(50 * MINUTE).toISOString() });
    expect(rows[1]!.details).toEqual({ name: "Child", changes: { description: { before: "", after: "made by CI" } } });
  });

  test("a bare user id (a script) is a person without an address; an edit that changes nothing is not recorded", async () => {
    const { user } = await asPerson();
    const { token } = await createToken(user.id, { name: "Script's", scopes: ["tokens:read"] }, NOW);
    await updateToken(user.id, token.guid, { name: "Script's", description: "", scopes: ["tokens:read"], validFrom: NOW.toISOString() }, at(MINUTE));
    await updateToken(user.id, token.guid, { validTo: at(MINUTE * 90).toISOString() }, at(MINUTE));
    const rows = await tokenEvents(user.id);
    expect(actions(rows)).toEqual(["token.created", "token.edited"]);
    expect(rows[0]).toMatchObject({ actorKind: "person", actorUserId: user.id, actorLabel: null, ip: null, userAgent: null });
    expect(rows[1]!.details).toEqual({ name: "Script's", changes: { validTo: { before: null, after: at(MINUTE * 90).toISOString() } } });
  });

  test("an administrator's revocation stays one event of its own, with the reason; the owner's revoke of it then records nothing", async () => {
    const { user, actor } = await asPerson();
    const admin = await createUser();
    const { token } = await createToken(actor, { name: "Leaked", scopes: ["tokens:read"] }, NOW);
    await revokeTokenAsAdmin(adminActor(admin, client("192.0.2.1", "Admin browser")), token.guid, { reason: "Posted in a public issue" }, at(MINUTE));
    await revokeToken(actor, token.guid, at(2 * MINUTE));
    const rows = await tokenEvents(user.id);
    expect(actions(rows)).toEqual(["token.created", "token.revoked_by_admin"]);
    expect(rows[1]).toMatchObject({ actorKind: "administrator", actorUserId: admin.id, ip: "192.0.2.1", userAgent: "Admin browser", targetUser: user.id });
    expect(rows[1]!.details).toMatchObject({ name: "Leaked", reason: "Posted in a public issue" });
  });
});

describe("a failed change records nothing", () => {
  test("validation errors, policy violations, conflicts, another user's token, a token beyond the caller", async () => {
    const { user, actor } = await asPerson();
    const other = await createUser({ scopes: ["tokens:read"] });
    const { token } = await createToken(actor, { name: "Kept", scopes: ["tokens:read"] }, NOW);
    const { token: foreign } = await createToken(other.id, { name: "Theirs", scopes: ["tokens:read"] }, NOW);
    const before = await eventsAbout(user.id);
    const fails = (work: Promise<unknown>) => expect(work).rejects.toBeInstanceOf(Error);

    await fails(createToken(actor, { name: "", scopes: ["tokens:read"] }, NOW)); // validation
    await fails(createToken(actor, { name: "Too broad", scopes: ["admin:write"] }, NOW)); // not held
    await fails(updateToken(actor, token.guid, { validTo: "yesterday" }, NOW));
    await fails(rotateToken(actor, token.guid, { overlapSeconds: -1 }, NOW));
    await fails(endOverlap(actor, token.guid, NOW)); // no overlap: a conflict
    for (const guid of [foreign.guid, "not-a-guid"]) {
      await fails(updateToken(actor, guid, { name: "Mine now" }, NOW));
      await fails(rotateToken(actor, guid, {}, NOW));
      await fails(revokeToken(actor, guid, NOW));
      await fails(endOverlap(actor, guid, NOW));
      await fails(deleteToken(actor, guid, NOW));
    }
    // A token acting beyond itself (it ends within the hour; it may not make or reach a longer one).
    const short = await createToken(user.id, { name: "Short", scopes: ["tokens:read", "tokens:write"], validTo: at(60 * MINUTE).toISOString() }, NOW);
    const verified = await verifySecret(short.secret, at(MINUTE));
    if (!verified.ok) throw new Error(verified.reason);
    const shortActor = tokenActor(verified.token, client());
    await fails(createToken(shortActor, { name: "Forever", scopes: ["tokens:read"], validTo: null }, at(MINUTE)));
    await fails(rotateToken(shortActor, token.guid, {}, at(MINUTE)));
    await fails(deleteToken(shortActor, token.guid, at(MINUTE)));
    // A policy: no token may live longer than a day.
    const admin = await createUser();
    await setPolicies(adminActor(admin, client("192.0.2.1")), { maxTokenLifetimeDays: 1 }, NOW);
    await fails(createToken(actor, { name: "Too long", scopes: ["tokens:read"], validTo: at(3 * 24 * 60 * MINUTE).toISOString() }, NOW));
    await fails(updateToken(actor, token.guid, { validTo: at(3 * 24 * 60 * MINUTE).toISOString() }, NOW));
    await setPolicies(adminActor(admin, client("192.0.2.1")), { maxTokenLifetimeDays: null }, NOW);

    const tokenCreatedForShort = 1;
    expect((await eventsAbout(user.id)).length).toBe(before.length + tokenCreatedForShort);
    expect((await eventsAbout(other.id)).map((e) => e.action)).toEqual(["token.created"]);
  });

  test("a change the database rolls back (a GUID already taken) records nothing", async () => {
    const { user, actor } = await asPerson();
    const guid = "5e1f6c2a-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
    await createToken(actor, { guid, name: "First", scopes: ["tokens:read"] }, NOW);
    await expect(createToken(actor, { guid, name: "Second", scopes: ["tokens:read"] }, NOW)).rejects.toMatchObject({ fieldErrors: { guid: expect.any(Array) } });
    expect((await tokenEvents(user.id)).map((e) => e.details)).toEqual([expect.objectContaining({ name: "First" })]);
  });

  test("a second revoke, and a second end of the same overlap, record nothing more", async () => {
    const { user, actor } = await asPerson();
    const { token } = await createToken(actor, { name: "Twice", scopes: ["tokens:read"] }, NOW);
    await rotateToken(actor, token.guid, { overlapSeconds: 600 }, NOW);
    const ends = await Promise.allSettled([endOverlap(actor, token.guid, at(MINUTE)), endOverlap(actor, token.guid, at(MINUTE))]);
    expect(ends.map((e) => e.status).sort()).toEqual(["fulfilled", "rejected"]);
    await Promise.all([revokeToken(actor, token.guid, at(2 * MINUTE)), revokeToken(actor, token.guid, at(2 * MINUTE))]);
    await revokeToken(actor, token.guid, at(3 * MINUTE));
    expect(actions(await tokenEvents(user.id))).toEqual(["token.created", "token.rotated", "token.overlap_ended", "token.revoked"]);
  });
});

describe("the rotation history", () => {
  test("every secret with when it was issued and when it stopped; the reader is the owner's only", async () => {
    const { user, actor } = await asPerson();
    const { token } = await createToken(actor, { name: "History", scopes: ["tokens:read"] }, NOW);
    const first = token.partial;
    const entries = async () => secretHistory(user.id, token.guid);
    expect(await entries()).toEqual([{ partial: first, issuedAt: NOW, stoppedAt: null, current: true }]);

    // No overlap: the first secret stops at once.
    const second = (await rotateToken(actor, token.guid, {}, at(MINUTE))).token.partial;
    // An hour's overlap: the second works for another hour...
    const third = (await rotateToken(actor, token.guid, { overlapSeconds: 3600 }, at(2 * MINUTE))).token.partial;
    // ...and a rotation with a longer overlap leaves it its earlier end; the third winds down for two hours.
    const fourth = (await rotateToken(actor, token.guid, { overlapSeconds: 7200 }, at(3 * MINUTE))).token.partial;
    expect(await entries()).toEqual([
      { partial: fourth, issuedAt: at(3 * MINUTE), stoppedAt: null, current: true },
      { partial: third, issuedAt: at(2 * MINUTE), stoppedAt: at(3 * MINUTE + 7200_000), current: false },
      { partial: second, issuedAt: at(MINUTE), stoppedAt: at(2 * MINUTE + 3600_000), current: false },
      { partial: first, issuedAt: NOW, stoppedAt: at(MINUTE), current: false },
    ]);

    // Ending the overlap stops both winding-down secrets now; a revocation leaves the current one open.
    await endOverlap(actor, token.guid, at(4 * MINUTE));
    await revokeToken(actor, token.guid, at(5 * MINUTE));
    expect((await entries()).map((e) => [e.partial, e.stoppedAt])).toEqual([
      [fourth, null],
      [third, at(4 * MINUTE)],
      [second, at(4 * MINUTE)],
      [first, at(MINUTE)],
    ]);

    const other = await createUser();
    expect(await secretHistory(other.id, token.guid)).toEqual([]);
    expect(await secretHistory(user.id, "not-a-guid")).toEqual([]);
    await deleteToken(actor, token.guid, at(6 * MINUTE));
    expect(await entries()).toEqual([]);
  });

  test("an overlap never outlasts the token, nor does a secret of an expired token stop later than the token did", async () => {
    const { user, actor } = await asPerson();
    const { token } = await createToken(actor, { name: "Short", scopes: ["tokens:read"], validTo: at(30 * MINUTE).toISOString() }, NOW);
    await rotateToken(actor, token.guid, { overlapSeconds: 3600 }, at(MINUTE));
    expect((await secretHistory(user.id, token.guid))[1]!.stoppedAt).toEqual(at(30 * MINUTE));
    // Expired at +30 min; renewed without overlap an hour later: the old secret stopped when the token did.
    await rotateToken(actor, token.guid, { validTo: at(3 * 60 * MINUTE).toISOString() }, at(90 * MINUTE));
    expect((await secretHistory(user.id, token.guid))[1]!.stoppedAt).toEqual(at(30 * MINUTE));
  });
});

describe("sign-in, sessions and the password", () => {
  test("a sign-in is recorded with how and from where; signing out, ending a session and ending the others each once", async () => {
    const user = await createUser();
    const first = await createSession(user.id, client(), NOW);
    const second = await createSession(user.id, client("2001:db8::5", "Safari"), at(MINUTE), "github");
    const third = await createSession(user.id, client("192.0.2.50", "Edge"), at(MINUTE + 1000));
    const fourth = await createSession(user.id, client("192.0.2.51", "Edge"), at(MINUTE + 2000));
    const me = { userId: user.id, email: user.email, client: client("198.51.100.99", "Firefox on the settings page") };

    await endSession(me, second, at(2 * MINUTE));
    await expect(endSession(me, second, at(2 * MINUTE))).rejects.toMatchObject({ name: "NotFoundError" });
    await endSessionById(third, client("192.0.2.50", "Edge"), at(3 * MINUTE));
    await endSessionById(third, client("192.0.2.50", "Edge"), at(3 * MINUTE)); // signed out already
    expect(await endOtherSessions(user.id, first, me, at(4 * MINUTE))).toBe(1);
    expect(await endOtherSessions(user.id, first, me, at(4 * MINUTE))).toBe(0);
    expect(fourth).toBeTruthy();

    const rows = await eventsAbout(user.id);
    expect(rows.map((r) => [r.action, r.actorKind, r.actorUserId, r.ip, r.userAgent, r.details])).toEqual([
      ["user.signed_in", "person", user.id, "198.51.100.7", FIREFOX, { method: "credentials", device: "Firefox on Linux" }],
      ["user.signed_in", "person", user.id, "2001:db8::5", "Safari", { method: "github", device: "Safari" }],
      ["user.signed_in", "person", user.id, "192.0.2.50", "Edge", { method: "credentials", device: "Edge" }],
      ["user.signed_in", "person", user.id, "192.0.2.51", "Edge", { method: "credentials", device: "Edge" }],
      ["user.session_ended", "person", user.id, "198.51.100.99", "Firefox on the settings page", { how: "ended", device: "Safari", address: "2001:db8::5" }],
      ["user.session_ended", "person", user.id, "192.0.2.50", "Edge", { how: "signed_out", device: "Edge", address: "192.0.2.50" }],
      ["user.session_ended", "person", user.id, "198.51.100.99", "Firefox on the settings page", { how: "ended_others", count: 1 }],
    ]);
  });

  test("a wrong password for an account is recorded for it, an unknown email for no one; the pause once, when it begins", async () => {
    const user = await createUser();
    const from = client("203.0.113.40", "Hydra");
    for (let i = 0; i < 3; i++) expect(await signInWithLimits({ email: user.email, password: "not it" }, from)).toBeNull();
    await expect(signInWithLimits({ email: user.email, password: TEST_PASSWORD }, from)).rejects.toMatchObject({ name: "TooManyAttemptsError" });
    await expect(signInWithLimits({ email: user.email, password: "not it" }, from)).rejects.toMatchObject({ name: "TooManyAttemptsError" });
    expect(await signInWithLimits({ email: "nobody@example.com", password: "not it" }, from)).toBeNull();
    await signInRecordsWritten();

    const rows = await eventsAbout(user.id);
    expect(rows.map((r) => [r.action, r.details])).toEqual([
      ["user.sign_in_failed", { reason: "wrong_password" }],
      ["user.sign_in_failed", { reason: "wrong_password" }],
      ["user.sign_in_failed", { reason: "wrong_password" }],
      ["user.sign_in_paused", { paused: "account", minutes: 15 }],
    ]);
    for (const row of rows) expect(row).toMatchObject({ actorKind: "person", actorUserId: user.id, actorLabel: user.email, ip: "203.0.113.40", userAgent: "Hydra" });
    const db = await prisma();
    expect(await db.auditEvent.count({ where: { targetUser: null, action: { startsWith: "user.sign_in" } } })).toBe(0);
    expect(JSON.stringify(rows)).not.toContain("not it");
  });

  test("an address paused by guesses at many accounts is recorded for the account whose failure began it", async () => {
    const users = await Promise.all(Array.from({ length: 3 }, () => createUser()));
    const from = client("203.0.113.41", "Spray");
    // Fifteen failures per address: twelve at unknown emails, then three at real accounts.
    for (let i = 0; i < 12; i++) await signInWithLimits({ email: `guess${i}@example.com`, password: "x" }, from);
    for (const user of users) await signInWithLimits({ email: user.email, password: "x" }, from);
    await signInRecordsWritten();
    expect(actions(await eventsAbout(users[0]!.id))).toEqual(["user.sign_in_failed"]);
    const last = await eventsAbout(users[2]!.id);
    expect(last.map((r) => [r.action, r.details])).toEqual([
      ["user.sign_in_failed", { reason: "wrong_password" }],
      ["user.sign_in_paused", { paused: "address", address: "203.0.113.41", minutes: 15 }],
    ]);
  });

  test("the right password of a disabled account is a failed sign-in, recorded", async () => {
    const user = await createUser();
    const admin = await createUser();
    await disableUser(adminActor(admin, client("192.0.2.1")), user.id, NOW);
    await expect(signInWithLimits({ email: user.email, password: TEST_PASSWORD }, client("203.0.113.42"))).rejects.toMatchObject({ name: "AccountDisabledError" });
    await signInRecordsWritten();
    expect((await eventsAbout(user.id, ["user.sign_in_failed"])).map((r) => [r.details, r.ip])).toEqual([[{ reason: "account_disabled" }, "203.0.113.42"]]);
  });

  test("a password change is recorded with the sessions it ended; a wrong current password is a failed sign-in, and changes nothing", async () => {
    const user = await createUser();
    const current = await createSession(user.id, client(), NOW);
    await createSession(user.id, client("192.0.2.60"), NOW);
    const from = client("198.51.100.70", "Settings page");
    await expect(changePasswordWithLimits(user, current, { currentPassword: "wrong", newPassword: "a brand new passphrase", confirmPassword: "a brand new passphrase" }, from)).rejects.toMatchObject({
      fieldErrors: { currentPassword: expect.any(Array) },
    });
    await expect(changePasswordWithLimits(user, current, { currentPassword: TEST_PASSWORD, newPassword: "short", confirmPassword: "short" }, from)).rejects.toMatchObject({ name: "ValidationError" });
    await signInRecordsWritten();
    expect(actions(await eventsAbout(user.id, ["user.password_changed", "user.sign_in_failed"]))).toEqual(["user.sign_in_failed"]);

    await changePasswordWithLimits(user, current, { currentPassword: TEST_PASSWORD, newPassword: "a brand new passphrase", confirmPassword: "a brand new passphrase" }, from);
    const [failed, changed] = await eventsAbout(user.id, ["user.password_changed", "user.sign_in_failed"]);
    expect(failed!.details).toEqual({ reason: "wrong_password", during: "password_change" });
    expect(changed).toMatchObject({ action: "user.password_changed", actorKind: "person", actorUserId: user.id, ip: "198.51.100.70", userAgent: "Settings page", details: { otherSessionsEnded: 1 } });
    expect(JSON.stringify([failed, changed])).not.toContain("brand new");
  });
});

describe("administrators' actions, once each, with the administrator's address and user agent", () => {
  test("grant, withdraw, disable, enable, delete, scope added and retired, policy changed, token revoked; no-ops record nothing", async () => {
    const admin = await createUser();
    const by = adminActor(admin, client("192.0.2.8", "Admin's Firefox"));
    const user = await createUser({ scopes: ["tokens:read"] });
    await makeAdministrator(admin.email, NOW);

    await grantToUser(by, user.id, "tokens:write");
    await grantToUser(by, user.id, "tokens:write"); // held already
    await withdrawFromUser(by, user.id, "tokens:write");
    await withdrawFromUser(by, user.id, "tokens:write"); // not held
    await expect(grantToUser(by, user.id, "no:such")).rejects.toMatchObject({ name: "NotFoundError" });
    await createScope(by, { name: "billing:read", description: "Read invoices" });
    await expect(createScope(by, { name: "billing:read", description: "Again" })).rejects.toMatchObject({ name: "ValidationError" });
    await retireScope(by, "billing:read", NOW);
    await setPolicies(by, { maxActiveTokensPerUser: 5 }, NOW);
    const { token } = await createToken(user.id, { name: "Theirs", scopes: ["tokens:read"] }, NOW);
    await revokeTokenAsAdmin(by, token.guid, { reason: "Offboarding" }, at(MINUTE));
    await expect(revokeTokenAsAdmin(by, token.guid, { reason: "Again" }, at(MINUTE))).rejects.toMatchObject({ name: "ConflictError" });
    await disableUser(by, user.id, at(MINUTE));
    await disableUser(by, user.id, at(MINUTE)); // disabled already
    await enableUser(by, user.id, at(MINUTE));
    await expect(disableUser(by, admin.id, at(MINUTE))).rejects.toMatchObject({ name: "ConflictError" }); // their own account
    await deleteUser(by, user.id, at(2 * MINUTE));

    const db = await prisma();
    const byAdmin = await db.auditEvent.findMany({ where: { actorKind: "administrator", actorUserId: admin.id } });
    expect(byAdmin.map((r) => r.action).sort()).toEqual(
      [
        "user.scope_granted",
        "user.scope_withdrawn",
        "scope.created",
        "scope.retired",
        "policy.changed",
        "token.revoked_by_admin",
        "user.disabled",
        "user.enabled",
        "user.deleted",
      ].sort(),
    );
    for (const row of byAdmin) expect(row).toMatchObject({ actorUserId: admin.id, actorLabel: admin.email, actorToken: null, ip: "192.0.2.8", userAgent: "Admin's Firefox" });
    const bySystem = await db.auditEvent.findMany({ where: { actorKind: "system", targetUser: admin.id } });
    expect(bySystem.map((r) => [r.action, r.actorUserId, r.ip])).toEqual([["admin.granted", null, null]]);
  });
});
