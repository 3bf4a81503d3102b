/**
 * The token page's server actions, against a real database.
 *
 * Two Next.js pieces are replaced, because they only work inside a Next request:
 * - lib/session's currentSession reads the next-auth cookie of the current request; here it answers
 *   with a session of the user a test chooses (the real sign-in → cookie → user path is covered by the browser tests).
 * - next/cache's revalidatePath throws without a request's static-generation store; here it only
 *   records its calls, which also lets the tests check that the page is refreshed after a change and only then.
 * - next/headers' headers() needs a request too; here it answers with fixed ones (the caller's address and browser).
 */
import { revalidatePath } from "next/cache";
import { currentSession } from "@/lib/session";
import type { AccountUser } from "@/lib/users/service";
import { createToken, getToken, listTokens } from "@/lib/tokens/service";
import { verifySecret } from "@/lib/tokens/verify";
import { DEFAULT_TOKEN_LIST_QUERY } from "@/lib/validation/token-list";
import {
  createTokenAction,
  deleteTokenAction,
  endOverlapAction,
  revokeTokenAction,
  rotateTokenAction,
  updateTokenAction,
} from "@/app/settings/tokens/actions";
import { changePasswordAction, endOtherSessionsAction, endSessionAction } from "@/app/settings/actions";
import { prisma } from "@/lib/db";
import { createSession } from "@/lib/sessions/service";
import { useFreshDatabase } from "../helpers/database";
import { TEST_PASSWORD, createUser } from "../helpers/users";

jest.mock("@/lib/session", () => ({ currentSession: jest.fn() }));
jest.mock("next/cache", () => ({ revalidatePath: jest.fn() }));
// The request's headers, as server.js leaves them: the address it decided, and the browser's user agent.
jest.mock("next/headers", () => ({ headers: async () => new Headers({ "x-forwarded-for": "198.51.100.23", "user-agent": "Firefox/140.0" }) }));

useFreshDatabase();

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

function actAs(user: AccountUser | null) {
  jest.mocked(currentSession).mockResolvedValue(user && { user, sessionId: "00000000-0000-4000-8000-000000000000" });
}

async function tokenCount(user: AccountUser) {
  return (await listTokens(user.id, DEFAULT_TOKEN_LIST_QUERY)).total;
}

beforeEach(() => {
  jest.mocked(revalidatePath).mockClear();
});

