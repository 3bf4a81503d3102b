import { ADMIN_ACTIONS } from "@/lib/audit/events";
import { randomUUID } from "node:crypto";
import type { AdminActor } from "@/lib/admin/actor";
import {
  deleteUser,
  deletionImpact,
  disableUser,
  enableUser,
  getUser,
  grantToUser,
  listUsers,
  withdrawFromUser,
} from "@/lib/admin/users";
import { prisma } from "@/lib/db";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { createSession, listSessions } from "@/lib/sessions/service";
import { onTokenChange } from "@/lib/tokens/events";
import { createToken, revokeToken } from "@/lib/tokens/service";
import { verifySecret } from "@/lib/tokens/verify";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

useFreshDatabase();

const HOUR = 3_600_000;
const NOW = new Date("2031-03-01T12:00:00.000Z");
const at = (ms: number) => new Date(NOW.getTime() + ms);
const CLIENT = { address: "192.0.2.7", userAgent: "Jest" };

async function makeAdmin(name = "Admin"): Promise<{ id: string; email: string; actor: AdminActor }> {
  const user = await createUser({ name, scopes: ["admin:read", "admin:write"] });
  const db = await prisma();
  await db.user.update({ where: { id: user.id }, data: { isAdmin: true } });
  return { id: user.id, email: user.email, actor: { userId: user.id, email: user.email, tokenGuid: null, ip: "192.0.2.1", userAgent: "Jest" } };
}

async function events(targetUser: string) {
  const db = await prisma();
  // Administrators' actions only: the person's own (their tokens, sign-ins) are recorded too.
  const rows = await db.auditEvent.findMany({ where: { targetUser, action: { in: [...ADMIN_ACTIONS] } }, orderBy: { occurredAt: "asc" } });
  return rows.map((row) => ({ action: row.action, actor: row.actorUserId, scope: row.targetScope, details: row.details }));
}

async function reasonOf(secret: string, now = NOW) {
  const result = await verifySecret(secret, now);
  return result.ok ? "ok" : result.reason;
}

/** A user with tokens in every state: two active, one revoked, one expired, one scheduled. */
async function userWithTokens(name = "Token Holder") {
  const user = await createUser({ name, scopes: ["tokens:read", "tokens:write"] });
  const made = [];
  for (const [tokenName, validFrom, validTo] of [
    ["one", at(-HOUR), null],
    ["two", at(-HOUR), at(HOUR)],
    ["expired", at(-2 * HOUR), at(-HOUR)],
    ["scheduled", at(2 * HOUR), null],
    ["revoked", at(-HOUR), null],
  ] as const) {
    made.push(
      await createToken(
        user.id,
        { name: tokenName, scopes: ["tokens:read"], validFrom: validFrom.toISOString(), validTo: validTo?.toISOString() ?? null },
        at(-3 * HOUR),
      ),
    );
  }
  await revokeToken(user.id, made[4]!.token.guid, at(-HOUR / 2));
  return { user, secrets: made.map((m) => m.secret) };
}

