import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { prisma } from "@/lib/db";
import { createToken, revokeToken } from "@/lib/tokens/service";
import { launchBrowser, newContext, signIn, seriousViolations } from "@/tests/helpers/browser";
import { expectFocusOn, tabTo } from "@/tests/helpers/focus";
import { createTestDatabase, startServer, type TestDatabase, type TestServer } from "@/tests/helpers/server";
import { TEST_PASSWORD, createUser } from "@/tests/helpers/users";

jest.setTimeout(180_000);

/** /admin/users as an administrator meets it in Chromium, and what it does to the people it manages. */

// Rewritten in docs/screenshots only when asked (UPDATE_SCREENSHOTS=1), as tests/e2e/accessibility.test.ts does.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? path.resolve(__dirname, "../../docs/screenshots") : mkdtempSync(path.join(tmpdir(), "tollgate-screenshots-"));

async function seed() {
  const db = await prisma();
  const admin = await createUser({ name: "Ada Admin", scopes: ["tokens:read", "admin:read", "admin:write"] });
  await db.user.update({ where: { id: admin.id }, data: { isAdmin: true } });
  const grace = await createUser({ name: "Grace Hopper", scopes: ["tokens:read", "tokens:write"] });
  await db.user.update({ where: { id: grace.id }, data: { email: "grace.hopper@navy.example" } });
  const graceToken = await createToken(grace.id, { name: "Grace's CI", scopes: ["tokens:read"] });
  const leaving = await createUser({ name: "Leaving Soon", scopes: ["tokens:read"] });
  for (const name of ["one", "two"]) await createToken(leaving.id, { name, scopes: ["tokens:read"] });
  const revoked = await createToken(leaving.id, { name: "revoked", scopes: ["tokens:read"] });
  await revokeToken(leaving.id, revoked.token.guid);
  const plain = await createUser({ name: "Plain Person", scopes: ["tokens:read"] });
  return { admin: admin.email, grace: "grace.hopper@navy.example", graceSecret: graceToken.secret, leaving: leaving.email, plain: plain.email };
}

let database: TestDatabase;
let server: TestServer;
let browser: Browser;
let seeded: Awaited<ReturnType<typeof seed>>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  seeded = await database.use(seed);
  [server, browser] = await Promise.all([startServer({ database }), launchBrowser()]);
}, 180_000);
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await server?.stop();
  await database?.drop();
}, 60_000);

async function signedIn(email: string, viewport?: { width: number; height: number }): Promise<Page> {
  const context = await newContext(browser, server.baseUrl, viewport);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto("/signin?callbackUrl=%2Fsettings%2Ftokens");
  await signIn(page, { email, password: TEST_PASSWORD });
  await page.waitForURL("**/settings/tokens");
  return page;
}