describe("create", () => {
  test("returns the new token and its secret, which works and is never listed", async () => {
    const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
    actAs(user);

    const result = await createTokenAction({ name: "  CI deploy ", description: "Nightly job", scopes: ["tokens:read"] });

    if (!result.ok) throw new Error(`create failed: ${JSON.stringify(result)}`);
    expect(result.secret).toMatch(/^tgp_[0-9A-Za-z]{36}$/);
    expect(result.token).toMatchObject({
      name: "CI deploy",
      description: "Nightly job",
      scopes: ["tokens:read"],
      validTo: null,
      status: "active",
    });
    expect(result.token.partial.startsWith(result.secret.slice(0, 8))).toBe(true);
    expect(await verifySecret(result.secret)).toMatchObject({ ok: true, token: { guid: result.token.guid } });

    const listed = await listTokens(user.id, DEFAULT_TOKEN_LIST_QUERY);
    expect(listed.tokens.map((t) => t.guid)).toEqual([result.token.guid]);
    expect(JSON.stringify(listed)).not.toContain(result.secret);
    expect(JSON.stringify(result.token)).not.toContain(result.secret);
    expect(revalidatePath).toHaveBeenCalledWith("/settings/tokens");
  });

  test("keeps the GUID the dialog generated, and refuses it a second time", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    const guid = "0b6f3f4e-5d1c-4a8e-9f7b-2c3d4e5f6a7b";

    const first = await createTokenAction({ guid, name: "First", scopes: ["tokens:read"] });
    const second = await createTokenAction({ guid, name: "Second", scopes: ["tokens:read"] });

    expect(first).toMatchObject({ ok: true, token: { guid } });
    expect(second).toMatchObject({ ok: false, fieldErrors: { guid: [expect.stringMatching(/already in use/)] } });
    expect(await tokenCount(user)).toBe(1);
  });

  test("with a validity window from a future start to a later end: scheduled", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    const validFrom = inHours(24);
    const validTo = inHours(48);

    const result = await createTokenAction({ name: "Later", scopes: ["tokens:read"], validFrom, validTo });

    expect(result).toMatchObject({ ok: true, token: { validFrom, validTo, status: "scheduled" } });
  });

  // One instant for both fields: two calls of inHours(24) can be a millisecond apart, and then valid-to is after valid-from.
  const tomorrow = inHours(24);
  const invalidInputs: [string, Record<string, unknown> | null, string, RegExp][] = [
    ["an empty name", { name: "   ", scopes: ["tokens:read"] }, "name", /Name is required/],
    ["a missing name", { scopes: ["tokens:read"] }, "name", /Name is required/],
    ["no scope", { name: "x", scopes: [] }, "scopes", /at least one scope/],
    ["a scope the user does not hold", { name: "x", scopes: ["tokens:write"] }, "scopes", /do not hold the scope tokens:write/],
    ["a scope not in the catalogue", { name: "x", scopes: ["admin:everything"] }, "scopes", /do not hold the scope admin:everything/],
    ["valid-to before valid-from", { name: "x", scopes: ["tokens:read"], validFrom: inHours(48), validTo: inHours(24) }, "validTo", /after valid from/],
    ["valid-to equal to valid-from", { name: "x", scopes: ["tokens:read"], validFrom: tomorrow, validTo: tomorrow }, "validTo", /after valid from/],
    ["valid-from in the past", { name: "x", scopes: ["tokens:read"], validFrom: inHours(-2) }, "validFrom", /cannot be in the past/],
    ["valid-to in the past", { name: "x", scopes: ["tokens:read"], validTo: inHours(-2) }, "validTo", /cannot be in the past/],
    ["a date that is not ISO 8601", { name: "x", scopes: ["tokens:read"], validTo: "next tuesday" }, "validTo", /ISO 8601/],
    ["a name over 100 characters", { name: "n".repeat(101), scopes: ["tokens:read"] }, "name", /at most 100 characters/],
    ["a description over 500 characters", { name: "x", description: "d".repeat(501), scopes: ["tokens:read"] }, "description", /at most 500 characters/],
    ["a GUID that is not one", { guid: "1234", name: "x", scopes: ["tokens:read"] }, "guid", /GUID looks like/],
    ["no object at all", null, "form", /expected object/i],
  ];

  test.each(invalidInputs)("refuses %s with a message on that field, and creates nothing", async (_case, input, field, message) => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);

    const result = await createTokenAction(input);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBe("Some fields need attention.");
    expect(result.fieldErrors?.[field]?.join(" ")).toMatch(message);
    expect(JSON.stringify(result)).not.toMatch(/tgp_|at .*\.ts|stack/i);
    expect(await tokenCount(user)).toBe(0);
    expect(revalidatePath).not.toHaveBeenCalled();
  });

  test("a name the database cannot store (a NUL character) is refused without revealing internals", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    // Unexpected failures are logged on the server; keep that log out of the test output.
    const log = jest.spyOn(console, "error").mockImplementation(() => {});

    const result = await createTokenAction({ name: "bad\u0000name", scopes: ["tokens:read"] });

    log.mockRestore();
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toMatch(/prisma|invocation|service\.ts|0x00|stack/i);
    expect(await tokenCount(user)).toBe(0);
  });
});