describe("listUsers and getUser", () => {
  test("a user as administrators see them: scopes held, active and inactive token counts, last sign-in", async () => {
    const { user } = await userWithTokens("Counted Person");
    const db = await prisma();
    await db.user.update({ where: { id: user.id }, data: { lastSignInAt: at(-HOUR) } });
    const created = (await db.user.findUniqueOrThrow({ where: { id: user.id } })).createdAt;
    expect(await getUser(user.id, NOW)).toEqual({
      id: user.id,
      email: user.email,
      name: "Counted Person",
      isAdmin: false,
      disabledAt: null,
      createdAt: created,
      lastSignInAt: at(-HOUR),
      scopes: ["tokens:read", "tokens:write"],
      tokens: { active: 2, inactive: 3 },
    });
    // The second token expires at +1 h exactly; the scheduled one starts at +2 h exactly.
    expect((await getUser(user.id, at(HOUR - 1))).tokens).toEqual({ active: 2, inactive: 3 });
    expect((await getUser(user.id, at(HOUR))).tokens).toEqual({ active: 1, inactive: 4 });
    expect((await getUser(user.id, at(2 * HOUR - 1))).tokens).toEqual({ active: 1, inactive: 4 });
    expect((await getUser(user.id, at(2 * HOUR))).tokens).toEqual({ active: 2, inactive: 3 });
  });

  test("a user without tokens counts zero of each; the list counts each user's own", async () => {
    const tag = randomUUID().slice(0, 8);
    const empty = await createUser({ name: `Empty ${tag}` });
    const { user: holder } = await userWithTokens(`Holder ${tag}`);
    const page = await listUsers({ q: tag }, NOW);
    expect(Object.fromEntries(page.users.map((u) => [u.id, u.tokens]))).toEqual({
      [empty.id]: { active: 0, inactive: 0 },
      [holder.id]: { active: 2, inactive: 3 },
    });
  });

  test("unknown or malformed id: NotFoundError", async () => {
    for (const id of [randomUUID(), "not-a-user", "", null, 42]) await expect(getUser(id)).rejects.toThrow(new NotFoundError("No such user."));
  });

  test("search matches part of the email or of the name, case-insensitively; % and _ are plain characters", async () => {
    const tag = randomUUID().slice(0, 8);
    const grace = await createUser({ name: `Grace Hopper ${tag}` });
    const db = await prisma();
    await db.user.update({ where: { id: grace.id }, data: { email: `g.hopper.${tag}@navy.example` } });
    const percent = await createUser({ name: `100% sure_${tag}` });
    const ids = async (q: string) => (await listUsers({ q })).users.map((u) => u.id);
    expect(await ids(`HOPPER ${tag}`)).toEqual([grace.id]);
    expect(await ids(`g.hopper.${tag.toUpperCase()}@NAVY`)).toEqual([grace.id]);
    expect(await ids(`${tag}@navy`)).toEqual([grace.id]);
    expect(await ids(`% sure_${tag}`)).toEqual([percent.id]);
    // Were they wildcards, "_" and "%" would match Grace too.
    expect(await ids(`_${tag}`)).toEqual([percent.id]);
    expect(await ids(`%${tag}`)).toEqual([]);
    expect(await ids(`nobody-${tag}`)).toEqual([]);
  });

  test("pages by email: total, page count, and the last page's boundary", async () => {
    const tag = randomUUID().slice(0, 8);
    const db = await prisma();
    const emails = [];
    for (let i = 0; i < 21; i++) {
      const user = await createUser({ name: `Paged ${tag}` });
      const email = `paged-${String(i).padStart(2, "0")}-${tag}@example.com`;
      await db.user.update({ where: { id: user.id }, data: { email } });
      emails.push(email);
    }
    const page = async (page: number, perPage = 10) => listUsers({ q: tag, page, perPage });
    const first = await page(1);
    expect({ ...first, users: first.users.map((u) => u.email) }).toEqual({ users: emails.slice(0, 10), total: 21, page: 1, perPage: 10, pageCount: 3 });
    expect((await page(3)).users.map((u) => u.email)).toEqual(emails.slice(20));
    expect((await page(4)).users).toEqual([]);
    expect((await page(1, 20)).pageCount).toBe(2);
    expect((await page(2, 20)).users.map((u) => u.email)).toEqual(emails.slice(20));
    // 20 users on 20 per page is one page.
    expect((await listUsers({ q: `-${tag}`, perPage: 20, page: 1 })).pageCount).toBe(2);
    expect((await listUsers({ q: `${tag}-nothing` })).pageCount).toBe(1);
  });

  test("a query out of bounds is a ValidationError naming the field", async () => {
    for (const [query, field] of [
      [{ page: 0 }, "page"],
      [{ page: "x" }, "page"],
      [{ perPage: 7 }, "perPage"],
      [{ q: "x".repeat(201) }, "q"],
    ] as const) {
      const error = await listUsers(query).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(Object.keys((error as ValidationError).fieldErrors)).toEqual([field]);
    }
    await expect(listUsers({ q: "x".repeat(200) })).resolves.toMatchObject({ total: 0 });
  });
});

