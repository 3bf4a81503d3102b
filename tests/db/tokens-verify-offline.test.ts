import { closeDatabase, database } from "@/lib/db";
import { generateSecret } from "@/lib/tokens/secret";
import { createToken } from "@/lib/tokens/service";
import { verifySecret } from "@/lib/tokens/verify";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

useFreshDatabase();

/** Flips one character of the random part: a typo the checksum must catch. */
function mistyped(secret: string): string {
  const i = 10;
  return secret.slice(0, i) + (secret[i] === "a" ? "b" : "a") + secret.slice(i + 1);
}

test("a malformed secret is rejected without touching the database", async () => {
  const user = await createUser({ scopes: ["tokens:read"] });
  const { secret } = await createToken(user.id, { name: "Real", scopes: ["tokens:read"] });
  expect(await verifySecret(secret)).toMatchObject({ ok: true });

  // Close the database under the process's handle: from here on any query fails.
  const db = await database();
  await db.close();
  try {
    await expect(verifySecret(generateSecret())).rejects.toThrow();

    // ...and yet every malformed candidate, including a one-character typo of a real secret, is answered.
    for (const candidate of [mistyped(secret), "", "tgp_short", secret + "x", "ghp_" + secret.slice(4)]) {
      expect(await verifySecret(candidate)).toEqual({ ok: false, reason: "malformed" });
    }
  } finally {
    // Unregister the handle closed above (closing it a second time fails), so the file's teardown has nothing left to close.
    await closeDatabase().catch(() => undefined);
  }
});
