import type { BrowserContext, Page } from "playwright-core";
import { revokeToken, createToken } from "@/lib/tokens/service";
import { tokenNames, useSeededAppInBrowser } from "@/tests/helpers/browser";
import { createUser } from "@/tests/helpers/users";

jest.setTimeout(120_000);

/**
 * Finding a token among sixty: filters, sorts, pages, and the URL that holds the view. The tokens
 * are seeded into the database before the server starts; the person then signs in and uses the page.
 */

const COUNT = 60;
/** Every third token may also write; every tenth is revoked. */
const canWrite = (i: number) => i % 3 === 0;
const isRevoked = (i: number) => i % 10 === 0;
const nameOf = (i: number) => `${i % 2 ? "Deploy" : "Backup"} job ${String(i).padStart(2, "0")}`;

const guids = new Map<number, string>();

const app = useSeededAppInBrowser(async () => {
  const user = await createUser({ name: "Sixty Tokens", scopes: ["tokens:read", "tokens:write"] });
  for (let i = 1; i <= COUNT; i++) {
    const { token } = await createToken(user.id, { name: nameOf(i), scopes: canWrite(i) ? ["tokens:read", "tokens:write"] : ["tokens:read"] });
    guids.set(i, token.guid);
    if (isRevoked(i)) await revokeToken(user.id, token.guid);
  }
  return user;
});
let context: BrowserContext;
let page: Page;
beforeAll(() => {
  ({ context, page } = app);
});

/** The names in the list, top to bottom. */
function names(): Promise<string[]> {
  return tokenNames(page);
}

function summary(): Promise<string | null> {
  return page.getByText(/^Showing \d+–\d+ of \d+ tokens?$|^\d+ tokens?$/).textContent();
}

async function applyFilters(fill: (form: ReturnType<Page["getByRole"]>) => Promise<void>): Promise<void> {
  const form = page.getByRole("search", { name: "Filter tokens" });
  const before = page.url();
  await fill(form);
  await form.getByRole("button", { name: "Apply" }).click();
  // A client-side navigation: the address changes once the new list is on the page. A select
  // applies as soon as it changes, so Apply may be the second navigation: wait for the last.
  await page.waitForURL((url) => url.toString() !== before);
  await page.locator('[aria-busy="true"]').waitFor({ state: "detached" });
}

test("pages through sixty tokens, twenty at a time", async () => {
  await page.goto("/settings/tokens");
  expect(await summary()).toBe(`Showing 1–20 of ${COUNT} tokens`);
  expect(await names()).toHaveLength(20);
  const pages = page.getByRole("navigation", { name: "Pages" });
  expect(await pages.getByRole("link", { name: "Page 1" }).getAttribute("aria-current")).toBe("page");

  const seen = new Set(await names());
  await pages.getByRole("link", { name: "Next" }).click();
  await page.waitForURL(/page=2/);
  expect(await summary()).toBe(`Showing 21–40 of ${COUNT} tokens`);
  for (const name of await names()) seen.add(name);
  await pages.getByRole("link", { name: "Page 3" }).click();
  await page.waitForURL(/page=3/);
  expect(await summary()).toBe(`Showing 41–60 of ${COUNT} tokens`);
  for (const name of await names()) seen.add(name);
  // Every token once, none twice, none skipped.
  expect(seen.size).toBe(COUNT);
  expect(await pages.getByText("Next").evaluate((el) => el.tagName)).not.toBe("A");

  // A bigger page size shows them all.
  await applyFilters(async (form) => {
    await form.getByLabel("Per page").selectOption("100");
  });
  expect(await names()).toHaveLength(COUNT);
  expect(await page.getByRole("navigation", { name: "Pages" }).count()).toBe(0);
});

test("sorts by name both ways, and by status with the active ones first", async () => {
  await page.goto("/settings/tokens?perPage=100");
  await page.getByRole("link", { name: /^Name/ }).click();
  await page.waitForURL(/sort=name/);
  const ascending = await names();
  expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b)));
  expect(ascending[0]).toBe("Backup job 02");
  expect(await page.getByRole("columnheader", { name: /^Name/ }).getAttribute("aria-sort")).toBe("ascending");

  await page.getByRole("link", { name: /^Name/ }).click();
  await page.locator("th[aria-sort=descending]").waitFor();
  expect(await names()).toEqual([...ascending].reverse());
  expect(await page.getByRole("columnheader", { name: /^Name/ }).getAttribute("aria-sort")).toBe("descending");

  await page.getByRole("link", { name: /^Status/ }).click();
  await page.waitForURL(/sort=status/);
  const byStatus = await names();
  const revoked = new Set(Array.from({ length: COUNT }, (_, k) => k + 1).filter(isRevoked).map(nameOf));
  const firstRevoked = byStatus.findIndex((name) => revoked.has(name));
  expect(firstRevoked).toBe(COUNT - revoked.size);
  expect(byStatus.slice(firstRevoked).every((name) => revoked.has(name))).toBe(true);
});

