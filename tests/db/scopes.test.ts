import { randomUUID } from "node:crypto";
import { NotFoundError } from "@/lib/errors";
import { BUILT_IN_SCOPES, BUILT_IN_SCOPE_NAMES } from "@/lib/scopes/built-in";
import { grantScope, scopeCatalogue, scopesHeldBy, withdrawScope } from "@/lib/scopes/service";
import { onTokenChange } from "@/lib/tokens/events";
import { createToken, getToken, heldScopes } from "@/lib/tokens/service";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

useFreshDatabase();

const scope = (name: keyof typeof BUILT_IN_SCOPES) => ({ name, description: BUILT_IN_SCOPES[name].description });
const CATALOGUE = [scope("tokens:introspect"), scope("tokens:read"), scope("tokens:write")];

test("the catalogue the migrations seed holds every built-in scope, with the code's description, by name", async () => {
  const catalogue = await scopeCatalogue();
  // Administrators may add scopes of their own (issue 13); the built-in ones are always there, worded as in the code.
  const builtIn = catalogue.filter((s) => (BUILT_IN_SCOPE_NAMES as string[]).includes(s.name));
  expect(builtIn).toEqual(BUILT_IN_SCOPE_NAMES.map(scope).sort((a, b) => a.name.localeCompare(b.name)));
  expect(catalogue.map((s) => s.name)).toEqual(catalogue.map((s) => s.name).sort());
});

test("a new user holds the configured default scopes", async () => {
  const user = await createUser();
  expect(await heldScopes(user.id)).toEqual(["tokens:read", "tokens:write"]);
  expect(await scopesHeldBy(user.id)).toEqual(CATALOGUE.slice(1));
});

test("granting adds a scope once, however often it is granted", async () => {
  const user = await createUser({ scopes: ["tokens:read"] });
  await grantScope(user.id, "tokens:introspect");
  await grantScope(user.id, "tokens:introspect");
  expect(await heldScopes(user.id)).toEqual(["tokens:introspect", "tokens:read"]);
  expect(await scopesHeldBy(user.id)).toEqual([CATALOGUE[0], CATALOGUE[1]]);
});

test("granting a scope that is not in the catalogue is NotFoundError", async () => {
  const user = await createUser({ scopes: [] });
  for (const scope of ["billing:admin", "", "Tokens:Read", "x".repeat(200), "tokens:read\u0000"]) {
    await expect(grantScope(user.id, scope)).rejects.toBeInstanceOf(NotFoundError);
  }
  expect(await heldScopes(user.id)).toEqual([]);
});

test("granting to a user who does not exist, or to a malformed id, is NotFoundError", async () => {
  for (const userId of [randomUUID(), "not-a-user", ""]) {
    await expect(grantScope(userId, "tokens:read")).rejects.toThrow(new NotFoundError("No such user."));
  }
});

test("withdrawing removes the grant, is harmless when repeated, and leaves the token's own scopes on record", async () => {
  const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
  const { token } = await createToken(user.id, { name: "Keeps its record", scopes: ["tokens:read", "tokens:write"] });
  await withdrawScope(user.id, "tokens:write");
  await withdrawScope(user.id, "tokens:write");
  expect(await heldScopes(user.id)).toEqual(["tokens:read"]);
  expect((await getToken(user.id, token.guid)).scopes).toEqual(["tokens:read", "tokens:write"]);
});

test("withdrawing from a malformed user id is NotFoundError, not a database error", async () => {
  await expect(withdrawScope("not-a-user", "tokens:read")).rejects.toThrow(new NotFoundError("No such user."));
});

test("scopes held by an unknown or malformed user id: none", async () => {
  expect(await scopesHeldBy(randomUUID())).toEqual([]);
  expect(await scopesHeldBy("not-a-user")).toEqual([]);
  expect(await heldScopes("not-a-user")).toEqual([]);
});

test("grant and withdraw announce the user, so cached verifications are dropped", async () => {
  const user = await createUser({ scopes: [] });
  const heard: (string | undefined)[] = [];
  const stop = onTokenChange(({ userId }) => void heard.push(userId));
  try {
    await grantScope(user.id, "tokens:read");
    await withdrawScope(user.id, "tokens:read");
  } finally {
    stop();
  }
  expect(heard).toEqual([user.id, user.id]);
});