describe("edit", () => {
  test("changes name, description, scopes and window, and keeps the secret", async () => {
    const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
    actAs(user);
    const { token, secret } = await createToken(user.id, { name: "Old", scopes: ["tokens:read"] });
    const validTo = inHours(72);

    const result = await updateTokenAction(token.guid, {
      name: "New",
      description: "Now with write access",
      scopes: ["tokens:read", "tokens:write"],
      validFrom: token.validFrom.toISOString(),
      validTo,
    });

    expect(result).toMatchObject({
      ok: true,
      token: { guid: token.guid, name: "New", description: "Now with write access", scopes: ["tokens:read", "tokens:write"], validTo, partial: token.partial },
    });
    expect(await getToken(user.id, token.guid)).toMatchObject({ name: "New", validTo: new Date(validTo) });
    expect(await verifySecret(secret)).toMatchObject({ ok: true, token: { scopes: ["tokens:read", "tokens:write"] } });
    expect(revalidatePath).toHaveBeenCalledWith("/settings/tokens");
  });

  test("accepts an unchanged valid-from that now lies in the past, and clears valid-to with null", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    const monthAgo = new Date(Date.now() - 30 * DAY);
    const { token } = await createToken(user.id, { name: "Old", scopes: ["tokens:read"], validTo: new Date(monthAgo.getTime() + 90 * DAY).toISOString() }, monthAgo);

    const result = await updateTokenAction(token.guid, { name: "Old", scopes: ["tokens:read"], validFrom: monthAgo.toISOString(), validTo: null });

    expect(result).toMatchObject({ ok: true, token: { validFrom: monthAgo.toISOString(), validTo: null, status: "active" } });
  });

  test("refuses a changed date in the past and a missing scope, and changes nothing", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    const { token } = await createToken(user.id, { name: "Keep", scopes: ["tokens:read"] });

    const pastEnd = await updateTokenAction(token.guid, { name: "Changed", scopes: ["tokens:read"], validTo: inHours(-1) });
    const noScopes = await updateTokenAction(token.guid, { name: "Changed", scopes: [] });

    expect(pastEnd).toMatchObject({ ok: false, fieldErrors: { validTo: ["Valid to cannot be in the past."] } });
    expect(noScopes).toMatchObject({ ok: false, fieldErrors: { scopes: ["Choose at least one scope."] } });
    expect(await getToken(user.id, token.guid)).toMatchObject({ name: "Keep", validTo: null });
    expect(revalidatePath).not.toHaveBeenCalled();
  });
});

describe("revoke", () => {
  test("makes an active token inactive at once, with valid-to set to now", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    const { token, secret } = await createToken(user.id, { name: "Leaked", scopes: ["tokens:read"] });
    const before = Date.now();

    const result = await revokeTokenAction(token.guid);

    if (!result.ok) throw new Error(`revoke failed: ${JSON.stringify(result)}`);
    expect(result.token.status).toEqual("revoked");
    expect(result.token.validTo).toBe(result.token.revokedAt);
    expect(new Date(result.token.validTo!).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await verifySecret(secret)).toEqual({ ok: false, reason: "revoked" });
    expect(revalidatePath).toHaveBeenCalledWith("/settings/tokens");
  });

  test("explains why an expired token cannot be revoked", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    const longAgo = new Date(Date.now() - 10 * DAY);
    const { token } = await createToken(user.id, { name: "Old", scopes: ["tokens:read"], validTo: new Date(longAgo.getTime() + DAY).toISOString() }, longAgo);

    const result = await revokeTokenAction(token.guid);

    expect(result).toEqual({ ok: false, error: expect.stringMatching(/already expired/) });
    expect((await getToken(user.id, token.guid)).revokedAt).toBeNull();
    // The page offered Revoke, so it showed the token as it no longer is: it is refreshed.
    expect(revalidatePath).toHaveBeenCalledWith("/settings/tokens");
  });
});

describe("rotate", () => {
  test("without overlap: a new secret works at once and the old one stops", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    const { token, secret: oldSecret } = await createToken(user.id, { name: "Service", scopes: ["tokens:read"] });

    const result = await rotateTokenAction(token.guid, { overlapSeconds: 0 });

    if (!result.ok) throw new Error(`rotate failed: ${JSON.stringify(result)}`);
    expect(result.secret).not.toBe(oldSecret);
    expect(result.token).toMatchObject({ guid: token.guid, name: "Service", scopes: ["tokens:read"] });
    expect(result.token.partial).not.toBe(token.partial);
    expect(await verifySecret(result.secret)).toMatchObject({ ok: true, token: { guid: token.guid } });
    expect(await verifySecret(oldSecret)).toEqual({ ok: false, reason: "unknown" });
    expect(revalidatePath).toHaveBeenCalledWith("/settings/tokens");
  });

  test("with an overlap: the old secret keeps working for now", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    const { token, secret: oldSecret } = await createToken(user.id, { name: "Service", scopes: ["tokens:read"] });

    const result = await rotateTokenAction(token.guid, { overlapSeconds: 3600 });

    if (!result.ok) throw new Error(`rotate failed: ${JSON.stringify(result)}`);
    expect(await verifySecret(oldSecret)).toMatchObject({ ok: true });
    expect(await verifySecret(result.secret)).toMatchObject({ ok: true });
  });

  test("refuses a negative overlap and a revoked token", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    const { token, secret } = await createToken(user.id, { name: "Service", scopes: ["tokens:read"] });

    const negative = await rotateTokenAction(token.guid, { overlapSeconds: -5 });
    expect(negative).toMatchObject({ ok: false, fieldErrors: { overlapSeconds: [expect.stringMatching(/cannot be negative/)] } });
    expect(await verifySecret(secret)).toMatchObject({ ok: true });

    await revokeTokenAction(token.guid);
    const revoked = await rotateTokenAction(token.guid, {});
    expect(revoked).toEqual({ ok: false, error: expect.stringMatching(/revoked token cannot be rotated/) });
  });

  test("with validTo: the token gets a new end, or none; left out, it keeps its own", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    const end = inHours(24);
    const { token } = await createToken(user.id, { name: "Service", scopes: ["tokens:read"], validTo: end });

    const kept = await rotateTokenAction(token.guid, {});
    expect(kept).toMatchObject({ ok: true, token: { validTo: end } });
    const renewed = await rotateTokenAction(token.guid, { validTo: inHours(30 * 24) });
    expect(renewed).toMatchObject({ ok: true, token: { validTo: expect.any(String) } });
    expect((await getToken(user.id, token.guid)).validTo?.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
    const endless = await rotateTokenAction(token.guid, { validTo: null });
    expect(endless).toMatchObject({ ok: true, token: { validTo: null } });
  });

  test("refuses an end in the past, and then changes nothing", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    const { token, secret } = await createToken(user.id, { name: "Service", scopes: ["tokens:read"] });

    const result = await rotateTokenAction(token.guid, { validTo: inHours(-1) });

    expect(result).toMatchObject({ ok: false, fieldErrors: { validTo: ["Valid to cannot be in the past."] } });
    expect(await verifySecret(secret)).toMatchObject({ ok: true });
    expect((await getToken(user.id, token.guid)).validTo).toBeNull();
  });
});