describe("grants", () => {
  test("grant and withdraw change the user's scopes, are recorded once, and narrow their tokens at once", async () => {
    const admin = await makeAdmin();
    const user = await createUser({ scopes: ["tokens:read"] });
    const { secret } = await createToken(user.id, { name: "introspector", scopes: ["tokens:read"] });
    expect((await grantToUser(admin.actor, user.id, "tokens:introspect")).scopes).toEqual(["tokens:introspect", "tokens:read"]);
    expect((await grantToUser(admin.actor, user.id, "tokens:introspect")).scopes).toEqual(["tokens:introspect", "tokens:read"]);

    const verified = await verifySecret(secret);
    expect(verified.ok && verified.token.scopes).toEqual(["tokens:read"]);
    expect((await withdrawFromUser(admin.actor, user.id, "tokens:read")).scopes).toEqual(["tokens:introspect"]);
    const narrowed = await verifySecret(secret);
    expect(narrowed.ok && narrowed.token.scopes).toEqual([]);
    expect((await withdrawFromUser(admin.actor, user.id, "tokens:read")).scopes).toEqual(["tokens:introspect"]);

    expect(await events(user.id)).toEqual([
      { action: "user.scope_granted", actor: admin.id, scope: "tokens:introspect", details: { email: user.email } },
      { action: "user.scope_withdrawn", actor: admin.id, scope: "tokens:read", details: { email: user.email } },
    ]);
  });

  test("the administrators' scopes cannot be granted to anyone else; an administrator can be granted them", async () => {
    const admin = await makeAdmin();
    const user = await createUser({ scopes: [] });
    for (const scope of ["admin:read", "admin:write"]) {
      await expect(grantToUser(admin.actor, user.id, scope)).rejects.toBeInstanceOf(ConflictError);
    }
    expect((await getUser(user.id)).scopes).toEqual([]);
    const other = await makeAdmin("Other admin");
    await withdrawFromUser(admin.actor, other.id, "admin:write");
    expect((await grantToUser(admin.actor, other.id, "admin:write")).scopes).toEqual(["admin:read", "admin:write"]);
  });

  test("an unknown scope, user or malformed id: NotFoundError, nothing recorded", async () => {
    const admin = await makeAdmin();
    const user = await createUser({ scopes: [] });
    await expect(grantToUser(admin.actor, user.id, "billing:nothing")).rejects.toBeInstanceOf(NotFoundError);
    await expect(grantToUser(admin.actor, randomUUID(), "tokens:read")).rejects.toThrow(new NotFoundError("No such user."));
    await expect(withdrawFromUser(admin.actor, "nope", "tokens:read")).rejects.toThrow(new NotFoundError("No such user."));
    // Not even a scope name (PostgreSQL refuses a NUL byte in text): not found, never a database error.
    for (const scope of ["tokens:read\u0000", "x".repeat(200), "", 7]) {
      await expect(grantToUser(admin.actor, user.id, scope)).rejects.toBeInstanceOf(NotFoundError);
      await expect(withdrawFromUser(admin.actor, user.id, scope)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await events(user.id)).toEqual([]);
  });
});

describe("disable and enable", () => {
  test("a disabled user's tokens are refused with account_disabled, their sessions end; enabling restores the tokens", async () => {
    const admin = await makeAdmin();
    const { user, secrets } = await userWithTokens();
    await createSession(user.id, CLIENT, NOW);
    await createSession(user.id, CLIENT, NOW);
    expect(await reasonOf(secrets[0]!)).toBe("ok"); // now cached

    const heard: (string | undefined)[] = [];
    const stop = onTokenChange(({ userId }) => void heard.push(userId));
    try {
      const disabled = await disableUser(admin.actor, user.id, NOW);
      expect(disabled.disabledAt).toEqual(NOW);
    } finally {
      stop();
    }
    expect(heard).toEqual([user.id]);
    expect(await reasonOf(secrets[0]!)).toBe("account_disabled");
    expect(await reasonOf(secrets[1]!)).toBe("account_disabled");
    // An inactive token still says why it is inactive.
    expect(await reasonOf(secrets[2]!)).toBe("expired");
    expect(await listSessions(user.id, null, NOW)).toEqual([]);

    const enabled = await enableUser(admin.actor, user.id, at(1000));
    expect(enabled.disabledAt).toBeNull();
    expect(await reasonOf(secrets[0]!)).toBe("ok");
    expect(await reasonOf(secrets[1]!)).toBe("ok");
    expect(enabled.tokens).toEqual({ active: 2, inactive: 3 });
  });

  test("disabling twice and enabling twice are harmless and recorded once each", async () => {
    const admin = await makeAdmin();
    const user = await createUser();
    await disableUser(admin.actor, user.id, NOW);
    expect((await disableUser(admin.actor, user.id, at(5000))).disabledAt).toEqual(NOW);
    await enableUser(admin.actor, user.id, at(6000));
    expect((await enableUser(admin.actor, user.id, at(7000))).disabledAt).toBeNull();
    expect((await events(user.id)).map((e) => e.action)).toEqual(["user.disabled", "user.enabled"]);
  });

  test("an administrator cannot disable their own account", async () => {
    const admin = await makeAdmin();
    await makeAdmin("Another");
    await expect(disableUser(admin.actor, admin.id)).rejects.toThrow(/your own account.*another administrator's account/i);
    expect((await getUser(admin.id)).disabledAt).toBeNull();
  });

  test("the last enabled administrator cannot be disabled; with another enabled administrator they can", async () => {
    const db = await prisma();
    // Only these two are administrators here, so the rule is about them.
    await db.user.updateMany({ where: { isAdmin: true }, data: { isAdmin: false } });
    const first = await makeAdmin("First");
    const second = await makeAdmin("Second");
    await db.user.update({ where: { id: first.id }, data: { disabledAt: NOW } });
    await expect(disableUser(first.actor, second.id)).rejects.toThrow(/last enabled administrator/);
    await expect(deleteUser(first.actor, second.id)).rejects.toThrow(/last enabled administrator/);
    expect((await getUser(second.id)).disabledAt).toBeNull();
    await db.user.update({ where: { id: first.id }, data: { disabledAt: null } });
    expect((await disableUser(first.actor, second.id, NOW)).disabledAt).toEqual(NOW);
    await enableUser(first.actor, second.id);
  });

  test("two administrators disabling each other at once: one of them stays enabled", async () => {
    const db = await prisma();
    await db.user.updateMany({ where: { isAdmin: true }, data: { isAdmin: false } });
    const a = await makeAdmin("A");
    const b = await makeAdmin("B");
    const results = await Promise.allSettled([disableUser(a.actor, b.id), disableUser(b.actor, a.id)]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const enabled = await db.user.count({ where: { id: { in: [a.id, b.id] }, disabledAt: null } });
    expect(enabled).toBe(1);
  });
});

describe("delete", () => {
  test("the impact, then deletion: tokens stop, sessions, grants and tokens are gone, the record keeps who it was", async () => {
    const admin = await makeAdmin();
    const { user, secrets } = await userWithTokens("Leaving Person");
    await createSession(user.id, CLIENT, NOW);
    expect(await reasonOf(secrets[0]!)).toBe("ok");
    expect(await deletionImpact(user.id, NOW)).toEqual({ activeTokens: 2, totalTokens: 5 });
    expect(await deleteUser(admin.actor, user.id, NOW)).toBe(2);
    expect(await reasonOf(secrets[0]!)).toBe("unknown");
    await expect(getUser(user.id)).rejects.toBeInstanceOf(NotFoundError);
    const db = await prisma();
    expect(await db.token.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.userScope.count({ where: { userId: user.id } })).toBe(0);
    expect(await events(user.id)).toEqual([
      { action: "user.deleted", actor: admin.id, scope: null, details: { email: user.email, name: "Leaving Person", activeTokens: 2 } },
    ]);
    await expect(deleteUser(admin.actor, user.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deletionImpact(user.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  test("an administrator cannot delete their own account", async () => {
    const admin = await makeAdmin();
    await expect(deleteUser(admin.actor, admin.id)).rejects.toThrow(/cannot delete your own account.*npm run admin/);
    expect((await getUser(admin.id)).id).toBe(admin.id);
  });

  test("unknown and malformed ids: NotFoundError", async () => {
    const admin = await makeAdmin();
    for (const id of [randomUUID(), "x", "'; DROP TABLE users; --"]) {
      await expect(deleteUser(admin.actor, id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(disableUser(admin.actor, id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(enableUser(admin.actor, id)).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});