const rows = (page: Page) => page.getByRole("table", { name: "Users" }).locator("tbody tr");
const rowOf = (page: Page, email: string) => rows(page).filter({ hasText: email });
const me = (secret: string) => fetch(`${server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } }).then((r) => r.status);

async function search(page: Page, text: string): Promise<string[]> {
  await page.getByLabel("Search by email or name").fill(text);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await page.waitForURL(`**/admin/users?q=${encodeURIComponent(text).replace(/%20/g, "+")}`);
  await page.getByText(/^Showing|^0 users/).waitFor();
  return rows(page).locator("th p").allTextContents();
}

/** Waits (5 s at most: the list refreshes after an action) until `read` gives what `matches` accepts. */
async function eventually<T>(read: () => Promise<T>, matches: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5_000;
  let value = await read();
  while (!matches(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

async function toast(page: Page, text: RegExp): Promise<void> {
  await page.locator("[data-sonner-toast]").filter({ hasText: text }).first().waitFor();
}

let admin: Page;

beforeAll(async () => {
  admin = await signedIn(seeded.admin);
  await admin.goto("/admin/users");
  await admin.getByRole("heading", { level: 1, name: "Users" }).waitFor();
}, 120_000);

test("the list: every user with status, scopes and token counts; no serious axe violations; phone width works", async () => {
  expect(await rows(admin).count()).toBe(4);
  const leaving = rowOf(admin, seeded.leaving);
  await expect(leaving.textContent()).resolves.toMatch(/Leaving Soon.*Active.*tokens:read.*2 active, 1 inactive.*Never/);
  await expect(rowOf(admin, seeded.admin).textContent()).resolves.toMatch(/Administrator.*\(you\)/);
  // Their own account: Disable and Delete are off.
  await expect(rowOf(admin, seeded.admin).getByRole("button", { name: `Delete ${seeded.admin}` }).isDisabled()).resolves.toBe(true);
  expect(await seriousViolations(admin)).toEqual([]);
  await admin.screenshot({ path: path.join(SCREENSHOTS, "admin-users.png"), fullPage: true });

  const phone = await signedIn(seeded.admin, { width: 390, height: 844 });
  await phone.goto("/admin/users");
  await phone.getByRole("heading", { level: 1, name: "Users" }).waitFor();
  expect(await phone.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth)).toBe(false);
  await expect(rowOf(phone, seeded.grace).getByRole("button", { name: `Delete ${seeded.grace}` }).isVisible()).resolves.toBe(true);
  expect(await seriousViolations(phone)).toEqual([]);
  await phone.screenshot({ path: path.join(SCREENSHOTS, "admin-users-phone.png"), fullPage: true });
});

test("search finds a user by part of the name and by part of the email, in any case", async () => {
  expect(await search(admin, "HOPP")).toEqual([seeded.grace]);
  expect(await search(admin, "navy.exa")).toEqual([seeded.grace]);
  expect(await search(admin, "nobody here")).toEqual([]);
  await admin.getByText("No user matches “nobody here”.").waitFor();
  await admin.getByRole("link", { name: "Clear" }).click();
  await admin.waitForURL("**/admin/users");
  expect(await eventually(() => rows(admin).count(), (n) => n === 4)).toBe(4);
});

test("grant and withdraw a scope in the scopes dialog", async () => {
  await search(admin, "grace");
  await rowOf(admin, seeded.grace).getByRole("button", { name: `Scopes of ${seeded.grace}` }).click();
  const dialog = admin.getByRole("dialog", { name: "Scopes of Grace Hopper" });
  await dialog.waitFor();
  // Only administrators may hold the administrators' scopes: not offered to Grace.
  await expect(dialog.getByRole("button", { name: "Grant admin:read" }).count()).resolves.toBe(0);
  expect(await seriousViolations(admin)).toEqual([]);

  await dialog.getByRole("button", { name: "Grant tokens:introspect" }).click();
  await toast(admin, /Granted tokens:introspect to grace.hopper@navy.example/);
  await dialog.getByRole("button", { name: "Withdraw tokens:introspect" }).waitFor();
  await dialog.getByRole("button", { name: "Withdraw tokens:read" }).click();
  await toast(admin, /Withdrew tokens:read/);
  await dialog.getByRole("button", { name: "Grant tokens:read" }).waitFor();
  // The token Grace made with tokens:read lost it at once: /me needs no scope, the token list does.
  const list = await fetch(`${server.baseUrl}/api/v1/tokens`, { headers: { authorization: `Bearer ${seeded.graceSecret}` } });
  expect(list.status).toBe(403);
  await dialog.getByRole("button", { name: "Grant tokens:read" }).click();
  await dialog.getByRole("button", { name: "Withdraw tokens:read" }).waitFor();
  await dialog.getByRole("button", { name: "Withdraw tokens:introspect" }).click();
  await dialog.getByRole("button", { name: "Grant tokens:introspect" }).waitFor();
  await dialog.getByRole("button", { name: "Done" }).click();
  await dialog.waitFor({ state: "hidden" });
  await expectFocusOn(admin, `Scopes of ${seeded.grace}`);
  const scopes = /Activetokens:readtokens:write\d/;
  expect(await eventually(() => rowOf(admin, seeded.grace).textContent(), (text) => scopes.test(text ?? ""))).toMatch(scopes);
});

test("disable: the user's session ends and their token answers 401; re-enable restores the token", async () => {
  const grace = await signedIn(seeded.grace);
  expect(await me(seeded.graceSecret)).toBe(200);

  await search(admin, "grace");
  // With the keyboard: reach Disable, open the confirmation, back out (focus returns), open it again.
  await tabTo(admin, `Disable ${seeded.grace}`);
  await admin.keyboard.press("Enter");
  const confirm = admin.getByRole("alertdialog", { name: "Disable Grace Hopper?" });
  await confirm.waitFor();
  await admin.keyboard.press("Escape");
  await confirm.waitFor({ state: "hidden" });
  await expectFocusOn(admin, `Disable ${seeded.grace}`);
  await admin.keyboard.press("Enter");
  await confirm.waitFor();
  await expect(confirm.textContent()).resolves.toMatch(/signed out and their 1 active token stop working until the account is re-enabled/);
  expect(await seriousViolations(admin)).toEqual([]);
  await confirm.getByRole("button", { name: "Disable account" }).click();
  await toast(admin, /Disabled grace.hopper@navy.example/);
  await rowOf(admin, seeded.grace).getByText("Disabled", { exact: true }).waitFor();
  await expectFocusOn(admin, `Re-enable ${seeded.grace}`);

  await grace.goto("/settings/tokens");
  await grace.waitForURL("**/signin**");
  expect(await me(seeded.graceSecret)).toBe(401);

  await rowOf(admin, seeded.grace).getByRole("button", { name: `Re-enable ${seeded.grace}` }).click();
  await toast(admin, /Re-enabled grace.hopper@navy.example/);
  await rowOf(admin, seeded.grace).getByText("Active", { exact: true }).waitFor();
  expect(await me(seeded.graceSecret)).toBe(200);
});

test("delete: the confirmation counts the tokens that stop working and wants the email typed", async () => {
  await search(admin, "leaving");
  await rowOf(admin, seeded.leaving).getByRole("button", { name: `Delete ${seeded.leaving}` }).click();
  const dialog = admin.getByRole("alertdialog", { name: "Delete Leaving Soon?" });
  await dialog.getByText(/2 active tokens stop working at once/).waitFor();
  await expect(dialog.textContent()).resolves.toMatch(/with its 3 tokens/);
  expect(await seriousViolations(admin)).toEqual([]);
  const remove = dialog.getByRole("button", { name: "Delete account" });
  await expect(remove.isDisabled()).resolves.toBe(true);
  await dialog.getByLabel(/^Type .* to confirm/).fill(seeded.leaving.slice(0, -1));
  await expect(remove.isDisabled()).resolves.toBe(true);
  await dialog.getByLabel(/^Type .* to confirm/).fill(seeded.leaving);
  await remove.click();
  await toast(admin, /Deleted .*2 active tokens stopped working/);
  await dialog.waitFor({ state: "hidden" });
  await admin.getByText("No user matches “leaving”.").waitFor();
  await expect(admin.evaluate(() => document.activeElement?.id)).resolves.toBe("user-search");
});

/** What a page that does not exist shows (app/not-found.tsx), and that it tells robots so. */
async function isNotFound(page: Page): Promise<boolean> {
  await page.getByRole("heading", { level: 1 }).first().waitFor();
  const heading = await page.getByRole("heading", { level: 1 }).first().textContent();
  const users = await page.getByRole("table", { name: "Users" }).count();
  return heading === "This page does not exist" && users === 0;
}

test("a non-administrator, and anyone signed out, gets the 404 page", async () => {
  const plain = await signedIn(seeded.plain);
  expect((await plain.goto("/admin/users"))?.status()).toBe(404);
  expect(await isNotFound(plain)).toBe(true);
  expect(await seriousViolations(plain)).toEqual([]);
  await plain.goto("/admin");
  expect(await isNotFound(plain)).toBe(true);
  const context = await newContext(browser, server.baseUrl);
  contexts.push(context);
  const anonymous = await context.newPage();
  await anonymous.goto("/admin/users?q=grace");
  expect(await isNotFound(anonymous)).toBe(true);
});
