import type { Browser, BrowserContext, Page } from "playwright-core";
import { prisma } from "@/lib/db";
import { createToken } from "@/lib/tokens/service";
import { launchBrowser, newContext, signIn, seriousViolations } from "@/tests/helpers/browser";
import { createTestDatabase, startServer, type TestDatabase, type TestServer } from "@/tests/helpers/server";
import { TEST_PASSWORD, createUser } from "@/tests/helpers/users";

jest.setTimeout(120_000);

/** /admin/tokens in a browser: an administrator finds tokens, revokes one with a reason, and its owner sees why. */

const DAY = 86_400_000;

async function seed() {
  const db = await prisma();
  const admin = await createUser({ name: "Ada Admin", scopes: ["tokens:read", "tokens:write", "admin:read", "admin:write"] });
  await db.user.update({ where: { id: admin.id }, data: { isAdmin: true } });
  const owner = await createUser({ name: "Olive Owner", scopes: ["tokens:read", "tokens:write", "metrics:read"] });
  const other = await createUser({ name: "Oscar Other", scopes: ["tokens:read", "tokens:write"] });
  const make = async (userId: string, name: string, extra: { scopes?: string[]; validTo?: Date; lastUsedAt?: Date; createdAt?: Date } = {}) => {
    const { token } = await createToken(userId, { name, scopes: extra.scopes ?? ["tokens:read"], validTo: extra.validTo?.toISOString() });
    if (extra.lastUsedAt || extra.createdAt) await db.token.update({ where: { guid: token.guid }, data: { lastUsedAt: extra.lastUsedAt, createdAt: extra.createdAt } });
    return token;
  };
  // Twelve of Olive's, created a day apart (so the order is known), to fill more than one page of ten.
  for (let i = 1; i <= 8; i++) await make(owner.id, `olive filler ${String(i).padStart(2, "0")}`, { createdAt: new Date(Date.now() - (30 - i) * DAY) });
  await make(owner.id, "olive metrics", { scopes: ["metrics:read"], createdAt: new Date(Date.now() - 20 * DAY) });
  await make(owner.id, "olive stale", { lastUsedAt: new Date(Date.now() - 100 * DAY), createdAt: new Date(Date.now() - 200 * DAY) });
  await make(owner.id, "olive expiring", { validTo: new Date(Date.now() + 3 * DAY) });
  await make(owner.id, "olive leaked");
  await make(other.id, "oscar deploy");
  return { admin, owner, other };
}

let database: TestDatabase;
let server: TestServer;
let browser: Browser;
let seeded: Awaited<ReturnType<typeof seed>>;
let adminContext: BrowserContext;
let admin: Page;

beforeAll(async () => {
  database = await createTestDatabase();
  seeded = await database.use(seed);
  [server, browser] = await Promise.all([startServer({ database }), launchBrowser()]);
  adminContext = await newContext(browser, server.baseUrl);
  admin = await adminContext.newPage();
  await signInAs(admin, seeded.admin.email);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
}, 60_000);

async function signInAs(page: Page, email: string) {
  await page.goto("/signin?callbackUrl=%2Fsettings%2Ftokens");
  await signIn(page, { email, password: TEST_PASSWORD });
  await page.waitForURL("**/settings/tokens");
}

async function names(page: Page): Promise<string[]> {
  await page.getByRole("table").waitFor();
  return page.getByRole("table").locator("tbody th[scope=row] > span").allTextContents();
}

/** Applies the filter form and waits for the page of the new URL. */
async function apply(page: Page, fill: (page: Page) => Promise<void>) {
  await fill(page);
  const before = page.url();
  await page.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL((url) => url.toString() !== before);
  await page.getByRole("heading", { level: 1, name: "Every token" }).waitFor();
}

test("a non-administrator gets 404 for the page", async () => {
  const context = await newContext(browser, server.baseUrl);
  const page = await context.newPage();
  await signInAs(page, seeded.owner.email);
  // A real 404, and the not-found page.
  expect((await page.goto("/admin/tokens"))?.status()).toBe(404);
  await page.getByRole("heading", { level: 1, name: "This page does not exist" }).waitFor();
  await expect(page.getByRole("heading", { name: "Every token" }).count()).resolves.toBe(0);
  await expect(page.getByRole("link", { name: /^Revoke/ }).count()).resolves.toBe(0);
  await context.close();
  const signedOut = await browser.newContext({ baseURL: server.baseUrl });
  const anonymous = await signedOut.newPage();
  expect((await anonymous.goto("/admin/tokens"))?.status()).toBe(404);
  await anonymous.getByRole("heading", { level: 1, name: "This page does not exist" }).waitFor();
  await signedOut.close();
});

test("every user's tokens, with owners and a bounded total; the page passes axe", async () => {
  await admin.goto("/admin/tokens");
  await admin.getByRole("heading", { level: 1, name: "Every token" }).waitFor();
  await admin.getByText("13 tokens").waitFor();
  expect(await names(admin)).toContain("oscar deploy");
  expect(await seriousViolations(admin)).toEqual([]);
});

