import type { Locator, Page, Route } from "playwright-core";
import { createToken, revokeToken } from "@/lib/tokens/service";
import { newContext, rowMenuItem, signIn, tokenNames, useSeededAppInBrowser } from "@/tests/helpers/browser";
import { createUser, TEST_PASSWORD } from "@/tests/helpers/users";

jest.setTimeout(120_000);

/**
 * Moving around the token list: the view (filters, sort, page) lives in the URL, so paging keeps
 * the sort, the filter form shows what the URL says after Clear, Back and Forward, and signing in
 * comes back to the view that was asked for. token-list.test.ts covers each filter and sort alone.
 */

const COUNT = 25;
const KINDS = ["Build", "Deploy", "Report"] as const;
const nameOf = (i: number) => `${KINDS[i % 3]} ${String(i).padStart(2, "0")}`;
/** One token for each reason a token is inactive. */
const REVOKED = 9;
const EXPIRED = 5;
const SCHEDULED = 7;

const app = useSeededAppInBrowser(async () => {
  const user = await createUser({ name: "Navigator", scopes: ["tokens:read", "tokens:write"] });
  const now = Date.now();
  for (let i = 1; i <= COUNT; i++) {
    const input = { name: nameOf(i), scopes: ["tokens:read"] };
    if (i === EXPIRED) {
      // Created, as it were, a month ago for two weeks: the service checks dates against the `now` it is given.
      const then = new Date(now - 30 * 86_400_000);
      await createToken(user.id, { ...input, validTo: new Date(now - 16 * 86_400_000).toISOString() }, then);
    } else if (i === SCHEDULED) {
      await createToken(user.id, { ...input, validFrom: new Date(now + 7 * 86_400_000).toISOString() });
    } else {
      const { token } = await createToken(user.id, input);
      if (i === REVOKED) await revokeToken(user.id, token.guid);
    }
  }
  return user;
});
let page: Page;
beforeAll(() => {
  page = app.page;
});

/** The names in the list, top to bottom. */
function names(on: Page = page): Promise<string[]> {
  return tokenNames(on);
}

/**
 * Waits until `read` gives `expected`, then asserts it (so a timeout shows the difference). Back
 * and Forward change the URL before the view they return to has rendered, so the URL alone does
 * not say the page is ready to read.
 */
async function eventually<T>(read: () => Promise<T>, expected: T): Promise<void> {
  const deadline = Date.now() + 15_000;
  let shown = await read();
  while (JSON.stringify(shown) !== JSON.stringify(expected) && Date.now() < deadline) {
    await page.waitForTimeout(100);
    shown = await read();
  }
  expect(shown).toEqual(expected);
}

function filters(on: Page = page): Locator {
  return on.getByRole("search", { name: "Filter tokens" });
}

/** What the filter form shows, field by field. */
async function formValues(on: Page = page): Promise<Record<string, string>> {
  const form = filters(on);
  return {
    q: await form.getByLabel("Name").inputValue(),
    guid: await form.getByLabel("GUID").inputValue(),
    scope: await form.getByLabel("Scope").inputValue(),
    status: await form.getByLabel("Status").inputValue(),
    perPage: await form.getByLabel("Per page").inputValue(),
  };
}

const ALL = Array.from({ length: COUNT }, (_, k) => k + 1);
const EMPTY_FORM = { q: "", guid: "", scope: "", status: "all", perPage: "20" };

test("paging keeps the sort and page size, and a new filter starts again at page 1", async () => {
  await page.goto("/settings/tokens?perPage=10");
  await page.getByRole("link", { name: /^Name/ }).click();
  await page.waitForURL(/sort=name/);
  const sorted = ALL.map(nameOf).sort((a, b) => a.localeCompare(b));
  expect(await names()).toEqual(sorted.slice(0, 10));

  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Page 2" }).click();
  await page.waitForURL(/page=2/);
  const url = new URL(page.url());
  expect([url.searchParams.get("sort"), url.searchParams.get("order"), url.searchParams.get("perPage")]).toEqual(["name", "asc", "10"]);
  expect(await names()).toEqual(sorted.slice(10, 20));

  // Filtering from page 2: the matches start at the top, still sorted by name.
  const form = filters();
  await form.getByLabel("Name").fill("deploy");
  await form.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(/q=deploy/);
  expect(new URL(page.url()).searchParams.get("page")).toBeNull();
  const deploys = sorted.filter((name) => name.startsWith("Deploy"));
  expect(await names()).toEqual(deploys);
  expect(await page.getByText(`Showing 1–${deploys.length} of ${deploys.length} tokens`).count()).toBe(1);
});

