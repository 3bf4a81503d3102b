import type { Browser, BrowserContext, Page } from "playwright-core";
import { prisma } from "@/lib/db";
import { createToken } from "@/lib/tokens/service";
import { launchBrowser, newContext, putSecretAway, signIn, seriousViolations } from "@/tests/helpers/browser";
import { createTestDatabase, startServer, type TestDatabase, type TestServer } from "@/tests/helpers/server";
import { TEST_PASSWORD, createUser } from "@/tests/helpers/users";

jest.setTimeout(180_000);

/**
 * /admin/policies in a browser: an administrator sets a 30-day maximum lifetime, and a person's
 * token page follows it at once (presets, creation), the API refuses beyond it, the active-token
 * limit refuses the next create on the page, and anyone but an administrator gets 404.
 */

const DAY = 24 * 3600_000;
let database: TestDatabase;
let server: TestServer;
let browser: Browser;
let seeded: { adminEmail: string; personEmail: string; personSecret: string };
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  seeded = await database.use(async () => {
    const admin = await createUser({ name: "Ada Admin", scopes: ["tokens:read", "tokens:write", "admin:read", "admin:write"] });
    await (await prisma()).user.update({ where: { id: admin.id }, data: { isAdmin: true } });
    const person = await createUser({ name: "Pat Person", scopes: ["tokens:read", "tokens:write"] });
    // From before any policy: it never expires, and is the person's automation for the crafted request.
    const automation = await createToken(person.id, { name: "Automation", scopes: ["tokens:read", "tokens:write"] });
    return { adminEmail: admin.email, personEmail: person.email, personSecret: automation.secret };
  });
  [server, browser] = await Promise.all([startServer({ database }), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.stop();
  await database?.drop();
}, 60_000);

async function signedIn(email: string, path: string, viewport?: { width: number; height: number }): Promise<Page> {
  const context = await newContext(browser, server.baseUrl, viewport);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  await signIn(page, { email, password: TEST_PASSWORD });
  await page.waitForURL(`**${path}`);
  return page;
}

const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

async function setLimit(page: Page, legend: string, value: string) {
  const group = page.getByRole("group", { name: legend });
  await group.getByRole("radio", { name: "At most" }).check();
  await group.getByRole("spinbutton", { name: legend }).fill(value);
}

async function save(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Save policies" }).click();
  await page.getByRole("status").filter({ hasText: /existing token|No existing token/ }).waitFor();
}

let admin: Page;
let person: Page;

test("an administrator sets a 30-day maximum lifetime; the toast says how many tokens break it and links to them", async () => {
  admin = await signedIn(seeded.adminEmail, "/admin/policies");
  await admin.getByRole("heading", { level: 1, name: "Token policies" }).waitFor();
  expect(await seriousViolations(admin)).toEqual([]);
  const inForce = admin.getByRole("region", { name: "In force" });
  expect(await inForce.getByRole("definition").allTextContents()).toEqual(["No limit", "No limit", "No limit", "Never"]);

  await setLimit(admin, "Maximum token lifetime", "30");
  await save(admin);
  // The person's Automation never expires: the one token that breaks it.
  const toast = admin.getByRole("listitem").filter({ hasText: "Policies saved." });
  await toast.waitFor();
  expect(await toast.textContent()).toContain("1 existing token breaks them; it keeps working until it ends.");
  expect(await toast.getByRole("link", { name: "Show it" }).getAttribute("href")).toBe("/admin/tokens?breaksPolicy=true");
  await inForce.getByText("30 days").waitFor();
  expect(await seriousViolations(admin)).toEqual([]);
  // The link lands on the inventory with the filter applied, not on every token (it once sent breaksPolicy=1, which the inventory ignored).
  await toast.getByRole("link", { name: "Show it" }).click();
  await admin.waitForURL("**/admin/tokens?breaksPolicy=true");
  expect(await admin.getByRole("checkbox", { name: "Breaks policy" }).isChecked()).toBe(true);
  expect(await admin.getByRole("table").locator("tbody th[scope=row] > span").allTextContents()).toEqual(["Automation"]);
  await admin.goto("/admin/policies");
  await admin.reload();
  await admin.getByRole("form", { name: "Token policies" }).waitFor();
  expect(await admin.getByRole("region", { name: "In force" }).getByRole("definition").allTextContents()).toEqual(["30 days", "No limit", "No limit", "Never"]);
  expect(await admin.getByRole("spinbutton", { name: "Maximum token lifetime" }).inputValue()).toBe("30");
});

