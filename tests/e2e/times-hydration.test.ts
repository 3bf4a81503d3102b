import type { BrowserContext, Page } from "playwright-core";
import { prisma } from "@/lib/db";
import { createToken, revokeToken } from "@/lib/tokens/service";
import { signIn, useSeededAppInBrowser } from "@/tests/helpers/browser";
import { TEST_PASSWORD, createUser } from "@/tests/helpers/users";

jest.setTimeout(120_000);

/**
 * Every time on the page reads the same in the HTML the server sent and after the page hydrated
 * (it used to say "2026-12-01 06:38 UTC" and then "Dec 1, 2026"), in a browser whose zone is 14
 * hours from UTC: the browser stores its locale and zone in a cookie and the server renders in
 * them. Compared as whole values: each <time>'s datetime, text and title.
 */

const ZONE = "Pacific/Kiritimati"; // UTC+14: most instants fall on another calendar day than in UTC
const LOCALE = "en-US";
// Fixed instants, so the expected dates are whole values: 20:30 UTC is the next morning in Kiritimati.
const STARTS = new Date("2031-03-04T20:30:00.000Z");
const ENDS = new Date("2031-09-10T21:15:00.000Z");

const app = useSeededAppInBrowser(async () => {
  const user = await createUser({ name: "Far East" });
  await createToken(user.id, { name: "Scheduled", scopes: ["tokens:read"], validFrom: STARTS.toISOString(), validTo: ENDS.toISOString() });
  const { token } = await createToken(user.id, { name: "Used and revoked", scopes: ["tokens:read"] });
  // Used 3 h 20 min before the test: "3 hours ago" for the next 39 minutes, however slow the machine.
  const db = await prisma();
  await db.token.update({ where: { guid: token.guid }, data: { lastUsedAt: new Date(Date.now() - 200 * 60_000), lastUsedIp: "203.0.113.9", lastUsedUserAgent: "curl/8.5.0" } });
  await revokeToken(user.id, token.guid);
  return user;
});

type TimeValue = { dateTime: string; text: string; title: string };

let context: BrowserContext;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  context = await app.browser.newContext({ baseURL: app.server.baseUrl, locale: LOCALE, timezoneId: ZONE, reducedMotion: "reduce" });
  page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  // Signing in is the first page this browser sees: it has no times, and it leaves the cookie.
  await page.goto("/signin?callbackUrl=%2Fsettings%2Ftokens");
  await signIn(page, { email: app.email, password: TEST_PASSWORD });
  await page.waitForURL("**/settings/tokens");
});
afterAll(() => context?.close());

const sorted = (values: TimeValue[]) => [...values].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/**
 * Loads `path` and answers the <time> values of the HTML as it arrived (before any script ran)
 * and of the page once React has hydrated it and run its effects.
 */
async function beforeAndAfterHydration(path: string): Promise<{ before: TimeValue[]; after: TimeValue[] }> {
  let html = "";
  const isDocument = (url: URL) => url.pathname === new URL(path, app.server.baseUrl).pathname;
  await page.route(isDocument, async (route) => {
    // The same path's React Server Components fetches (client navigations, prefetches) pass by.
    if (route.request().resourceType() !== "document") return route.continue();
    const response = await route.fetch();
    html = await response.text();
    await route.fulfill({ response, body: html });
  });
  await page.goto(path);
  await page.unroute(isDocument);
  // Hydrated: React has claimed every <time> (its fiber is on the element); then idle twice, so its
  // scheduler has no work left, the re-render with the browser's own zone included.
  await page.waitForFunction(() => {
    const times = [...document.querySelectorAll("time")];
    return times.length > 0 && times.every((time) => Object.keys(time).some((key) => key.startsWith("__reactFiber")));
  });
  await page.evaluate(() => new Promise((resolve) => requestIdleCallback(() => requestIdleCallback(resolve))));
  const after = await page.evaluate(() => [...document.querySelectorAll("time")].map((time) => ({ dateTime: time.dateTime, text: time.textContent ?? "", title: time.title })));
  // Streamed HTML holds each part once, if not in its final order: compared as sorted lists.
  const before = await page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, "text/html");
    return [...doc.querySelectorAll("time")].map((time) => ({ dateTime: time.dateTime, text: time.textContent ?? "", title: time.title }));
  }, html);
  return { before: sorted(before), after: sorted(after) };
}

const inBrowser = (instant: Date, options: Intl.DateTimeFormatOptions, locale = LOCALE, timeZone = ZONE) =>
  new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(instant);

test("the token page's times are the same in the server's HTML and after hydration, in the browser's zone", async () => {
  const { before, after } = await beforeAndAfterHydration("/settings/tokens");
  expect(after.length).toBeGreaterThanOrEqual(6);
  expect(before).toEqual(after);

  // And they are in the browser's locale and zone, not UTC: 4 March 20:30 UTC is 5 March there.
  const exact = (instant: Date) => inBrowser(instant, { dateStyle: "full", timeStyle: "long" });
  expect(after).toContainEqual({ dateTime: STARTS.toISOString(), text: "Mar 5, 2031", title: exact(STARTS) });
  expect(after).toContainEqual({ dateTime: ENDS.toISOString(), text: "Sep 11, 2031", title: exact(ENDS) });
  expect(after.map((time) => time.text)).toContain("3 hours ago");
  expect(after.some((time) => time.text.includes("UTC") || time.title.includes("UTC"))).toBe(false);
  expect(problems).toEqual([]);
});

test("the account page's times (sign-in date and time, last seen) are the same before and after hydration", async () => {
  const { before, after } = await beforeAndAfterHydration("/settings");
  expect(after.length).toBeGreaterThanOrEqual(2);
  expect(before).toEqual(after);
  expect(after.every((time) => !time.text.includes("UTC"))).toBe(true);
  expect(problems).toEqual([]);
});

test("a cookie from another zone is corrected after hydration, and the next page is rendered in the right one", async () => {
  // As if the person had travelled: the cookie says Los Angeles, in German.
  const url = app.server.baseUrl;
  await context.addCookies([{ name: "tollgate-time", value: encodeURIComponent("de-DE|America/Los_Angeles"), url }]);
  const stale = await beforeAndAfterHydration("/settings/tokens");
  // The comparison sees a change when there is one: the HTML in the cookie's zone, the page in the browser's.
  const startsIn = (values: TimeValue[]) => values.filter((time) => time.dateTime === STARTS.toISOString()).map((time) => time.text);
  expect(startsIn(stale.before)).toContain(inBrowser(STARTS, { dateStyle: "medium" }, "de-DE", "America/Los_Angeles"));
  expect(startsIn(stale.after)).toContain("Mar 5, 2031");
  expect(stale.before).not.toEqual(stale.after);

  const cookie = (await context.cookies(url)).find((c) => c.name === "tollgate-time");
  expect(decodeURIComponent(cookie!.value)).toBe(`${LOCALE}|${ZONE}`);
  const next = await beforeAndAfterHydration("/settings/tokens");
  expect(next.before).toEqual(next.after);
  expect(problems).toEqual([]);
});
