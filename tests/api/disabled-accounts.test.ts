import { errorSchema } from "@/lib/api/schemas";
import { prisma } from "@/lib/db";
import { createToken } from "@/lib/tokens/service";
import { cookieHeader, storeCookies, type Jar } from "../helpers/web-session";
import { TEST_PASSWORD, createUser } from "../helpers/users";
import { useSeededServer } from "./http";

jest.setTimeout(30_000);

/**
 * A disabled account over HTTP: its tokens are refused with "Account disabled", introspection
 * calls them inactive, and its password sign-in says it is disabled only to whoever knows the
 * password. (Disabling while the server runs, through the admin API, is in scripts/test-multi.ts.)
 */
async function seed() {
  const owner = await createUser({ name: "Disabled owner", scopes: ["tokens:read"] });
  const token = await createToken(owner.id, { name: "Stopped", scopes: ["tokens:read"] });
  await (await prisma()).user.update({ where: { id: owner.id }, data: { disabledAt: new Date() } });
  const service = await createUser({ name: "Gateway", scopes: ["tokens:introspect", "tokens:read"] });
  const gateway = await createToken(service.id, { name: "Gateway", scopes: ["tokens:introspect", "tokens:read"] });
  return { owner, token, gateway };
}

const api = useSeededServer(seed, { AUTH_FAILURE_LIMIT: "10000" });

test("a disabled owner's token: 401 invalid_token, saying the account is disabled", async () => {
  const reply = await api.call("GET", "/api/v1/me", { token: api.seed.token.secret });
  expect(reply.status).toBe(401);
  expect(reply.headers.get("www-authenticate")).toBe('Bearer realm="tollgate", error="invalid_token"');
  const { error } = errorSchema.strict().parse(reply.body);
  expect(error.code).toBe("invalid_token");
  expect(error.message).toBe("Account disabled: an administrator has disabled the account that owns this token. Ask them to re-enable it.");
  // Another person's token is unaffected.
  expect((await api.call("GET", "/api/v1/me", { token: api.seed.gateway.secret })).status).toBe(200);
});

test("introspection answers active: false for it, and nothing more", async () => {
  const reply = await api.call("POST", "/api/v1/introspect", { token: api.seed.gateway.secret, body: { token: api.seed.token.secret } });
  expect({ status: reply.status, body: reply.body }).toEqual({ status: 200, body: { active: false } });
});

async function passwordSignIn(email: string, password: string): Promise<{ url: string; jar: Jar }> {
  const jar: Jar = new Map();
  const csrf = await fetch(`${api.server.baseUrl}/api/auth/csrf`);
  storeCookies(jar, csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${api.server.baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
    body: new URLSearchParams({ email, password, csrfToken, json: "true" }),
  });
  storeCookies(jar, response);
  return { url: ((await response.json()) as { url: string }).url, jar };
}

test("password sign-in: the right password is told AccountDisabled, a wrong one CredentialsSignin; no session either way", async () => {
  const right = await passwordSignIn(api.seed.owner.email, TEST_PASSWORD);
  expect(new URL(right.url).searchParams.get("error")).toBe("AccountDisabled");
  const wrong = await passwordSignIn(api.seed.owner.email, "wrong horse battery staple");
  expect(new URL(wrong.url).searchParams.get("error")).toBe("CredentialsSignin");
  const unknown = await passwordSignIn("nobody@example.com", "wrong horse battery staple");
  expect(new URL(unknown.url).searchParams.get("error")).toBe("CredentialsSignin");
  for (const { jar } of [right, wrong, unknown]) expect([...jar.keys()].filter((name) => name.includes("session-token"))).toEqual([]);
});
