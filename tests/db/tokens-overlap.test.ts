import { Client } from "pg";
import { databaseStats } from "@/lib/db/stats";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { CHANGE_CHANNEL } from "@/lib/db/change-listener";
import { onTokenChange } from "@/lib/tokens/events";
import { createToken, endOverlap, getToken, listTokens, revokeToken, rotateToken } from "@/lib/tokens/service";
import { verifySecret } from "@/lib/tokens/verify";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

/** previousSecretExpiresAt (until when a rotated-out secret still works) and ending that overlap at once. */
useFreshDatabase();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const later = (base: Date, ms: number) => new Date(base.getTime() + ms);
const onPostgres = process.env.TEST_POSTGRES_URL ? test : test.skip;

async function rotatedWithOverlap(options: { overlapSeconds?: number; validTo?: Date } = {}) {
  const now = new Date();
  const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
  const input = { name: "Rotating", scopes: ["tokens:read"], ...(options.validTo && { validTo: options.validTo.toISOString() }) };
  const { token, secret: old } = await createToken(user.id, input, now);
  const rotated = await rotateToken(user.id, token.guid, { overlapSeconds: options.overlapSeconds ?? 3600 }, now);
  return { user, now, guid: token.guid, old, current: rotated.secret, rotated: rotated.token };
}

describe("previousSecretExpiresAt", () => {
  test("null for a new token and after a rotation without overlap", async () => {
    const now = new Date();
    const user = await createUser({ scopes: ["tokens:read"] });
    const { token } = await createToken(user.id, { name: "Plain", scopes: ["tokens:read"] }, now);
    expect(token.previousSecretExpiresAt).toBeNull();
    expect((await rotateToken(user.id, token.guid, {}, now)).token.previousSecretExpiresAt).toBeNull();
    expect((await getToken(user.id, token.guid, now)).previousSecretExpiresAt).toBeNull();
  });

  test("after a rotation with overlap: the overlap's end, in the rotation's answer, the token and the list, until it passes", async () => {
    const { user, now, guid, rotated } = await rotatedWithOverlap({ overlapSeconds: 3600 });
    const end = later(now, HOUR);
    expect(rotated.previousSecretExpiresAt).toEqual(end);
    expect((await getToken(user.id, guid, now)).previousSecretExpiresAt).toEqual(end);
    expect((await listTokens(user.id, {}, later(now, HOUR - 1))).tokens[0]!.previousSecretExpiresAt).toEqual(end);
    expect((await listTokens(user.id, {}, end)).tokens[0]!.previousSecretExpiresAt).toBeNull();
  });

  test("never later than the token's own end, and null once the token is revoked", async () => {
    const validTo = later(new Date(), 30 * MINUTE);
    const { user, now, guid, rotated } = await rotatedWithOverlap({ overlapSeconds: 3600, validTo });
    expect(rotated.previousSecretExpiresAt).toEqual(validTo);
    expect((await revokeToken(user.id, guid, later(now, MINUTE))).previousSecretExpiresAt).toBeNull();
  });

  test("a page of tokens is read in as many queries with overlaps as without (no query per token)", async () => {
    const now = new Date();
    const user = await createUser({ scopes: ["tokens:read"] });
    const queriesFor = async () => {
      const before = databaseStats().queries;
      await listTokens(user.id, { perPage: 100 }, now);
      return databaseStats().queries - before;
    };
    for (let i = 0; i < 3; i++) await createToken(user.id, { name: `T${i}`, scopes: ["tokens:read"] }, now);
    const plain = await queriesFor();
    for (const token of (await listTokens(user.id, {}, now)).tokens) await rotateToken(user.id, token.guid, { overlapSeconds: 600 }, now);
    for (let i = 3; i < 10; i++) {
      const { token } = await createToken(user.id, { name: `T${i}`, scopes: ["tokens:read"] }, now);
      await rotateToken(user.id, token.guid, { overlapSeconds: 600 }, now);
    }
    expect((await listTokens(user.id, { perPage: 100 }, now)).tokens.filter((t) => t.previousSecretExpiresAt)).toHaveLength(10);
    expect(await queriesFor()).toBe(plain);
    expect(plain).toBeLessThanOrEqual(2); // the count and the page
  }, 30_000);
});