describe("end overlap", () => {
  test("the list says until when the previous secret works; ending the overlap stops it at once", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    const { token, secret: oldSecret } = await createToken(user.id, { name: "Service", scopes: ["tokens:read"] });
    expect(token.previousSecretExpiresAt).toBeNull();

    const before = Date.now();
    const rotated = await rotateTokenAction(token.guid, { overlapSeconds: 3600 });
    if (!rotated.ok) throw new Error(`rotate failed: ${JSON.stringify(rotated)}`);
    const until = Date.parse(rotated.token.previousSecretExpiresAt!);
    expect(until).toBeGreaterThanOrEqual(before + HOUR);
    expect(until).toBeLessThanOrEqual(Date.now() + HOUR);
    expect((await listTokens(user.id, DEFAULT_TOKEN_LIST_QUERY)).tokens[0]?.previousSecretExpiresAt?.getTime()).toBe(until);

    const ended = await endOverlapAction(token.guid);

    expect(ended).toMatchObject({ ok: true, token: { guid: token.guid, previousSecretExpiresAt: null } });
    expect(await verifySecret(oldSecret)).toEqual({ ok: false, reason: "unknown" });
    expect(await verifySecret(rotated.secret)).toMatchObject({ ok: true });
    expect((await getToken(user.id, token.guid)).previousSecretExpiresAt).toBeNull();
  });

  test("answers another user's token as not found", async () => {
    const owner = await createUser({ scopes: ["tokens:read"] });
    const { token } = await createToken(owner.id, { name: "Theirs", scopes: ["tokens:read"] });
    await createToken(owner.id, { name: "Other", scopes: ["tokens:read"] });
    actAs(await createUser({ scopes: ["tokens:read"] }));

    expect(await endOverlapAction(token.guid)).toMatchObject({ ok: false, gone: true });
  });
});

describe("delete", () => {
  test("removes the token; its secret stops working", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    const { token, secret } = await createToken(user.id, { name: "Unused", scopes: ["tokens:read"] });

    expect(await deleteTokenAction(token.guid)).toEqual({ ok: true });

    expect(await tokenCount(user)).toBe(0);
    expect(await verifySecret(secret)).toEqual({ ok: false, reason: "unknown" });
    expect(revalidatePath).toHaveBeenCalledWith("/settings/tokens");
    expect(await deleteTokenAction(token.guid)).toEqual({ ok: false, error: expect.stringMatching(/not found/i), gone: true });
  });
});

