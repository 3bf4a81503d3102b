import { createUser, TEST_PASSWORD } from "../helpers/users";
import { callServerAction, signInOverHttp, type Jar, type WebSession } from "../helpers/web-session";
import { useSeededServer } from "./http";

/**
 * Server-side sessions over HTTP: a cookie is honoured only while its session lives. Cookies are
 * replayed by hand, as an attacker holding a copied cookie would.
 */
jest.setTimeout(60_000);

const api = useSeededServer(
  async () => ({ ada: await createUser({ name: "Ada" }), bob: await createUser({ name: "Bob" }), carol: await createUser({ name: "Carol" }) }),
  {},
);

const signIn = (who: "ada" | "bob" | "carol", headers?: Record<string, string>) =>
  signInOverHttp(api.server.baseUrl, { email: api.seed[who].email, password: TEST_PASSWORD }, headers);

const action = (page: string, name: string, args: unknown[], jar: Jar) => callServerAction(api.server.baseUrl, page, name, args, jar);

type Listed = { id: string; device: string; current: boolean };

/** The sessions the account page lists, read from the props it hands to the list. */
async function sessionsOnAccountPage(session: WebSession): Promise<Listed[]> {
  const response = await session.get("/settings");
  expect(response.status).toBe(200);
  const html = (await response.text()).replace(/\\"/g, '"');
  const rows = [...html.matchAll(/"id":"([0-9a-f-]{36})","device":"([^"]*)","address":(?:"[^"]*"|null),"signedInAt":"[^"]*","lastSeenAt":"[^"]*","current":(true|false)/g)];
  const unique = new Map(rows.map(([, id, device, current]) => [id!, { id: id!, device: device!, current: current === "true" }]));
  return [...unique.values()];
}

/**
 * Sent to sign in, and shown nothing of the account. A redirect thrown after a loading.tsx
 * boundary has streamed is sent as 200 with Next's redirect instruction (a meta refresh and
 * NEXT_REDIRECT) instead of a 307; a browser goes to the sign-in page either way.
 */
async function expectSentToSignIn(response: Response, email?: string): Promise<void> {
  const body = await response.text();
  if (response.status === 307) {
    expect(new URL(response.headers.get("location")!, api.server.baseUrl).pathname).toBe("/signin");
  } else {
    expect(response.status).toBe(200);
    expect(body).toMatch(/<meta id="__next-page-redirect" http-equiv="refresh" content="\d+;url=\/signin\?callbackUrl=/);
    expect(body).toContain("NEXT_REDIRECT;replace;/signin?callbackUrl=");
  }
  expect(body).not.toMatch(/Signed in as|Your scopes|Sign out of all other sessions/);
  if (email) expect(body).not.toContain(email);
}

/** Signed in: the page renders with its content and no redirect. */
async function expectSignedIn(response: Response): Promise<void> {
  expect(response.status).toBe(200);
  const body = await response.text();
  expect(body).not.toContain("NEXT_REDIRECT");
  expect(body).toContain("Signed in as");
}

function sessionCookies(response: Response): string[] {
  return response.headers.getSetCookie().filter((c) => c.includes("next-auth.session-token"));
}

function isClearing(cookie: string): boolean {
  return /next-auth\.session-token(\.\d+)?=;/.test(cookie) || /max-age=0/i.test(cookie) || /expires=Thu, 01 Jan 1970/i.test(cookie);
}

test("a live session opens the pages, runs actions and is renewed by the session endpoint", async () => {
  const ada = await signIn("ada");
  await expectSignedIn(await ada.get("/settings/tokens"));
  const created = await action("/settings/tokens", "createTokenAction", [{ name: "from a live session", scopes: ["tokens:read"] }], ada.jar);
  expect(created.result).toMatchObject({ ok: true, token: { name: "from a live session" } });
  const renewed = await ada.get("/api/auth/session");
  expect(await renewed.json()).toMatchObject({ user: { email: api.seed.ada.email, name: "Ada" } });
  expect(sessionCookies(renewed).filter((c) => !isClearing(c))).toHaveLength(1);
});

describe("a cookie copied before sign-out and replayed afterwards", () => {
  let stolen: Jar;
  let ada: WebSession;

  beforeAll(async () => {
    ada = await signIn("ada");
    await expectSignedIn(await ada.get("/settings/tokens"));
    stolen = ada.copy();
    await ada.signOut();
  });

  test.each(["/settings/tokens", "/settings"])("is sent to sign in by %s", async (page) => {
    await expectSentToSignIn(await ada.get(page, stolen), api.seed.ada.email);
  });

  test.each([
    ["/settings/tokens", "createTokenAction", [{ name: "from a stolen cookie", scopes: ["tokens:read"] }]],
    ["/settings/tokens", "deleteTokenAction", ["00000000-0000-4000-8000-000000000000"]],
    ["/settings", "endOtherSessionsAction", []],
    ["/settings", "changePasswordAction", [{ currentPassword: TEST_PASSWORD, newPassword: "taken over for good", confirmPassword: "taken over for good" }]],
  ])("is refused by the server action %s %s", async (page, name, args) => {
    const { result } = await action(page, name, args, stolen);
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/^You are signed out\./) });
  });

  test("gets no session from the session endpoint, and its cookie is cleared rather than renewed", async () => {
    const response = await ada.get("/api/auth/session", stolen);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    const cookies = sessionCookies(response);
    expect(cookies.length).toBeGreaterThan(0);
    expect(cookies.every(isClearing)).toBe(true);
  });

  test("and the password it tried to set was never set", async () => {
    await expect(signIn("ada")).resolves.toBeDefined();
  });
});

