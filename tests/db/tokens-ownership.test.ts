import { randomUUID } from "node:crypto";
import { NotFoundError } from "@/lib/errors";
import { createToken, deleteToken, getToken, listTokens, revokeToken, rotateToken, updateToken, type TokenView } from "@/lib/tokens/service";
import { verifySecret } from "@/lib/tokens/verify";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

useFreshDatabase();

describe("another user's token is answered like an unknown one", () => {
  let alice: string;
  let bob: string;
  let token: TokenView;
  let secret: string;

  beforeAll(async () => {
    alice = (await createUser({ scopes: ["tokens:read", "tokens:write"] })).id;
    bob = (await createUser({ scopes: ["tokens:read", "tokens:write"] })).id;
    ({ token, secret } = await createToken(alice, { name: "Alice's deploy key", scopes: ["tokens:read", "tokens:write"] }));
    await createToken(bob, { name: "Bob's own", scopes: ["tokens:read"] });
  });

  afterEach(async () => {
    // Whatever Bob tried, Alice's token is exactly as it was and still works.
    expect(await getToken(alice, token.guid)).toEqual(token);
    expect(await verifySecret(secret)).toMatchObject({ ok: true, token: { guid: token.guid, userId: alice } });
  });

  for (const variant of ["as created", "in upper case"] as const) {
    const guid = () => (variant === "as created" ? token.guid : token.guid.toUpperCase());

    test(`get is NotFoundError (GUID ${variant})`, async () => {
      await expect(getToken(bob, guid())).rejects.toBeInstanceOf(NotFoundError);
    });

    test(`update is NotFoundError, even with valid changes (GUID ${variant})`, async () => {
      await expect(updateToken(bob, guid(), { name: "Mine now", scopes: ["tokens:read"] })).rejects.toBeInstanceOf(NotFoundError);
    });

    test(`update with invalid input is still NotFoundError, not a validation answer (GUID ${variant})`, async () => {
      await expect(updateToken(bob, guid(), { name: "" })).rejects.toBeInstanceOf(NotFoundError);
    });

    test(`revoke is NotFoundError (GUID ${variant})`, async () => {
      await expect(revokeToken(bob, guid())).rejects.toBeInstanceOf(NotFoundError);
    });

    test(`rotate is NotFoundError (GUID ${variant})`, async () => {
      await expect(rotateToken(bob, guid(), { overlapSeconds: 60 })).rejects.toBeInstanceOf(NotFoundError);
    });

    test(`delete is NotFoundError (GUID ${variant})`, async () => {
      await expect(deleteToken(bob, guid())).rejects.toBeInstanceOf(NotFoundError);
    });

    test(`list does not show it, even filtered by its GUID (GUID ${variant})`, async () => {
      expect((await listTokens(bob, {})).tokens.map((t) => t.name)).toEqual(["Bob's own"]);
      expect(await listTokens(bob, { guid: guid() })).toMatchObject({ tokens: [], total: 0 });
      expect(await listTokens(bob, { q: "Alice" })).toMatchObject({ tokens: [], total: 0 });
    });
  }

  test("the same calls with an unknown GUID give the same answer", async () => {
    const unknown = randomUUID();
    const theirs = await getToken(bob, token.guid).catch((e: unknown) => e);
    const missing = await getToken(bob, unknown).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect([(missing as Error).message, (missing as Error).name]).toEqual([(theirs as Error).message, (theirs as Error).name]);
    await expect(updateToken(bob, unknown, { name: "x" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(revokeToken(bob, unknown)).rejects.toBeInstanceOf(NotFoundError);
    await expect(rotateToken(bob, unknown, {})).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteToken(bob, unknown)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("a malformed GUID is NotFoundError, never a database error", () => {
  const malformed = ["", "abc", "../../etc/passwd", "' OR '1'='1", "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6", "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6fa", "g".repeat(36), "x".repeat(100_000), "\u0000"];

  let userId: string;
  beforeAll(async () => {
    userId = (await createUser({ scopes: ["tokens:read", "tokens:write"] })).id;
    await createToken(userId, { name: "Present", scopes: ["tokens:read"] });
  });

  test.each(malformed.map((guid) => [JSON.stringify(guid).slice(0, 40), guid]))("%s", async (_label, guid) => {
    const user = { id: userId };
    await expect(getToken(user.id, guid)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateToken(user.id, guid, { name: "x" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(revokeToken(user.id, guid)).rejects.toBeInstanceOf(NotFoundError);
    await expect(rotateToken(user.id, guid, {})).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteToken(user.id, guid)).rejects.toBeInstanceOf(NotFoundError);
  });
});