describe("ownership", () => {
  test("another user's GUID is answered as not found, and the token is left as it was; only the caller's own list refreshes", async () => {
    const alice = await createUser({ scopes: ["tokens:read"] });
    const bob = await createUser({ scopes: ["tokens:read"] });
    const { token, secret } = await createToken(alice.id, { name: "Alice's", scopes: ["tokens:read"] });
    const before = await getToken(alice.id, token.guid);
    actAs(bob);

    const results = [
      await updateTokenAction(token.guid, { name: "Bob was here", scopes: ["tokens:read"] }),
      await revokeTokenAction(token.guid),
      await rotateTokenAction(token.guid, { overlapSeconds: 0 }),
      await deleteTokenAction(token.guid),
    ];

    for (const result of results) expect(result).toEqual({ ok: false, error: "Token not found. It may have been deleted.", gone: true });
    expect(await getToken(alice.id, token.guid)).toEqual(before);
    expect(await verifySecret(secret)).toMatchObject({ ok: true });
    // As for a token Bob deleted in another tab: his page is refreshed, which shows only his tokens.
    expect(jest.mocked(revalidatePath).mock.calls).toEqual(results.map(() => ["/settings/tokens"]));
  });

  test("a GUID that is not a GUID, or not a string, is simply not found", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);

    expect(await revokeTokenAction("../../etc/passwd")).toMatchObject({ ok: false, error: expect.stringMatching(/not found/i) });
    expect(await deleteTokenAction({ guid: "x" } as unknown as string)).toMatchObject({ ok: false, error: expect.stringMatching(/not found/i) });
    expect(await updateTokenAction(42 as unknown as string, { name: "x" })).toMatchObject({ ok: false, error: expect.stringMatching(/not found/i) });
  });
});

describe("signed out", () => {
  test("every action answers that the caller is signed out, and nothing changes", async () => {
    const owner = await createUser({ scopes: ["tokens:read"] });
    const { token, secret } = await createToken(owner.id, { name: "Mine", scopes: ["tokens:read"] });
    const before = await getToken(owner.id, token.guid);
    actAs(null);

    const results = [
      await createTokenAction({ name: "Sneaky", scopes: ["tokens:read"] }),
      await updateTokenAction(token.guid, { name: "Sneaky", scopes: ["tokens:read"] }),
      await revokeTokenAction(token.guid),
      await rotateTokenAction(token.guid, {}),
      await deleteTokenAction(token.guid),
    ];

    for (const result of results) expect(result).toEqual({ ok: false, error: expect.stringMatching(/signed out/) });
    expect(await tokenCount(owner)).toBe(1);
    expect(await getToken(owner.id, token.guid)).toEqual(before);
    expect(await verifySecret(secret)).toMatchObject({ ok: true });
    expect(revalidatePath).not.toHaveBeenCalled();
  });
});

describe("the page keeps the owner's full rights", () => {
  // Through the API a token acts only within itself (tests/api/token-reach.test.ts); the page acts
  // for the signed-in person, whose grants are the only bound.
  test("creates a never-expiring token with every scope, and edits, rotates and deletes broader, longer-lived tokens", async () => {
    const scopes = ["tokens:introspect", "tokens:read", "tokens:write"];
    const user = await createUser({ scopes });
    actAs(user);
    const short = await createToken(user.id, { name: "One hour", scopes: ["tokens:read"], validTo: inHours(1) });

    const created = await createTokenAction({ name: "Everything, forever", scopes });
    if (!created.ok) throw new Error(`create failed: ${JSON.stringify(created)}`);
    expect(created.token).toMatchObject({ scopes, validTo: null });

    const edited = await updateTokenAction(short.token.guid, { name: "Now forever", scopes, validTo: null });
    expect(edited).toMatchObject({ ok: true, token: { scopes, validTo: null } });
    const rotated = await rotateTokenAction(created.token.guid, {});
    if (!rotated.ok) throw new Error(`rotate failed: ${JSON.stringify(rotated)}`);
    expect(await verifySecret(rotated.secret)).toMatchObject({ ok: true, token: { scopes } });
    expect(await deleteTokenAction(created.token.guid)).toEqual({ ok: true });
  });

  test("unknown fields are refused here too, so the dialog and the API agree", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    actAs(user);
    const result = await createTokenAction({ name: "Typo", scopes: ["tokens:read"], valid_to: inHours(1) });
    expect(result).toMatchObject({ ok: false, fieldErrors: { valid_to: [expect.stringMatching(/Did you mean validTo/)] } });
    expect(await tokenCount(user)).toBe(0);
  });
});

