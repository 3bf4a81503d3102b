import { prisma } from "@/lib/db";
import { grantScope, withdrawScope } from "@/lib/scopes/service";
import { generateSecret } from "@/lib/tokens/secret";
import { createToken, revokeToken, rotateToken, updateToken } from "@/lib/tokens/service";
import { verifySecret } from "@/lib/tokens/verify";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

useFreshDatabase();

const HOUR = 3_600_000;
const later = (base: Date, ms: number) => new Date(base.getTime() + ms);

describe("verifySecret", () => {
  test("an active token: who owns it, what it is, and its effective scopes", async () => {
    const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
    const now = new Date();
    const { token, secret } = await createToken(
      user.id,
      { name: "CI", scopes: ["tokens:write", "tokens:read"], validTo: later(now, HOUR).toISOString() },
      now,
    );
    expect(await verifySecret(secret, now)).toEqual({
      ok: true,
      token: {
        guid: token.guid,
        name: "CI",
        userId: user.id,
        userEmail: user.email,
        userName: user.name,
        userIsAdmin: false,
        scopes: ["tokens:read", "tokens:write"],
        validFrom: token.validFrom,
        validTo: token.validTo,
        createdAt: token.createdAt,
        // The current secret: no end of its own (a replaced one's is its overlap's end).
        secretExpiresAt: null,
      },
    });
  });

  test("effective scopes are the token's scopes the owner holds now: withdrawing narrows at once, granting back restores", async () => {
    const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
    const { secret } = await createToken(user.id, { name: "Narrowed", scopes: ["tokens:read", "tokens:write"] });
    const scopes = async () => {
      const result = await verifySecret(secret);
      if (!result.ok) throw new Error(`expected an active token, got ${result.reason}`);
      return result.token.scopes;
    };
    expect(await scopes()).toEqual(["tokens:read", "tokens:write"]);
    await withdrawScope(user.id, "tokens:write");
    expect(await scopes()).toEqual(["tokens:read"]);
    await withdrawScope(user.id, "tokens:read");
    expect(await scopes()).toEqual([]);
    await grantScope(user.id, "tokens:write");
    await grantScope(user.id, "tokens:read");
    expect(await scopes()).toEqual(["tokens:read", "tokens:write"]);
    // A scope granted later does not widen a token that never had it.
    await grantScope(user.id, "tokens:introspect");
    expect(await scopes()).toEqual(["tokens:read", "tokens:write"]);
  });

  test("another user's grants never count", async () => {
    const owner = await createUser({ scopes: ["tokens:read"] });
    const other = await createUser({ scopes: ["tokens:read", "tokens:write", "tokens:introspect"] });
    const { secret } = await createToken(owner.id, { name: "Mine", scopes: ["tokens:read"] });
    const { secret: theirs } = await createToken(other.id, { name: "Theirs", scopes: ["tokens:read"] });
    await withdrawScope(owner.id, "tokens:read");
    expect(await verifySecret(secret)).toMatchObject({ ok: true, token: { userId: owner.id, scopes: [] } });
    expect(await verifySecret(theirs)).toMatchObject({ ok: true, token: { userId: other.id, scopes: ["tokens:read"] } });
  });

  test("malformed input is 'malformed'", async () => {
    const secret = generateSecret();
    for (const candidate of ["", "Bearer " + secret, secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A"), secret.toUpperCase(), "tgp_" + "0".repeat(36), "x".repeat(10_000)]) {
      expect(await verifySecret(candidate)).toEqual({ ok: false, reason: "malformed" });
    }
  });

  test("a well-formed secret that was never issued is 'unknown'", async () => {
    expect(await verifySecret(generateSecret())).toEqual({ ok: false, reason: "unknown" });
  });

  test("revoked, expired and not-yet-valid tokens give their reason", async () => {
    const user = await createUser({ scopes: ["tokens:read"] });
    const now = new Date();
    const { token: r, secret: revoked } = await createToken(user.id, { name: "Revoked", scopes: ["tokens:read"] }, now);
    await revokeToken(user.id, r.guid, now);
    const { secret: expiring } = await createToken(user.id, { name: "Expiring", scopes: ["tokens:read"], validTo: later(now, HOUR).toISOString() }, now);
    const { secret: scheduled } = await createToken(user.id, { name: "Later", scopes: ["tokens:read"], validFrom: later(now, HOUR).toISOString() }, now);

    expect(await verifySecret(revoked, now)).toEqual({ ok: false, reason: "revoked" });
    expect(await verifySecret(expiring, later(now, HOUR - 1))).toMatchObject({ ok: true });
    expect(await verifySecret(expiring, later(now, HOUR))).toEqual({ ok: false, reason: "expired" });
    expect(await verifySecret(scheduled, later(now, HOUR - 1))).toEqual({ ok: false, reason: "scheduled" });
    expect(await verifySecret(scheduled, later(now, HOUR))).toMatchObject({ ok: true });
  });

  test("an edit shows in the next verification", async () => {
    const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
    const now = new Date();
    const { token, secret } = await createToken(user.id, { name: "Before", scopes: ["tokens:read"] }, now);
    expect(await verifySecret(secret, now)).toMatchObject({ ok: true, token: { name: "Before", validTo: null } });
    await updateToken(user.id, token.guid, { name: "After", scopes: ["tokens:write"], validTo: later(now, HOUR).toISOString() }, now);
    expect(await verifySecret(secret, now)).toMatchObject({ ok: true, token: { name: "After", scopes: ["tokens:write"], validTo: later(now, HOUR) } });
    expect(await verifySecret(secret, later(now, HOUR))).toEqual({ ok: false, reason: "expired" });
  });
});

describe("secrets are never stored", () => {
  test("no column of any table contains a secret issued at creation or rotation, nor its random part", async () => {
    const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
    const issued: string[] = [];
    const { token, secret } = await createToken(user.id, { name: "Scanned", description: "no secrets here", scopes: ["tokens:read"] });
    issued.push(secret);
    issued.push((await rotateToken(user.id, token.guid, { overlapSeconds: 3600 })).secret);
    issued.push((await rotateToken(user.id, token.guid, {})).secret);
    const { secret: second } = await createToken(user.id, { name: "Another", scopes: ["tokens:write"] });
    issued.push(second);

    const db = await prisma();
    const tables = await db.$queryRawUnsafe<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.table_name).sort()).toEqual(
      expect.arrayContaining(["_prisma_migrations", "scopes", "token_scopes", "token_secrets", "tokens", "user_scopes", "users"]),
    );
    let dump = "";
    for (const { table_name } of tables) {
      const rows = await db.$queryRawUnsafe<{ row: string }[]>(`SELECT t::text AS row FROM "${table_name.replace(/"/g, '""')}" t`);
      dump += rows.map((r) => r.row).join("\n");
    }
    expect(dump).toContain(token.guid); // the scan does see the tokens' rows
    for (const secret of issued) {
      expect(dump).not.toContain(secret);
      // Not the random part either, nor any 12-character stretch of it (hex hashes and partials aside).
      for (let i = 4; i + 12 <= 34; i++) expect(dump).not.toContain(secret.slice(i, i + 12));
    }
  });
});