describe("endOverlap", () => {
  test("the previous secret is refused at once, the current one still works, and the answer says no overlap", async () => {
    const { user, now, guid, old, current } = await rotatedWithOverlap();
    expect(await verifySecret(old, now)).toMatchObject({ ok: true }); // cached as working
    const ended = await endOverlap(user.id, guid, now);
    expect(ended).toEqual({ ...(await getToken(user.id, guid, now)), previousSecretExpiresAt: null });
    expect(await verifySecret(old, now)).toEqual({ ok: false, reason: "unknown" });
    expect(await verifySecret(current, now)).toMatchObject({ ok: true, token: { guid } });
  });

  test("ends every secret still winding down, from several rotations", async () => {
    const { user, now, guid, old, current: second } = await rotatedWithOverlap();
    const { secret: third } = await rotateToken(user.id, guid, { overlapSeconds: 600 }, later(now, MINUTE));
    await endOverlap(user.id, guid, later(now, 2 * MINUTE));
    for (const secret of [old, second]) expect(await verifySecret(secret, later(now, 2 * MINUTE))).toEqual({ ok: false, reason: "unknown" });
    expect(await verifySecret(third, later(now, 2 * MINUTE))).toMatchObject({ ok: true });
  });

  test("with no overlap in force it is a ConflictError and changes nothing", async () => {
    const { user, now, guid, current } = await rotatedWithOverlap({ overlapSeconds: 60 });
    const passed = later(now, MINUTE);
    await expect(endOverlap(user.id, guid, passed)).rejects.toEqual(
      new ConflictError("This token has no previous secret that still works: there is no overlap to end."),
    );
    await expect(endOverlap(user.id, guid, passed)).rejects.toBeInstanceOf(ConflictError);
    expect(await verifySecret(current, passed)).toMatchObject({ ok: true });
  });

  test("a second call, once the overlap is ended, is a ConflictError too", async () => {
    const { user, now, guid } = await rotatedWithOverlap();
    await endOverlap(user.id, guid, now);
    await expect(endOverlap(user.id, guid, now)).rejects.toBeInstanceOf(ConflictError);
  });

  test("another user's token, an unknown or a malformed GUID is not found, and the old secret keeps working", async () => {
    const { now, guid, old } = await rotatedWithOverlap();
    const stranger = await createUser({ scopes: ["tokens:read", "tokens:write"] });
    for (const target of [guid, "00000000-0000-4000-8000-000000000000", "not-a-guid"]) {
      await expect(endOverlap(stranger.id, target, now)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await verifySecret(old, now)).toMatchObject({ ok: true });
  });

  test("announces the token to this instance's cache", async () => {
    const { user, now, guid } = await rotatedWithOverlap();
    const heard: (string | undefined)[] = [];
    const stop = onTokenChange(({ tokenGuid }) => void heard.push(tokenGuid));
    try {
      await endOverlap(user.id, guid, now);
    } finally {
      stop();
    }
    expect(heard).toEqual([guid]);
  });

  onPostgres("tells every other instance through the change feed (what their caches drop on)", async () => {
    const { user, now, guid } = await rotatedWithOverlap();
    const listener = new Client({ connectionString: process.env.DATABASE_URL });
    await listener.connect();
    try {
      const heard: string[] = [];
      listener.on("notification", (message) => void (message.payload && heard.push(message.payload)));
      await listener.query(`LISTEN ${CHANGE_CHANNEL}`);
      await endOverlap(user.id, guid, now);
      for (let waited = 0; heard.length === 0 && waited < 1000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      expect(heard.map((payload) => JSON.parse(payload))).toContainEqual({ token: guid });
    } finally {
      await listener.end();
    }
  });
});