describe("the record of what the page did", () => {
  const FROM = { ip: "198.51.100.23", userAgent: "Firefox/140.0" };
  const eventsAbout = async (userId: string) =>
    (await prisma()).auditEvent.findMany({ where: { targetUser: userId }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }] });

  test("each token action records one event: the signed-in person, with the request's address and user agent", async () => {
    const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
    actAs(user);
    const created = await createTokenAction({ name: "From the page", scopes: ["tokens:read"] });
    if (!created.ok) throw new Error(JSON.stringify(created));
    const guid = created.token.guid;
    await updateTokenAction(guid, { name: "Renamed on the page" });
    const rotated = await rotateTokenAction(guid, { overlapSeconds: 3600 });
    if (!rotated.ok) throw new Error(JSON.stringify(rotated));
    await endOverlapAction(guid);
    await revokeTokenAction(guid);
    await deleteTokenAction(guid);

    const rows = await eventsAbout(user.id);
    expect(rows.map((r) => r.action)).toEqual(["token.created", "token.edited", "token.rotated", "token.overlap_ended", "token.revoked", "token.deleted"]);
    for (const row of rows) {
      expect(row).toMatchObject({ actorKind: "person", actorUserId: user.id, actorLabel: user.email, actorToken: null, targetToken: guid, ...FROM });
      expect(JSON.stringify(row)).not.toContain(created.secret);
      expect(JSON.stringify(row)).not.toContain(rotated.secret);
    }
  });

  test("a refused action records nothing: invalid input, another person's token, a conflict, signed out", async () => {
    const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
    const other = await createUser({ scopes: ["tokens:read"] });
    const { token: theirs } = await createToken(other.id, { name: "Theirs", scopes: ["tokens:read"] });
    actAs(user);
    expect(await createTokenAction({ name: "", scopes: ["tokens:read"] })).toMatchObject({ ok: false });
    expect(await updateTokenAction(theirs.guid, { name: "Mine" })).toMatchObject({ ok: false, gone: true });
    expect(await revokeTokenAction(theirs.guid)).toMatchObject({ ok: false, gone: true });
    expect(await deleteTokenAction(theirs.guid)).toMatchObject({ ok: false, gone: true });
    const mine = await createTokenAction({ name: "Mine", scopes: ["tokens:read"] });
    if (!mine.ok) throw new Error(JSON.stringify(mine));
    expect(await endOverlapAction(mine.token.guid)).toMatchObject({ ok: false });
    actAs(null);
    expect(await revokeTokenAction(mine.token.guid)).toMatchObject({ ok: false });
    expect((await eventsAbout(user.id)).map((r) => r.action)).toEqual(["token.created"]);
    expect((await eventsAbout(other.id)).map((r) => r.action)).toEqual(["token.created"]);
  });

  test("the account page: ending a session, the others, and changing the password, each once, from the request", async () => {
    const user = await createUser();
    const current = await createSession(user.id, { address: "192.0.2.1", userAgent: "Firefox/140.0" });
    const elsewhere = await createSession(user.id, { address: "192.0.2.2", userAgent: "curl/8.5.0" });
    await createSession(user.id, { address: "192.0.2.3", userAgent: "Safari" });
    jest.mocked(currentSession).mockResolvedValue({ user, sessionId: current });
    const signIns = (await eventsAbout(user.id)).length;

    expect(await endSessionAction(elsewhere)).toEqual({ ok: true });
    expect(await endSessionAction(elsewhere)).toMatchObject({ ok: false, gone: true });
    expect(await endOtherSessionsAction()).toEqual({ ok: true, ended: 1 });
    expect(await changePasswordAction({ currentPassword: "wrong!", newPassword: "a brand new passphrase", confirmPassword: "a brand new passphrase" })).toMatchObject({ ok: false });
    const changed = await changePasswordAction({ currentPassword: TEST_PASSWORD, newPassword: "a brand new passphrase", confirmPassword: "a brand new passphrase" });
    expect(changed).toEqual({ ok: true });

    const rows = (await eventsAbout(user.id)).slice(signIns).filter((r) => r.action !== "user.sign_in_failed");
    expect(rows.map((r) => [r.action, r.details])).toEqual([
      ["user.session_ended", { how: "ended", device: "curl", address: "192.0.2.2" }],
      ["user.session_ended", { how: "ended_others", count: 1 }],
      ["user.password_changed", { otherSessionsEnded: 0 }],
    ]);
    for (const row of rows) expect(row).toMatchObject({ actorKind: "person", actorUserId: user.id, ...FROM });
  });
});