test("the person's token page offers only expiries within 30 days, and creates a 30-day token", async () => {
  person = await signedIn(seeded.personEmail, "/settings/tokens");
  await person.getByRole("button", { name: "New token" }).click();
  const dialog = person.getByRole("dialog", { name: "New API token" });
  const expiry = dialog.getByLabel("Expires after");
  expect(await expiry.locator("option").allTextContents()).toEqual(["7 days", "30 days", "A date of my choice"]);
  expect(await expiry.inputValue()).toBe("30d");
  await dialog.getByText("Your administrator limits tokens to 30 days.").waitFor();
  expect(await seriousViolations(person)).toEqual([]);

  await dialog.getByLabel(/^Name/).fill("Thirty days");
  await dialog.getByRole("checkbox", { name: /^tokens:read/ }).check();
  const before = Date.now();
  await dialog.getByRole("button", { name: "Create token" }).click();
  await putSecretAway(person.getByRole("dialog", { name: "Your new token" }));

  const listed = await fetch(`${server.baseUrl}/api/v1/tokens?q=Thirty`, { headers: { authorization: `Bearer ${seeded.personSecret}` } });
  const [token] = (await listed.json()).tokens;
  const end = new Date(token.validTo).getTime();
  expect(end).toBeGreaterThan(before + 30 * DAY - 60_000);
  expect(end).toBeLessThanOrEqual(Date.now() + 30 * DAY);
});

test("a crafted request beyond the limit, over the API, is refused with the policy named", async () => {
  const response = await fetch(`${server.baseUrl}/api/v1/tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${seeded.personSecret}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Crafted", scopes: ["tokens:read"], validTo: new Date(Date.now() + 31 * DAY).toISOString() }),
  });
  const body = await response.json();
  expect([response.status, body.error.code, body.error.policy]).toEqual([422, "policy_violation", "maxTokenLifetimeDays"]);
  expect(body.error.message).toMatch(/^The maximum token lifetime policy allows at most 30 days: choose a valid-to on or before /);
});

test("a maximum of active tokens refuses the person's next create on the page, with the message", async () => {
  // The person has two live tokens now: Automation and Thirty days.
  await setLimit(admin, "Maximum active tokens per person", "2");
  await save(admin);

  await person.getByRole("button", { name: "New token" }).click();
  const dialog = person.getByRole("dialog", { name: "New API token" });
  await dialog.getByLabel(/^Name/).fill("One too many");
  await dialog.getByRole("checkbox", { name: /^tokens:read/ }).check();
  await dialog.getByRole("button", { name: "Create token" }).click();
  await dialog
    .getByRole("alert")
    .filter({ hasText: "The maximum active tokens policy allows at most 2 active or scheduled tokens per person, and you have that many. Revoke or delete one first." })
    .waitFor();
  expect(await seriousViolations(person)).toEqual([]);
});

test("the page fits a phone", async () => {
  const phone = await signedIn(seeded.adminEmail, "/admin/policies", { width: 390, height: 844 });
  await phone.getByRole("heading", { level: 1, name: "Token policies" }).waitFor();
  expect(await scrollsSideways(phone)).toBe(false);
  expect(await seriousViolations(phone)).toEqual([]);
});

// A real 404 (no loading state sits above the admin layout) and the 404 page, not the form.
test("anyone but an administrator gets the 404 page at /admin/policies, signed out included", async () => {
  const anonymous = await newContext(browser, server.baseUrl);
  contexts.push(anonymous);
  for (const page of [person, await anonymous.newPage()]) {
    expect((await page.goto("/admin/policies"))?.status()).toBe(404);
    await page.getByRole("heading", { level: 1, name: "This page does not exist" }).waitFor();
    expect(await page.getByRole("form", { name: "Token policies" }).count()).toBe(0);
    expect(await page.getByText("Token policies").count()).toBe(0);
  }
});
