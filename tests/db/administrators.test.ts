import { ADMIN_ACTIONS } from "@/lib/audit/events";
import { makeAdministrator, unmakeAdministrator } from "@/lib/admin/administrators";
import { prisma } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { liveSession, sessionCacheReady } from "@/lib/sessions/check";
import { createSession } from "@/lib/sessions/service";
import { createToken } from "@/lib/tokens/service";
import { verifySecret } from "@/lib/tokens/verify";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

/** Administrators made and unmade (lib/admin/administrators.ts), on PGlite and on PostgreSQL. */
useFreshDatabase();

beforeAll(() => sessionCacheReady());

const NOW = new Date("2026-12-01T12:00:00.000Z");
const client = { address: "192.0.2.10", userAgent: "test" };

async function standing(userId: string) {
  const db = await prisma();
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { isAdmin: true, grants: { select: { scopeName: true }, orderBy: { scopeName: "asc" } } } });
  return { isAdmin: user.isAdmin, grants: user.grants.map((g) => g.scopeName) };
}

async function eventsFor(userId: string) {
  // Administrators' actions only: the person's own (their tokens, sign-ins) are recorded too.
  const rows = await (await prisma()).auditEvent.findMany({ where: { targetUser: userId, action: { in: [...ADMIN_ACTIONS] } }, orderBy: { occurredAt: "asc" } });
  return rows.map(({ action, actorKind, actorUserId, actorLabel, actorToken, targetUser, targetToken, targetScope, details, ip, userAgent, occurredAt }) => ({
    action,
    actorKind,
    actorUserId,
    actorLabel,
    actorToken,
    targetUser,
    targetToken,
    targetScope,
    details,
    ip,
    userAgent,
    occurredAt,
  }));
}

const systemEvent = (action: string, user: { id: string; email: string }, occurredAt = NOW) => ({
  action,
  actorKind: "system",
  actorUserId: null,
  actorLabel: null,
  actorToken: null,
  targetUser: user.id,
  targetToken: null,
  targetScope: null,
  details: { email: user.email },
  ip: null,
  userAgent: null,
  occurredAt,
});

async function scopesOf(secret: string) {
  const result = await verifySecret(secret);
  if (!result.ok) throw new Error(`expected an active token, got ${result.reason}`);
  return { scopes: result.token.scopes, userIsAdmin: result.token.userIsAdmin };
}

test("granting sets is_admin, grants admin:read and admin:write beside what the person held, and records it as the system's doing", async () => {
  const user = await createUser({ scopes: ["tokens:read"] });
  expect(await makeAdministrator(user.email.toUpperCase(), NOW)).toEqual({ userId: user.id, email: user.email, changed: true });
  expect(await standing(user.id)).toEqual({ isAdmin: true, grants: ["admin:read", "admin:write", "tokens:read"] });
  expect(await eventsFor(user.id)).toEqual([systemEvent("admin.granted", user)]);
});

test("granting an administrator again changes nothing and records nothing; a half-made one is completed", async () => {
  const user = await createUser({ scopes: [] });
  await makeAdministrator(user.email, NOW);
  expect(await makeAdministrator(user.email, NOW)).toEqual({ userId: user.id, email: user.email, changed: false });
  expect(await eventsFor(user.id)).toHaveLength(1);

  // is_admin without the grants (set by hand in the database): granting completes it.
  await (await prisma()).userScope.deleteMany({ where: { userId: user.id, scopeName: "admin:write" } });
  expect(await makeAdministrator(user.email, NOW)).toMatchObject({ changed: true });
  expect(await standing(user.id)).toEqual({ isAdmin: true, grants: ["admin:read", "admin:write"] });
});

test("revoking clears is_admin and withdraws only the two admin scopes, recorded; their tokens lose them at once and get them back with the next grant", async () => {
  const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
  await makeAdministrator(user.email, NOW);
  const { secret } = await createToken(user.id, { name: "Admin tool", scopes: ["admin:read", "admin:write", "tokens:read"] });
  expect(await scopesOf(secret)).toEqual({ scopes: ["admin:read", "admin:write", "tokens:read"], userIsAdmin: true });

  const later = new Date(NOW.getTime() + 60_000);
  expect(await unmakeAdministrator(user.email, later)).toEqual({ userId: user.id, email: user.email, changed: true });
  expect(await standing(user.id)).toEqual({ isAdmin: false, grants: ["tokens:read", "tokens:write"] });
  // The verification cache held the token: it was told, not left to expire.
  expect(await scopesOf(secret)).toEqual({ scopes: ["tokens:read"], userIsAdmin: false });
  expect(await eventsFor(user.id)).toEqual([systemEvent("admin.granted", user), systemEvent("admin.revoked", user, later)]);

  // The token kept its scopes on record: made an administrator again, it carries them again.
  await makeAdministrator(user.email, later);
  expect(await scopesOf(secret)).toEqual({ scopes: ["admin:read", "admin:write", "tokens:read"], userIsAdmin: true });
});

test("revoking someone who is not an administrator changes nothing and records nothing", async () => {
  const user = await createUser({ scopes: ["tokens:read"] });
  expect(await unmakeAdministrator(user.email, NOW)).toEqual({ userId: user.id, email: user.email, changed: false });
  expect(await standing(user.id)).toEqual({ isAdmin: false, grants: ["tokens:read"] });
  expect(await eventsFor(user.id)).toEqual([]);
});

test("a signed-in person's session says at once whether they are an administrator (the header and the /admin guard read it)", async () => {
  const user = await createUser();
  const id = await createSession(user.id, client);
  expect(await liveSession(id)).toMatchObject({ user: { isAdmin: false } });
  await makeAdministrator(user.email, NOW);
  expect(await liveSession(id)).toMatchObject({ user: { isAdmin: true } });
  await unmakeAdministrator(user.email, NOW);
  expect(await liveSession(id)).toMatchObject({ user: { isAdmin: false } });
});

test("an unknown or malformed email is NotFoundError naming it, and nothing is written", async () => {
  const db = await prisma();
  const before = await db.auditEvent.count();
  for (const email of ["nobody@example.com", "not an email", ""]) {
    await expect(makeAdministrator(email)).rejects.toThrow(
      new NotFoundError(`There is no account with the email ${JSON.stringify(email)}. Sign up first, or check the spelling.`),
    );
    await expect(unmakeAdministrator(email)).rejects.toBeInstanceOf(NotFoundError);
  }
  expect(await db.auditEvent.count()).toBe(before);
  expect(await db.user.count({ where: { isAdmin: true, email: "nobody@example.com" } })).toBe(0);
});
