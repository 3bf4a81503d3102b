import type { BrowserContext, Page } from "playwright-core";
import { newAccount, newContext, signIn, signUp, useAppInBrowser, type Account } from "@/tests/helpers/browser";
import { HOSTILE } from "@/tests/helpers/hostile-urls";

jest.setTimeout(240_000);

/**
 * Return addresses that stay home: whatever `?callbackUrl=` says, the browser ends on this site.
 * Every request that leaves it (evil.example or any other host) is caught and aborted by the
 * browser itself, so nothing needs the network, and the test sees each attempt.
 */
const app = useAppInBrowser();
let account: Account;
let signedIn: BrowserContext;
let page: Page;
const offSite: string[] = [];

async function watched(context: BrowserContext): Promise<BrowserContext> {
  const origin = new URL(app.server.baseUrl).origin;
  await context.route(
    (url) => url.origin !== origin,
    (route) => {
      offSite.push(route.request().url());
      return route.abort("blockedbyclient");
    },
  );
  return context;
}

/**
 * Opens `path` and waits until the browser has settled on `expected`. The app streams (app/(auth)/loading.tsx),
 * so a signed-in visitor's redirect away from /signin arrives inside the page and is carried out by
 * the client router after the page has loaded, not as a 307.
 */
async function landsOn(path: string, expected: string): Promise<string> {
  await page.goto(path);
  await page.waitForURL((url) => url.pathname + url.search + url.hash === expected, { timeout: 15_000 }).catch(() => undefined);
  return onSiteAt(page.url());
}

function onSiteAt(url: string): string {
  const landed = new URL(url);
  expect(landed.origin).toBe(new URL(app.server.baseUrl).origin);
  return landed.pathname + landed.search + landed.hash;
}

beforeAll(async () => {
  account = newAccount("callback");
  signedIn = await watched(await newContext(app.browser, app.server.baseUrl));
  page = await signedIn.newPage();
  await signUp(page, account);
}, 120_000);
afterAll(() => signedIn?.close());
beforeEach(() => {
  offSite.length = 0;
});

test("the watch works: a link off the site is seen and stopped", async () => {
  // A page of its own: the browser's error page for the stopped navigation arrives later.
  const probe = await signedIn.newPage();
  await probe.goto("/settings/tokens");
  const stopped = probe.waitForEvent("requestfailed", (request) => request.url() === "http://evil.example/login");
  await probe.evaluate(() => {
    window.location.href = "http://evil.example/login";
  });
  await stopped;
  expect(offSite).toEqual(["http://evil.example/login"]);
  await probe.close();
});

test(`signed in, /signin?callbackUrl= with each of ${HOSTILE.length} hostile values ends on the token page`, async () => {
  const ended: Record<string, string> = {};
  for (const raw of HOSTILE) ended[raw] = await landsOn(`/signin?callbackUrl=${encodeURIComponent(raw)}`, "/settings/tokens");
  expect(offSite).toEqual([]);
  expect(Object.entries(ended).filter(([, at]) => at !== "/settings/tokens")).toEqual([]);
});

test("signed in, /signup?callbackUrl= with hostile values ends on the token page", async () => {
  // The same check as /signin's (safeCallbackUrl); every third value, to keep the run short.
  for (const raw of HOSTILE.filter((_, i) => i % 3 === 0).concat("/.//evil.example/login")) {
    expect([raw, await landsOn(`/signup?callbackUrl=${encodeURIComponent(raw)}`, "/settings/tokens")]).toEqual([raw, "/settings/tokens"]);
  }
  expect(offSite).toEqual([]);
});

test("encoded slashes stay encoded: the browser asks this site for that page", async () => {
  // An encoded slash is a character of a path segment here, not a separator: a page of this site.
  for (const raw of ["/%2F%2Fevil.example", "/%5C%5Cevil.example", "/%2F/evil.example"]) {
    expect(await landsOn(`/signup?callbackUrl=${encodeURIComponent(raw)}`, raw)).toBe(raw);
  }
  expect(offSite).toEqual([]);
});

test("signing in through the form with a hostile callbackUrl ends on the token page", async () => {
  for (const raw of ["/.//evil.example/login", "/%2e//evil.example", "//evil.example", "/\\evil.example", "https://evil.example/"]) {
    const context = await watched(await newContext(app.browser, app.server.baseUrl));
    const visitor = await context.newPage();
    await visitor.goto(`/signin?callbackUrl=${encodeURIComponent(raw)}`);
    await signIn(visitor, account);
    await visitor.waitForURL((url) => url.pathname === "/settings/tokens");
    await visitor.getByRole("heading", { level: 1, name: "API tokens" }).waitFor();
    expect([raw, onSiteAt(visitor.url())]).toEqual([raw, "/settings/tokens"]);
    await context.close();
  }
  expect(offSite).toEqual([]);
});

test("signing up through the form with a hostile callbackUrl ends on the token page", async () => {
  const context = await watched(await newContext(app.browser, app.server.baseUrl));
  const visitor = await context.newPage();
  await visitor.goto(`/signup?callbackUrl=${encodeURIComponent("/..//evil.example")}`);
  const form = visitor.getByRole("form", { name: "Sign up" });
  const fresh = newAccount("callback-signup");
  await form.getByLabel("Name").fill(fresh.name);
  await form.getByLabel("Email").fill(fresh.email);
  await form.getByLabel("Password").fill(fresh.password);
  await form.getByRole("button", { name: "Create account" }).click();
  await visitor.waitForURL((url) => url.pathname === "/settings/tokens");
  expect(onSiteAt(visitor.url())).toBe("/settings/tokens");
  await context.close();
  expect(offSite).toEqual([]);
});

describe("next-auth's own callbackUrl (query, form field and cookie)", () => {
  const COOKIE = "next-auth.callback-url";

  /** The callback-url cookie next-auth sets in answer to a request, decoded. */
  async function callbackCookie(path: string, init: RequestInit = {}): Promise<string | undefined> {
    const response = await fetch(app.server.baseUrl + path, { redirect: "manual", ...init });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`));
    return cookie && decodeURIComponent(cookie.slice(COOKIE.length + 1).split(";")[0]!);
  }

  test("a hostile callbackUrl on any next-auth route is stored as this site's home page", async () => {
    for (const raw of ["/.//evil.example/login", "//evil.example", "https://evil.example/", "/%2e//evil.example"]) {
      expect([raw, await callbackCookie(`/api/auth/csrf?callbackUrl=${encodeURIComponent(raw)}`)]).toEqual([raw, `${app.server.baseUrl}/`]);
    }
    expect(await callbackCookie(`/api/auth/csrf?callbackUrl=${encodeURIComponent("/settings/tokens?q=ci")}`)).toBe(
      `${app.server.baseUrl}/settings/tokens?q=ci`,
    );
  });

  test("a planted callback-url cookie is replaced by this site's home page", async () => {
    const planted = encodeURIComponent("http://evil.example/login");
    expect(await callbackCookie("/api/auth/csrf", { headers: { cookie: `${COOKIE}=${planted}` } })).toBe(`${app.server.baseUrl}/`);
  });

  test("signing out with a hostile callbackUrl is sent home", async () => {
    const csrf = await signedIn.request.get("/api/auth/csrf");
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const response = await signedIn.request.post("/api/auth/signout", {
      form: { csrfToken, callbackUrl: "/.//evil.example/login", json: "true" },
    });
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ url: `${app.server.baseUrl}/` });
  });
});
