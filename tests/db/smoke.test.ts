import { prisma } from "@/lib/db";
import { createToken, listTokens } from "@/lib/tokens/service";
import { verifySecret } from "@/lib/tokens/verify";
import { DEFAULT_TOKEN_LIST_QUERY } from "@/lib/validation/tokens";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

useFreshDatabase();

test("a created token lists, verifies, and its secret is not in the database", async () => {
  const user = await createUser();
  const { token, secret } = await createToken(user.id, { name: "CI deploy", scopes: ["tokens:read"] });
  const page = await listTokens(user.id, DEFAULT_TOKEN_LIST_QUERY);
  expect(page.tokens.map((t) => t.guid)).toEqual([token.guid]);
  const verified = await verifySecret(secret);
  expect(verified).toMatchObject({ ok: true, token: { guid: token.guid, scopes: ["tokens:read"] } });
  const db = await prisma();
  const dump = JSON.stringify(await db.$queryRawUnsafe("SELECT t.*, s.* FROM tokens t JOIN token_secrets s ON s.token_guid = t.guid"));
  expect(dump).not.toContain(secret);
  expect(dump).not.toContain(secret.slice(8, 30));
});
