import { Client } from "pg";
import { databaseStats } from "@/lib/db";
import { withdrawScope } from "@/lib/scopes/service";
import { generateSecret } from "@/lib/tokens/secret";
import { createToken, revokeToken, rotateToken } from "@/lib/tokens/service";
import { verificationCache, verificationCacheReady, verifyFromMemory, verifySecret } from "@/lib/tokens/verify";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

useFreshDatabase();

beforeAll(() => verificationCacheReady());

async function queriesDuring(work: () => Promise<unknown>): Promise<number> {
  const before = databaseStats().queries;
  await work();
  return databaseStats().queries - before;
}

test("a verified token is answered from the cache without a query", async () => {
  const user = await createUser();
  const { secret } = await createToken(user.id, { name: "warm", scopes: ["tokens:read"] });
  expect(await queriesDuring(() => verifySecret(secret))).toBe(1);
  // On PostgreSQL the creation's own NOTIFY may arrive just after the first lookup and drop it
  // (correctly: the cache cannot tell its own changes from others'); the next lookup refills it.
  let attempts = 0;
  while ((await queriesDuring(() => verifySecret(secret))) > 0 && attempts++ < 50) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(await queriesDuring(() => verifySecret(secret))).toBe(0);
  expect(await queriesDuring(() => verifySecret(secret))).toBe(0);
  expect(verificationCache().stats().hits).toBeGreaterThan(0);
});

test("verifyFromMemory answers only what the cache holds, and never asks the database", async () => {
  const user = await createUser();
  const { secret, token } = await createToken(user.id, { name: "rate limited", scopes: ["tokens:read"] });
  const before = databaseStats().queries;
  expect(verifyFromMemory(secret)).toBeNull();
  expect(verifyFromMemory("tgp_not-a-token")).toEqual({ ok: false, reason: "malformed" });
  expect(databaseStats().queries).toBe(before);
  // Cached (see the first test for why a fill may take more than one lookup on PostgreSQL).
  for (let attempts = 0; verifyFromMemory(secret) === null && attempts < 50; attempts++) {
    await verifySecret(secret);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(verifyFromMemory(secret)).toMatchObject({ ok: true, token: { guid: token.guid } });
  await revokeToken(user.id, token.guid);
  expect(verifyFromMemory(secret)).toBeNull();
});

test("an unknown secret reaches the database once, then is refused from the cache", async () => {
  const unknown = generateSecret();
  expect(await queriesDuring(() => verifySecret(unknown))).toBe(1);
  const again = await (async () => {
    let result;
    const count = await queriesDuring(async () => (result = await verifySecret(unknown)));
    return { result, count };
  })();
  expect(again).toEqual({ result: { ok: false, reason: "unknown" }, count: 0 });
});

test("a cached token expires on a hit exactly when its valid-to passes", async () => {
  const user = await createUser();
  const validTo = new Date(Date.now() + 3_600_000);
  const { secret } = await createToken(user.id, { name: "short", scopes: ["tokens:read"], validTo: validTo.toISOString() });
  expect((await verifySecret(secret)).ok).toBe(true);
  expect(await verifySecret(secret, new Date(validTo.getTime() - 1))).toMatchObject({ ok: true });
  expect(await verifySecret(secret, validTo)).toEqual({ ok: false, reason: "expired" });
});

test("revoking on this instance refuses the cached token at once", async () => {
  const user = await createUser();
  const { token, secret } = await createToken(user.id, { name: "to revoke", scopes: ["tokens:read"] });
  expect((await verifySecret(secret)).ok).toBe(true);
  await revokeToken(user.id, token.guid);
  expect(await verifySecret(secret)).toEqual({ ok: false, reason: "revoked" });
});

test("rotating without overlap refuses the cached old secret at once", async () => {
  const user = await createUser();
  const created = await createToken(user.id, { name: "to rotate", scopes: ["tokens:read"] });
  expect((await verifySecret(created.secret)).ok).toBe(true);
  const rotated = await rotateToken(user.id, created.token.guid, { overlapSeconds: 0 });
  expect(await verifySecret(created.secret)).toEqual({ ok: false, reason: "unknown" });
  expect((await verifySecret(rotated.secret)).ok).toBe(true);
});

test("withdrawing a grant narrows the cached token's scopes at once", async () => {
  const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
  const { secret } = await createToken(user.id, { name: "both", scopes: ["tokens:read", "tokens:write"] });
  expect(await verifySecret(secret)).toMatchObject({ ok: true, token: { scopes: ["tokens:read", "tokens:write"] } });
  await withdrawScope(user.id, "tokens:write");
  expect(await verifySecret(secret)).toMatchObject({ ok: true, token: { scopes: ["tokens:read"] } });
});

const postgres = process.env.TEST_POSTGRES_URL ? test : test.skip;

postgres("a change made by another process reaches this instance's cache through NOTIFY", async () => {
  const user = await createUser();
  const { token, secret } = await createToken(user.id, { name: "shared", scopes: ["tokens:read"] });
  expect((await verifySecret(secret)).ok).toBe(true);
  // Another instance (here: a plain connection) revokes the token behind this process's back.
  const other = new Client({ connectionString: process.env.DATABASE_URL });
  await other.connect();
  await other.query("UPDATE tokens SET revoked_at = now(), valid_to = now() WHERE guid = $1", [token.guid]);
  await other.end();
  // Poll rather than sleep: the notification arrives within milliseconds; the bound only stops a hang.
  const deadline = Date.now() + 10_000;
  let result = await verifySecret(secret);
  while (result.ok && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    result = await verifySecret(secret);
  }
  expect(result).toEqual({ ok: false, reason: "revoked" });
});