test("Clear empties the filter fields along with the list's filters", async () => {
  await page.goto("/settings/tokens");
  const form = filters();
  await form.getByLabel("Name").fill("report");
  await form.getByLabel("Status").selectOption("active");
  await form.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(/status=active/);
  expect((await names()).every((name) => name.startsWith("Report"))).toBe(true);

  await form.getByRole("link", { name: "Clear" }).click();
  await page.waitForURL((url) => url.search === "");
  expect(await names()).toHaveLength(20);
  await eventually(formValues, EMPTY_FORM);

  // Applying the form again now shows everything: the old filter did not linger in the fields.
  await form.getByLabel("Per page").selectOption("50");
  await form.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(/perPage=50/);
  expect(await names()).toHaveLength(COUNT);
});

test("Back and Forward return to earlier views, and the form shows each one", async () => {
  await page.goto("/settings/tokens");
  const form = filters();
  await form.getByLabel("Name").fill("build");
  await form.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(/q=build/);
  const builds = await names();
  expect(builds.every((name) => name.startsWith("Build"))).toBe(true);

  await form.getByLabel("Name").fill("");
  await form.getByLabel("Status").selectOption("inactive");
  await form.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(/status=inactive/);
  expect((await names()).sort()).toEqual([EXPIRED, SCHEDULED, REVOKED].map(nameOf).sort());

  await page.goBack();
  await page.waitForURL(/q=build/);
  await eventually(names, builds);
  await eventually(formValues, { ...EMPTY_FORM, q: "build" });

  await page.goBack();
  await page.waitForURL((url) => url.search === "");
  await eventually(formValues, EMPTY_FORM);

  await page.goForward();
  await page.goForward();
  await page.waitForURL(/status=inactive/);
  await eventually(formValues, { ...EMPTY_FORM, status: "inactive" });
});

test("inactive tokens give their reason, and only the ones that can be revoked offer it", async () => {
  await page.goto("/settings/tokens?status=inactive&sort=name&order=asc");
  expect(await names()).toEqual([EXPIRED, SCHEDULED, REVOKED].map(nameOf).sort((a, b) => a.localeCompare(b)));
  const reasons: [number, RegExp, string][] = [
    [EXPIRED, /^Expired \S/, "Already expired: it no longer works. Delete it if it is unused."],
    [SCHEDULED, /^Scheduled, starts/, "Not active yet. Edit its validity or delete it instead."],
    [REVOKED, /^Revoked \S/, "Already revoked."],
  ];
  for (const [i, reason, why] of reasons) {
    const row = page.getByRole("row", { name: new RegExp(`^${nameOf(i)}`) });
    await row.getByText("Inactive", { exact: true }).waitFor();
    await row.getByText(reason).waitFor();
    const revoke = await rowMenuItem(row, "Revoke");
    expect(await revoke.getAttribute("aria-disabled")).toBe("true");
    await revoke.getByText(why, { exact: true }).waitFor();
    await page.keyboard.press("Escape");
  }
  // Sorted by status, the active tokens come before all three.
  await page.goto("/settings/tokens?sort=status&order=asc&perPage=50");
  const byStatus = await names();
  expect(byStatus.slice(-3).sort()).toEqual([EXPIRED, SCHEDULED, REVOKED].map(nameOf).sort());
});

test("a signed-out visitor to a view's URL signs in and lands on that view", async () => {
  const visitor = await newContext(app.browser, app.server.baseUrl);
  const tab = await visitor.newPage();
  await tab.goto("/settings/tokens?q=deploy&sort=name&order=desc&perPage=10");
  await tab.waitForURL("**/signin**");
  await signIn(tab, { email: app.email, password: TEST_PASSWORD });
  await tab.waitForURL("**/settings/tokens?**");
  const url = new URL(tab.url());
  expect(Object.fromEntries(url.searchParams)).toEqual({ q: "deploy", sort: "name", order: "desc", perPage: "10" });
  const deploys = ALL.map(nameOf)
    .filter((name) => name.startsWith("Deploy"))
    .sort((a, b) => b.localeCompare(a));
  expect(await names(tab)).toEqual(deploys);
  expect(await formValues(tab)).toEqual({ ...EMPTY_FORM, q: "deploy", perPage: "10" });
  await visitor.close();
});