test("filters by keywords, GUID, scope and status; the URL keeps the view through a reload", async () => {
  await page.goto("/settings/tokens");

  await applyFilters((form) => form.getByLabel("Name").fill("deploy 1"));
  // "Deploy job 11", "13", "15", "17", "19" and "Deploy job 01"…: every word must match somewhere.
  const deploys = await names();
  expect(deploys.length).toBeGreaterThan(0);
  expect(deploys.every((name) => name.startsWith("Deploy") && name.includes("1"))).toBe(true);
  expect(new URL(page.url()).searchParams.get("q")).toBe("deploy 1");

  await applyFilters(async (form) => {
    await form.getByLabel("Name").fill("");
    await form.getByLabel("Scope").selectOption("tokens:write");
    await form.getByLabel("Status").selectOption("active");
  });
  const writers = Array.from({ length: COUNT }, (_, k) => k + 1).filter((i) => canWrite(i) && !isRevoked(i));
  expect(await summary()).toBe(`Showing 1–${writers.length} of ${writers.length} tokens`);
  expect((await names()).sort()).toEqual(writers.map(nameOf).sort());

  // The same view after a reload, and in a fresh tab opened on the URL.
  const url = page.url();
  await page.reload();
  expect((await names()).sort()).toEqual(writers.map(nameOf).sort());
  expect(await page.getByLabel("Scope").inputValue()).toBe("tokens:write");
  expect(await page.getByLabel("Status").inputValue()).toBe("active");
  const tab = await context.newPage();
  await tab.goto(url);
  await tab.getByRole("table").locator("tbody tr").first().waitFor();
  expect(await tab.getByRole("table").locator("tbody th[scope=row] > span").allTextContents()).toEqual(await names());
  await tab.close();

  await applyFilters(async (form) => {
    await form.getByLabel("Scope").selectOption("");
    await form.getByLabel("Status").selectOption("inactive");
  });
  expect((await names()).sort()).toEqual([10, 20, 30, 40, 50, 60].map(nameOf).sort());

  // The GUID filter finds exactly that token, pasted in upper case too.
  await page.goto("/settings/tokens");
  await applyFilters((form) => form.getByLabel("GUID").fill(guids.get(37)!.toUpperCase()));
  expect(await names()).toEqual([nameOf(37)]);
});

test("the GUID filter finds a token by the part of its GUID the table shows", async () => {
  await page.goto("/settings/tokens?sort=name&order=asc&perPage=100");
  const code = page.getByRole("row", { name: new RegExp(`^${nameOf(23)}`) }).locator("code[title]");
  expect(await code.getAttribute("title")).toBe(guids.get(23));
  // What is legible in the cell: the characters before the ellipsis (the font is monospaced).
  const shown = await code.evaluate((element) => {
    const text = element.textContent ?? "";
    if (element.scrollWidth <= element.clientWidth) return text;
    const perCharacter = element.scrollWidth / text.length;
    return text.slice(0, Math.floor(element.clientWidth / perCharacter) - 1);
  });
  expect(shown.length).toBeGreaterThanOrEqual(8);
  expect(guids.get(23)!.startsWith(shown)).toBe(true);

  await applyFilters((form) => form.getByLabel("GUID").fill(shown));
  expect(await names()).toEqual([nameOf(23)]);
  expect(new URL(page.url()).searchParams.get("guid")).toBe(shown);

  // Fewer than 8 characters: the page says why and lists every token rather than guess.
  await applyFilters((form) => form.getByLabel("GUID").fill(shown.slice(0, 6)));
  await page.getByText(`The GUID filter “${shown.slice(0, 6)}” was ignored. Give at least the first 8 characters of the GUID, e.g. 3f2b8c1e.`).waitFor();
  expect(await names()).toHaveLength(COUNT);
});

test("a filter that matches nothing says so and offers to clear it", async () => {
  await page.goto("/settings/tokens?q=no-such-token&status=inactive");
  await page.getByText("No tokens match these filters.").waitFor();
  expect(await summary()).toBe("0 tokens");
  expect(await page.getByRole("table").count()).toBe(0);
  await page.getByRole("link", { name: "Clear filters" }).click();
  await page.waitForURL((url) => !url.search.includes("q="));
  expect(await summary()).toBe(`Showing 1–20 of ${COUNT} tokens`);
});

test("a hand-edited URL with bad values shows the page with notices, never an error", async () => {
  for (const search of [
    "?page=-1&sort=zzz&order=sideways&status=bogus&perPage=99999",
    "?guid=not-a-guid&scope=%00%01&q=" + "x".repeat(500),
    "?page=999",
    "?page=1&page=2&sort[]=name",
  ]) {
    const response = await page.goto(`/settings/tokens${search}`);
    expect(response?.status()).toBe(200);
    await page.getByRole("heading", { level: 1, name: "API tokens" }).waitFor();
  }
  // The last but one is past the end of the list: a way back is offered.
  await page.goto("/settings/tokens?page=999");
  await page.getByText("This page is past the end of the list.").waitFor();
  await page.goto("/settings/tokens?guid=not-a-guid");
  await page.getByText("The GUID filter “not-a-guid” was ignored. A GUID has only the hex digits 0–9 and a–f, and hyphens, e.g. 3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f.").waitFor();
  expect(await names()).toHaveLength(20);
});