describe("the account page's sessions", () => {
  test("lists this person's sessions with their devices, this one marked", async () => {
    const first = await signIn("bob", { "user-agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15" });
    const second = await signIn("bob", { "user-agent": "curl/8.5.0" });
    const listed = await sessionsOnAccountPage(second);
    expect(listed.filter((s) => s.current).map((s) => s.device)).toEqual(["curl"]);
    expect(listed.map((s) => s.device)).toEqual(expect.arrayContaining(["curl", "Safari on macOS"]));
    // Ending another session signs that browser out at its next request, and nobody else.
    const other = listed.find((s) => s.device === "Safari on macOS")!;
    expect((await action("/settings", "endSessionAction", [other.id], second.jar)).result).toEqual({ ok: true });
    await expectSentToSignIn(await first.get("/settings/tokens"));
    await expectSignedIn(await second.get("/settings/tokens"));
    expect((await sessionsOnAccountPage(second)).map((s) => s.id)).not.toContain(other.id);
  });

  test("another person's session id answers not found and changes nothing", async () => {
    const carol = await signIn("carol");
    const [carols] = (await sessionsOnAccountPage(carol)).filter((s) => s.current);
    const bob = await signIn("bob");
    for (const id of [carols!.id, "not-a-session", 42, null]) {
      expect((await action("/settings", "endSessionAction", [id], bob.jar)).result).toMatchObject({ ok: false, gone: true, error: "That session has already ended." });
    }
    await expectSignedIn(await carol.get("/settings/tokens"));
    expect((await sessionsOnAccountPage(carol)).map((s) => s.id)).toContain(carols!.id);
  });

  test("signing out of all other sessions keeps this one, and other people's", async () => {
    const carol = await signIn("carol");
    const [keep, end1, end2] = [await signIn("bob"), await signIn("bob"), await signIn("bob")];
    const { result } = await action("/settings", "endOtherSessionsAction", [], keep.jar);
    expect(result).toMatchObject({ ok: true, ended: expect.any(Number) });
    expect((result as { ended: number }).ended).toBeGreaterThanOrEqual(2);
    for (const ended of [end1, end2]) await expectSentToSignIn(await ended.get("/settings/tokens"));
    await expectSignedIn(await keep.get("/settings/tokens"));
    await expectSignedIn(await carol.get("/settings/tokens"));
    expect((await sessionsOnAccountPage(keep)).filter((s) => !s.current)).toEqual([]);
  });
});

describe("changing the password", () => {
  const change = (jar: Jar, currentPassword: string, newPassword = "a brand new passphrase") =>
    action("/settings", "changePasswordAction", [{ currentPassword, newPassword, confirmPassword: newPassword }], jar);

  test("a wrong current password is refused on its field", async () => {
    const carol = await signIn("carol");
    expect((await change(carol.jar, "not my password")).result).toEqual({
      ok: false,
      error: "Some fields need attention.",
      fieldErrors: { currentPassword: ["That is not your current password."] },
    });
    expect((await change(carol.jar, TEST_PASSWORD, "short")).result).toMatchObject({ fieldErrors: { newPassword: ["Use at least 10 characters."] } });
  });

  test("success ends every other session and keeps this one", async () => {
    const [here, elsewhere] = [await signIn("carol"), await signIn("carol")];
    expect((await change(here.jar, TEST_PASSWORD)).result).toEqual({ ok: true });
    await expectSentToSignIn(await elsewhere.get("/settings/tokens"));
    await expectSignedIn(await here.get("/settings/tokens"));
    await expect(signInOverHttp(api.server.baseUrl, { email: api.seed.carol.email, password: TEST_PASSWORD })).rejects.toThrow(/no session cookie/);
    await expect(signInOverHttp(api.server.baseUrl, { email: api.seed.carol.email, password: "a brand new passphrase" })).resolves.toBeDefined();
  });
});