/**
 * Holds every request for a view's data (Next's RSC requests carry `rsc: 1`) until `release` is
 * called: the network as slow as it needs to be to see what the page does while it waits.
 */
async function holdViewData(on: Page): Promise<{ held: () => number; release: () => Promise<void> }> {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let held = 0;
  const handler = async (route: Route) => {
    if (route.request().headers()["rsc"] !== "1") return route.continue();
    held += 1;
    await gate;
    await route.continue().catch(() => undefined);
  };
  await on.route("**/settings/tokens**", handler);
  return {
    held: () => held,
    release: async () => {
      open();
      await on.unroute("**/settings/tokens**", handler);
    },
  };
}

const busyList = (on: Page = page) => on.locator('[aria-busy="true"]');

test("paging, sorting and a select show at once that the list is loading, and a select applies without Apply", async () => {
  await page.goto("/settings/tokens?perPage=10");
  const firstPage = await names();
  expect(await busyList().count()).toBe(0);

  // Paging: busy, dimmed and saying so while the answer is held; the old page stays until it comes.
  let network = await holdViewData(page);
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Next" }).click();
  await busyList().waitFor();
  await page.getByRole("status").filter({ hasText: "Loading…" }).waitFor();
  expect(await busyList().evaluate((element) => Number(getComputedStyle(element).opacity))).toBeLessThan(1);
  expect(network.held()).toBeGreaterThan(0);
  expect(new URL(page.url()).searchParams.get("page")).toBeNull();
  expect(await names()).toEqual(firstPage);
  await network.release();
  await page.waitForURL(/page=2/);
  await busyList().waitFor({ state: "detached" });
  expect(await page.getByText("Loading…").count()).toBe(0);
  expect(await names()).not.toEqual(firstPage);

  // Sorting: the same.
  network = await holdViewData(page);
  await page.getByRole("link", { name: /^Name/ }).click();
  await busyList().waitFor();
  await network.release();
  await page.waitForURL(/sort=name/);
  await busyList().waitFor({ state: "detached" });

  // A select: changing it is enough, and the focus stays on it for the next change.
  network = await holdViewData(page);
  const status = filters().getByLabel("Status");
  await status.focus();
  await status.selectOption("inactive");
  await busyList().waitFor();
  expect(network.held()).toBeGreaterThan(0);
  await network.release();
  await page.waitForURL(/status=inactive/);
  await eventually(async () => (await names()).sort(), [EXPIRED, SCHEDULED, REVOKED].map(nameOf).sort());
  expect(await status.evaluate((element) => element === document.activeElement)).toBe(true);
  expect(new URL(page.url()).searchParams.get("sort")).toBe("name");
});

test("on a phone the filters fold away behind a count of those in force, and the first token is on the first screen", async () => {
  const context = await app.browser.newContext({
    baseURL: app.server.baseUrl,
    viewport: { width: 390, height: 844 },
    locale: "en-GB",
    timezoneId: "UTC",
    storageState: await app.context.storageState(),
  });
  const phone = await context.newPage();
  await phone.goto("/settings/tokens?status=active&scope=tokens:read&sort=name");
  const disclosure = phone.getByText("Filters (2)", { exact: true });
  await disclosure.waitFor();
  expect(await filters(phone).isVisible()).toBe(false);
  const firstRow = phone.getByRole("table").locator("tbody tr").first();
  // At least half of the first token on the first screen (measured: its top at 438 px folded, 748 px open).
  const { top, height } = await firstRow.evaluate((row) => row.getBoundingClientRect().toJSON() as DOMRect);
  expect(top).toBeGreaterThan(0);
  expect(top + height / 2).toBeLessThanOrEqual(844);

  // Opened, they work as on a wide screen, and stay open for the next change.
  await disclosure.click();
  await filters(phone).getByLabel("Status").selectOption("all");
  await phone.waitForURL((url) => !url.searchParams.has("status"));
  await phone.getByText("Filters (1)", { exact: true }).waitFor();
  expect(await filters(phone).isVisible()).toBe(true);
  await context.close();

  // On a wide screen there is nothing to open: the filters are shown, the summary is not.
  // (The <details> is marked open once the page runs; until then the CSS alone shows its content.)
  await page.goto("/settings/tokens?status=active");
  await filters().waitFor();
  expect(await page.getByText("Filters (1)", { exact: true }).isVisible()).toBe(false);
});
