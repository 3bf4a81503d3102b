import { randomUUID } from "node:crypto";
import { prisma } from "@/lib/db";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { onTokenChange } from "@/lib/tokens/events";
import { partialOf } from "@/lib/tokens/secret";
import { createToken, deleteToken, getToken, listTokens, revokeToken, rotateToken, updateToken } from "@/lib/tokens/service";
import { verifySecret } from "@/lib/tokens/verify";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

useFreshDatabase();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const later = (base: Date, ms: number) => new Date(base.getTime() + ms);
const read = ["tokens:read"];

async function owner() {
  return createUser({ scopes: ["tokens:read", "tokens:write"] });
}

/** The ValidationError's per-field messages, or a failure if something else happened. */
async function fieldErrors(action: Promise<unknown>): Promise<Record<string, string[]>> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(error)}`);
  return error.fieldErrors;
}

async function tokenCount(userId: string): Promise<number> {
  return (await listTokens(userId, { status: "all" })).total;
}

describe("createToken", () => {
  test("with only name and scopes: valid from now, forever, and the secret verifies", async () => {
    const user = await owner();
    const now = new Date();
    const { token, secret } = await createToken(user.id, { name: "  CI deploy  ", scopes: ["tokens:write", "tokens:read", "tokens:read"] }, now);
    expect(token).toMatchObject({
      name: "CI deploy",
      description: "",
      scopes: ["tokens:read", "tokens:write"],
      validFrom: now,
      validTo: null,
      revokedAt: null,
      lastUsedAt: null,
      partial: partialOf(secret),
      status: "active",
    });
    expect(token.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await getToken(user.id, token.guid, now)).toEqual(token);
    expect(await verifySecret(secret, now)).toMatchObject({ ok: true, token: { guid: token.guid, scopes: ["tokens:read", "tokens:write"] } });
  });

  test("with a description and a future window: stored as given, scheduled until it starts", async () => {
    const user = await owner();
    const now = new Date();
    const from = later(now, DAY);
    const to = later(now, 30 * DAY);
    const { token, secret } = await createToken(
      user.id,
      { name: "Nightly", description: "Runs the backups", scopes: read, validFrom: from.toISOString(), validTo: to.toISOString() },
      now,
    );
    expect(token).toMatchObject({ description: "Runs the backups", validFrom: from, validTo: to, status: "scheduled" });
    expect(await verifySecret(secret, now)).toEqual({ ok: false, reason: "scheduled" });
    expect(await verifySecret(secret, from)).toMatchObject({ ok: true });
  });

  test("honours a GUID chosen in the dialog, in either case, and stores it in lower case", async () => {
    const user = await owner();
    const guid = randomUUID();
    const { token } = await createToken(user.id, { name: "Chosen", scopes: read, guid: guid.toUpperCase() });
    expect(token.guid).toBe(guid);
    expect((await getToken(user.id, guid.toUpperCase())).guid).toBe(guid);
  });

  test("a GUID already in use, by this user or another, is a field error on guid", async () => {
    const user = await owner();
    const other = await owner();
    const { token } = await createToken(other.id, { name: "Theirs", scopes: read });
    const { token: mine } = await createToken(user.id, { name: "Mine", scopes: read });
    for (const guid of [token.guid, mine.guid, mine.guid.toUpperCase()]) {
      expect(await fieldErrors(createToken(user.id, { name: "Copy", scopes: read, guid }))).toEqual({
        guid: ["This GUID is already in use. Regenerate it and save again."],
      });
    }
    expect(await tokenCount(user.id)).toBe(1);
    expect((await getToken(other.id, token.guid)).name).toBe("Theirs");
  });

  test("a scope the user does not hold, or that does not exist, is a field error on scopes", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    expect(await fieldErrors(createToken(user.id, { name: "Too much", scopes: ["tokens:read", "tokens:write"] }))).toEqual({
      scopes: ["You do not hold the scope tokens:write."],
    });
    expect(await fieldErrors(createToken(user.id, { name: "Too much", scopes: ["billing:admin", "tokens:write"] }))).toEqual({
      scopes: ["You do not hold the scopes billing:admin, tokens:write."],
    });
    expect(await tokenCount(user.id)).toBe(0);
  });

  test("every invalid field arrives as a ValidationError under that field, and nothing is created", async () => {
    const user = await owner();
    const now = new Date();
    const iso = (ms: number) => later(now, ms).toISOString();
    const cases: [unknown, string][] = [
      [{ scopes: read }, "name"],
      [{ name: "   ", scopes: read }, "name"],
      [{ name: "n".repeat(101), scopes: read }, "name"],
      [{ name: "nul\u0000byte", scopes: read }, "name"],
      [{ name: "ok", description: "d".repeat(501), scopes: read }, "description"],
      [{ name: "ok", description: "nul\u0000byte", scopes: read }, "description"],
      [{ name: "ok", scopes: [] }, "scopes"],
      [{ name: "ok" }, "scopes"],
      [{ name: "ok", scopes: ["Not A Scope"] }, "scopes"],
      [{ name: "ok", scopes: read, validFrom: "next week" }, "validFrom"],
      [{ name: "ok", scopes: read, validTo: "2030-02-30T00:00:00Z" }, "validTo"],
      [{ name: "ok", scopes: read, validFrom: iso(-HOUR) }, "validFrom"],
      [{ name: "ok", scopes: read, validTo: iso(-HOUR) }, "validTo"],
      [{ name: "ok", scopes: read, validFrom: iso(2 * DAY), validTo: iso(DAY) }, "validTo"],
      [{ name: "ok", scopes: read, validFrom: iso(DAY), validTo: iso(DAY) }, "validTo"],
      [{ name: "ok", scopes: read, guid: "not-a-guid" }, "guid"],
      [null, "form"],
      ["name=ok&scopes=tokens:read", "form"],
    ];
    for (const [input, field] of cases) {
      const errors = await fieldErrors(createToken(user.id, input, now));
      expect(Object.keys(errors)).toEqual([field]);
      expect(errors[field]![0]).toEqual(expect.any(String));
    }
    expect(await tokenCount(user.id)).toBe(0);
  });

  test("a valid-from within the last minute is accepted (the dialog's pickers have minute resolution)", async () => {
    const user = await owner();
    const now = new Date();
    const { token } = await createToken(user.id, { name: "Just now", scopes: read, validFrom: later(now, -50_000).toISOString() }, now);
    expect(token.status).toEqual("active");
  });
});

describe("getToken", () => {
  test("an unknown or malformed GUID is not found", async () => {
    const user = await owner();
    for (const guid of [randomUUID(), "nope", "", "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f' OR '1'='1"]) {
      await expect(getToken(user.id, guid)).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});

describe("updateToken", () => {
  async function created(now = new Date()) {
    const user = await owner();
    const { token, secret } = await createToken(
      user.id,
      { name: "Original", description: "First words", scopes: ["tokens:read", "tokens:write"], validTo: later(now, 30 * DAY).toISOString() },
      now,
    );
    return { user, token, secret, now };
  }

  test("changing the name leaves description, scopes, window and secret as they were", async () => {
    const { user, token, secret } = await created();
    const updated = await updateToken(user.id, token.guid, { name: "Renamed" });
    expect(updated).toEqual({ ...token, name: "Renamed", updatedAt: expect.any(Date) });
    expect(await getToken(user.id, token.guid)).toEqual(updated);
    expect(await verifySecret(secret)).toMatchObject({ ok: true, token: { name: "Renamed" } });
  });

  test("the description can be changed and cleared", async () => {
    const { user, token } = await created();
    expect((await updateToken(user.id, token.guid, { description: "  Second words " })).description).toBe("Second words");
    expect((await updateToken(user.id, token.guid, { description: "" })).description).toBe("");
    await updateToken(user.id, token.guid, { description: "Again" });
    expect((await updateToken(user.id, token.guid, { description: null })).description).toBe("");
  });

  test("scopes are replaced, not merged, and take effect on the secret at once", async () => {
    const { user, token, secret } = await created();
    expect((await updateToken(user.id, token.guid, { scopes: ["tokens:write"] })).scopes).toEqual(["tokens:write"]);
    expect(await verifySecret(secret)).toMatchObject({ ok: true, token: { scopes: ["tokens:write"] } });
    expect((await updateToken(user.id, token.guid, { scopes: ["tokens:read", "tokens:read"] })).scopes).toEqual(["tokens:read"]);
  });

  test("a scope the user does not hold is refused and nothing changes", async () => {
    const { user, token } = await created();
    expect(await fieldErrors(updateToken(user.id, token.guid, { name: "Greedy", scopes: ["tokens:introspect"] }))).toEqual({
      scopes: ["You do not hold the scope tokens:introspect."],
    });
    expect(await getToken(user.id, token.guid)).toEqual(token);
  });

  test("the validity window can be moved, and valid-to cleared with null or an empty string", async () => {
    const { user, token, now } = await created();
    const from = later(now, DAY);
    const to = later(now, 2 * DAY);
    const moved = await updateToken(user.id, token.guid, { validFrom: from.toISOString(), validTo: to.toISOString() }, now);
    expect(moved).toMatchObject({ validFrom: from, validTo: to, status: "scheduled" });
    expect((await updateToken(user.id, token.guid, { validTo: null }, now)).validTo).toBeNull();
    await updateToken(user.id, token.guid, { validTo: to.toISOString() }, now);
    expect((await updateToken(user.id, token.guid, { validTo: "" }, now)).validTo).toBeNull();
  });

  test("valid-to left out, or given as undefined, stays as it was", async () => {
    const { user, token } = await created();
    expect((await updateToken(user.id, token.guid, { name: "No dates" })).validTo).toEqual(token.validTo);
    expect((await updateToken(user.id, token.guid, { name: "Undefined dates", validFrom: undefined, validTo: undefined })).validTo).toEqual(token.validTo);
  });

  test("valid-from cannot be cleared: empty or null keeps it", async () => {
    const { user, token } = await created();
    expect((await updateToken(user.id, token.guid, { validFrom: "" })).validFrom).toEqual(token.validFrom);
    expect((await updateToken(user.id, token.guid, { validFrom: null })).validFrom).toEqual(token.validFrom);
  });

  test("a valid-from now in the past may be sent back unchanged, but not moved into the past", async () => {
    const { user, token, now } = await created();
    const aWeekLater = later(now, 7 * DAY);
    const kept = await updateToken(user.id, token.guid, { name: "Still valid", validFrom: token.validFrom.toISOString() }, aWeekLater);
    expect(kept.validFrom).toEqual(token.validFrom);
    expect(await fieldErrors(updateToken(user.id, token.guid, { validFrom: later(now, DAY).toISOString() }, aWeekLater))).toEqual({
      validFrom: ["Valid from cannot be in the past."],
    });
  });

  test("an expired token can be renamed with its past dates unchanged", async () => {
    const { user, token, now } = await created();
    const afterExpiry = later(now, 60 * DAY);
    const renamed = await updateToken(
      user.id,
      token.guid,
      { name: "Old one", validFrom: token.validFrom.toISOString(), validTo: token.validTo!.toISOString() },
      afterExpiry,
    );
    expect(renamed).toMatchObject({ name: "Old one", validTo: token.validTo, status: "expired" });
  });

  test("a revoked token keeps the window its revocation set: name and description can change, the dates cannot", async () => {
    const { user, token, now } = await created();
    const revoked = await revokeToken(user.id, token.guid, now);
    const renamed = await updateToken(
      user.id,
      token.guid,
      { name: "Revoked, renamed", description: "kept for the record", validFrom: revoked.validFrom.toISOString(), validTo: revoked.validTo!.toISOString() },
      later(now, DAY),
    );
    expect(renamed).toMatchObject({ name: "Revoked, renamed", validTo: revoked.validTo, revokedAt: revoked.revokedAt });
    for (const window of [{ validTo: later(now, 60 * DAY).toISOString() }, { validTo: null }, { validFrom: later(now, 2 * DAY).toISOString() }]) {
      await expect(updateToken(user.id, token.guid, window, later(now, DAY))).rejects.toBeInstanceOf(ConflictError);
    }
    expect(await getToken(user.id, token.guid)).toMatchObject({ validFrom: revoked.validFrom, validTo: revoked.validTo });
  });

  test("invalid edits are field errors and change nothing", async () => {
    const { user, token, now } = await created();
    const cases: [unknown, string][] = [
      [{ name: "" }, "name"],
      [{ name: "x".repeat(101) }, "name"],
      [{ description: "d".repeat(501) }, "description"],
      [{ scopes: [] }, "scopes"],
      [{ validTo: "soon" }, "validTo"],
      [{ validTo: later(now, -HOUR).toISOString() }, "validTo"],
      [{ validFrom: later(now, 40 * DAY).toISOString() }, "validTo"],
      [null, "form"],
      [undefined, "form"],
      ["name=x", "form"],
      [42, "form"],
    ];
    for (const [input, field] of cases) {
      expect(Object.keys(await fieldErrors(updateToken(user.id, token.guid, input, now)))).toEqual([field]);
    }
    expect(await getToken(user.id, token.guid)).toEqual(token);
  });
});

describe("revokeToken", () => {
  test("ends an active token now: revoked-at and valid-to become the current time, and its secret stops", async () => {
    const user = await owner();
    const now = new Date();
    const { token, secret } = await createToken(user.id, { name: "Leaked", scopes: read, validTo: later(now, DAY).toISOString() }, now);
    const revokedAt = later(now, 5 * MINUTE);
    const revoked = await revokeToken(user.id, token.guid, revokedAt);
    expect(revoked).toMatchObject({ revokedAt, validTo: revokedAt, status: "revoked" });
    expect(await getToken(user.id, token.guid, revokedAt)).toEqual(revoked);
    expect(await verifySecret(secret, revokedAt)).toEqual({ ok: false, reason: "revoked" });
  });

  test("revoking a revoked token again is harmless and keeps the first revocation time", async () => {
    const user = await owner();
    const now = new Date();
    const { token } = await createToken(user.id, { name: "Twice", scopes: read }, now);
    const first = await revokeToken(user.id, token.guid, now);
    const second = await revokeToken(user.id, token.guid, later(now, HOUR));
    expect(second).toMatchObject({ revokedAt: first.revokedAt, validTo: first.validTo, status: "revoked" });
  });

  test("an expired or scheduled token cannot be revoked (ConflictError) and is left alone", async () => {
    const user = await owner();
    const now = new Date();
    const { token: expiring } = await createToken(user.id, { name: "Expiring", scopes: read, validTo: later(now, HOUR).toISOString() }, now);
    const { token: scheduled } = await createToken(user.id, { name: "Scheduled", scopes: read, validFrom: later(now, DAY).toISOString() }, now);
    await expect(revokeToken(user.id, expiring.guid, later(now, HOUR))).rejects.toBeInstanceOf(ConflictError);
    await expect(revokeToken(user.id, scheduled.guid, now)).rejects.toBeInstanceOf(ConflictError);
    expect((await getToken(user.id, expiring.guid)).revokedAt).toBeNull();
    expect((await getToken(user.id, scheduled.guid)).revokedAt).toBeNull();
  });
});

describe("rotateToken", () => {
  async function created(now = new Date()) {
    const user = await owner();
    const { token, secret } = await createToken(user.id, { name: "Rotating", scopes: ["tokens:read", "tokens:write"] }, now);
    return { user, token, secret, now };
  }

  test("issues a new secret for the same token; without overlap the old one stops at once", async () => {
    const { user, token, secret: old, now } = await created();
    const { token: rotated, secret } = await rotateToken(user.id, token.guid, {}, now);
    expect(secret).not.toBe(old);
    expect(rotated).toEqual({ ...token, partial: partialOf(secret), updatedAt: expect.any(Date) });
    expect(rotated.partial).not.toBe(token.partial);
    expect(await verifySecret(secret, now)).toMatchObject({ ok: true, token: { guid: token.guid, name: "Rotating", scopes: ["tokens:read", "tokens:write"] } });
    expect(await verifySecret(old, now)).toEqual({ ok: false, reason: "unknown" });
  });

  test("with no options at all (undefined or null) it rotates without overlap", async () => {
    const { user, token, secret: first, now } = await created();
    const { secret: second } = await rotateToken(user.id, token.guid, undefined, now);
    const { secret: third } = await rotateToken(user.id, token.guid, null, now);
    expect(await verifySecret(first, now)).toEqual({ ok: false, reason: "unknown" });
    expect(await verifySecret(second, now)).toEqual({ ok: false, reason: "unknown" });
    expect(await verifySecret(third, now)).toMatchObject({ ok: true });
  });

  test("with an overlap the old secret keeps working until the overlap ends, and not a millisecond longer", async () => {
    const { user, token, secret: old, now } = await created();
    const { secret } = await rotateToken(user.id, token.guid, { overlapSeconds: 3600 }, now);
    expect(await verifySecret(old, later(now, HOUR - 1))).toMatchObject({ ok: true, token: { guid: token.guid } });
    expect(await verifySecret(old, later(now, HOUR))).toEqual({ ok: false, reason: "unknown" });
    expect(await verifySecret(secret, later(now, HOUR))).toMatchObject({ ok: true });
  });

  test("a second rotation never extends an earlier overlap, and shortens it when its own is shorter", async () => {
    const { user, token, secret: s0, now } = await created();
    const { secret: s1 } = await rotateToken(user.id, token.guid, { overlapSeconds: 3600 }, now);
    // 10 minutes later, a 2-hour overlap: s0 keeps its 1-hour end, s1 gets 2h10m.
    const { secret: s2 } = await rotateToken(user.id, token.guid, { overlapSeconds: 7200 }, later(now, 10 * MINUTE));
    expect(await verifySecret(s0, later(now, HOUR - 1))).toMatchObject({ ok: true });
    expect(await verifySecret(s0, later(now, HOUR))).toEqual({ ok: false, reason: "unknown" });
    expect(await verifySecret(s1, later(now, 130 * MINUTE - 1))).toMatchObject({ ok: true });
    expect(await verifySecret(s1, later(now, 130 * MINUTE))).toEqual({ ok: false, reason: "unknown" });
    // 20 minutes in, a 5-minute overlap cuts both older secrets down to 25 minutes.
    const { secret: s3 } = await rotateToken(user.id, token.guid, { overlapSeconds: 300 }, later(now, 20 * MINUTE));
    for (const old of [s0, s1, s2]) {
      expect(await verifySecret(old, later(now, 25 * MINUTE - 1))).toMatchObject({ ok: true });
      expect(await verifySecret(old, later(now, 25 * MINUTE))).toEqual({ ok: false, reason: "unknown" });
    }
    expect(await verifySecret(s3, later(now, DAY))).toMatchObject({ ok: true });
  });

  test("a rotation without overlap ends every older secret, even those still in an overlap", async () => {
    const { user, token, secret: s0, now } = await created();
    const { secret: s1 } = await rotateToken(user.id, token.guid, { overlapSeconds: 3600 }, now);
    const { secret: s2 } = await rotateToken(user.id, token.guid, {}, later(now, MINUTE));
    expect(await verifySecret(s0, later(now, MINUTE))).toEqual({ ok: false, reason: "unknown" });
    expect(await verifySecret(s1, later(now, MINUTE))).toEqual({ ok: false, reason: "unknown" });
    expect(await verifySecret(s2, later(now, MINUTE))).toMatchObject({ ok: true });
  });

  test("a revoked token cannot be rotated (ConflictError): no new secret, the partial stays", async () => {
    const { user, token, now } = await created();
    await revokeToken(user.id, token.guid, now);
    await expect(rotateToken(user.id, token.guid, {}, now)).rejects.toBeInstanceOf(ConflictError);
    expect((await getToken(user.id, token.guid)).partial).toBe(token.partial);
    const db = await prisma();
    expect(await db.tokenSecret.count({ where: { tokenGuid: token.guid } })).toBe(1);
  });

  test("invalid options are field errors and the secret stays", async () => {
    const { user, token, secret, now } = await created();
    for (const [input, field] of [
      [{ overlapSeconds: -1 }, "overlapSeconds"],
      [{ overlapSeconds: 30 * 86_400 + 1 }, "overlapSeconds"],
      [{ overlapSeconds: "an hour" }, "overlapSeconds"],
      ["3600", "form"],
    ] as const) {
      expect(Object.keys(await fieldErrors(rotateToken(user.id, token.guid, input, now)))).toEqual([field]);
    }
    expect(await verifySecret(secret, now)).toMatchObject({ ok: true });
  });

  test("two rotations at the same moment leave exactly one working secret, the one the list shows", async () => {
    const { user, token, now } = await created();
    const results = await Promise.all([rotateToken(user.id, token.guid, {}, now), rotateToken(user.id, token.guid, {}, now)]);
    const working = [];
    for (const { secret } of results) if ((await verifySecret(secret, now)).ok) working.push(secret);
    expect(working).toHaveLength(1);
    expect((await getToken(user.id, token.guid)).partial).toBe(partialOf(working[0]!));
  });
});

describe("deleteToken", () => {
  test("removes the token, its scopes and secrets; the secret stops verifying", async () => {
    const user = await owner();
    const { token, secret } = await createToken(user.id, { name: "Doomed", scopes: read });
    await rotateToken(user.id, token.guid, { overlapSeconds: 600 });
    await deleteToken(user.id, token.guid.toUpperCase());
    await expect(getToken(user.id, token.guid)).rejects.toBeInstanceOf(NotFoundError);
    expect(await tokenCount(user.id)).toBe(0);
    expect(await verifySecret(secret)).toEqual({ ok: false, reason: "unknown" });
    const db = await prisma();
    expect(await db.tokenSecret.count({ where: { tokenGuid: token.guid } })).toBe(0);
    expect(await db.tokenScope.count({ where: { tokenGuid: token.guid } })).toBe(0);
    await expect(deleteToken(user.id, token.guid)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("a change racing with a delete", () => {
  test("answers NotFoundError, never a database error", async () => {
    const user = await owner();
    for (let i = 0; i < 4; i++) {
      const { token } = await createToken(user.id, { name: `Race ${i}`, scopes: read });
      const change = [
        () => updateToken(user.id, token.guid, { name: "Renamed" }),
        () => revokeToken(user.id, token.guid),
        () => rotateToken(user.id, token.guid, {}),
        () => rotateToken(user.id, token.guid, { overlapSeconds: 60 }),
      ][i]!;
      const [changed] = await Promise.allSettled([change(), deleteToken(user.id, token.guid)]);
      if (changed.status === "rejected") expect(changed.reason).toBeInstanceOf(NotFoundError);
    }
  });
});

describe("change announcements (what the verification cache listens to)", () => {
  test("update, revoke, rotate and delete each announce the token", async () => {
    const user = await owner();
    const { token } = await createToken(user.id, { name: "Watched", scopes: read });
    const heard: (string | undefined)[] = [];
    const stop = onTokenChange(({ tokenGuid }) => void heard.push(tokenGuid));
    try {
      await updateToken(user.id, token.guid, { name: "Watched 2" });
      await rotateToken(user.id, token.guid, {});
      await revokeToken(user.id, token.guid);
      await deleteToken(user.id, token.guid);
    } finally {
      stop();
    }
    expect(heard).toEqual([token.guid, token.guid, token.guid, token.guid]);
  });
});