test("filters by owner, scope, status, unused and expiring show the right rows", async () => {
  await admin.goto("/admin/tokens");
  await apply(admin, (page) => page.getByLabel("Owner").fill("oscar"));
  expect(await names(admin)).toEqual(["oscar deploy"]);
  expect(new URL(admin.url()).searchParams.get("owner")).toBe("oscar");

  await apply(admin, async (page) => {
    await page.getByLabel("Owner").fill(seeded.owner.email);
    await page.getByLabel("Scope").selectOption("metrics:read");
  });
  expect(await names(admin)).toEqual(["olive metrics"]);

  await apply(admin, async (page) => {
    await page.getByLabel("Scope").selectOption("");
    await page.getByLabel("Unused for").selectOption("90");
  });
  expect(await names(admin)).toEqual(["olive stale"]);

  await apply(admin, async (page) => {
    await page.getByLabel("Unused for").selectOption("");
    await page.getByLabel("Expires").selectOption("7");
  });
  expect(await names(admin)).toEqual(["olive expiring"]);

  await apply(admin, async (page) => {
    await page.getByLabel("Expires").selectOption("");
    await page.getByLabel("Status").selectOption("revoked");
  });
  await admin.getByText("No tokens match.").waitFor();

  await apply(admin, async (page) => {
    await page.getByLabel("Status").selectOption("all");
    await page.getByLabel("Breaks policy").check();
  });
  await admin.getByText(/No policy limits token lifetimes/).waitFor();
});

test("sorting by a column header, both ways, and paging by cursor", async () => {
  await admin.goto(`/admin/tokens?owner=${encodeURIComponent(seeded.owner.email)}&perPage=10`);
  const nameHeader = admin.getByRole("columnheader", { name: /^Name/ });
  await nameHeader.getByRole("link").click();
  await admin.waitForURL(/sort=name/);
  const ascending = await names(admin);
  expect(ascending.slice(0, 3)).toEqual(["olive expiring", "olive filler 01", "olive filler 02"]);
  expect(ascending).toHaveLength(10);
  await expect(admin.getByRole("columnheader", { name: /^Name/ }).getAttribute("aria-sort")).resolves.toBe("ascending");

  await admin.getByRole("link", { name: "Next" }).click();
  await admin.waitForURL(/cursor=/);
  await admin.getByText("olive stale").waitFor();
  expect(await names(admin)).toEqual(["olive metrics", "olive stale"]);
  await admin.getByRole("link", { name: "Previous" }).click();
  await admin.getByText("olive filler 01").waitFor();
  expect(await names(admin)).toEqual(ascending);

  await nameHeader.getByRole("link").click();
  // Descending is the default order, which the URL leaves out.
  await admin.waitForURL((url) => url.searchParams.get("sort") === "name" && !url.searchParams.has("order"));
  expect((await names(admin)).slice(0, 2)).toEqual(["olive stale", "olive metrics"]);
  await admin.getByRole("link", { name: "Next" }).click();
  await admin.waitForURL(/cursor=/);
  await admin.getByRole("link", { name: "First" }).click();
  await admin.getByText("olive stale").waitFor();
  expect((await names(admin)).slice(0, 2)).toEqual(["olive stale", "olive metrics"]);
});

test("revoke with a reason; the owner then sees 'Revoked by an administrator' and the reason", async () => {
  await admin.goto(`/admin/tokens?owner=${encodeURIComponent(seeded.owner.email)}&sort=name&order=asc&perPage=50`);
  await admin.getByRole("button", { name: `Revoke olive leaked of ${seeded.owner.email}…` }).click();
  const dialog = admin.getByRole("dialog", { name: "Revoke “olive leaked”?" });
  await dialog.getByRole("button", { name: "Revoke token" }).click();
  await dialog.getByText("Give a reason: the token's owner is shown it.").waitFor();
  expect(await seriousViolations(admin)).toEqual([]);
  await dialog.getByLabel("Reason").fill("Found in a public repository");
  await dialog.getByRole("button", { name: "Revoke token" }).click();
  await admin.getByText(`Revoked “olive leaked” of ${seeded.owner.email}.`).waitFor();
  await dialog.waitFor({ state: "hidden" });
  const row = admin.getByRole("row", { name: /^olive leaked/ });
  await row.getByText(/^Revoked by an administrator/).waitFor();
  await expect(row.getByRole("button", { name: /^Revoke/ }).count()).resolves.toBe(0);

  const ownerContext = await newContext(browser, server.baseUrl);
  const owner = await ownerContext.newPage();
  await signInAs(owner, seeded.owner.email);
  const ownRow = owner.getByRole("row", { name: /^olive leaked/ });
  await ownRow.getByText(/^Revoked by an administrator/).waitFor();
  await ownRow.getByText("Found in a public repository").waitFor();
  await ownerContext.close();
});

test("at phone width the page fits and passes axe, the revoke dialog too", async () => {
  const context = await newContext(browser, server.baseUrl, { width: 390, height: 844 });
  const page = await context.newPage();
  await signInAs(page, seeded.admin.email);
  await page.goto("/admin/tokens");
  await page.getByRole("heading", { level: 1, name: "Every token" }).waitFor();
  const sideways = () => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  expect({ violations: await seriousViolations(page), sideways: await sideways() }).toEqual({ violations: [], sideways: false });
  await page.getByRole("button", { name: /^Revoke oscar deploy/ }).click();
  await page.getByRole("dialog").getByLabel("Reason").waitFor();
  expect({ violations: await seriousViolations(page), sideways: await sideways() }).toEqual({ violations: [], sideways: false });
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await context.close();
});
