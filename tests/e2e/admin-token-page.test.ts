import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { recordEvent } from "@/lib/audit/events";
import { prisma } from "@/lib/db";
import { ADMIN_TOKENS_PATH, adminTokenPath } from "@/lib/paths";
import { createToken, deleteToken } from "@/lib/tokens/service";
import { launchBrowser, newContext, signIn, seriousViolations, chartAndTable } from "@/tests/helpers/browser";
import { createTestDatabase, startServer, type TestDatabase, type TestServer } from "@/tests/helpers/server";
import { TEST_PASSWORD, createUser } from "@/tests/helpers/users";

jest.setTimeout(120_000);

/**
 * /admin/tokens/{guid}: any account's token as an administrator sees it (issue 14, "Done when": an
 * administrator can say for any account when, from where and how often a token was used, and what
 * was done to it by whom). Reached from the name in the inventory; the owner's page's sections,
 * its chart's table holding exactly its bars, axe at desktop and phone width; a 404 for an unknown,
 * malformed or deleted token, and for anyone who is not an administrator.
 */
// Rewritten in docs/screenshots only when asked (UPDATE_SCREENSHOTS=1), as tests/e2e/accessibility.test.ts does.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? path.resolve(__dirname, "../../docs/screenshots") : mkdtempSync(path.join(tmpdir(), "tollgate-screenshots-"));
const HOUR = 3600_000;
// Relative to the hour the seed ran in; each bucket is found by its start, so an hour turning over moves nothing.
const SEEDED_HOUR = Math.floor(Date.now() / HOUR) * HOUR;

async function seed() {
  const db = await prisma();
  const admin = await createUser({ name: "Ada Admin", scopes: ["tokens:read", "admin:read", "admin:write"] });
  await db.user.update({ where: { id: admin.id }, data: { isAdmin: true } });
  const owner = await createUser({ name: "Olive Owner", scopes: ["tokens:read", "tokens:write", "tokens:introspect"] });
  const { token } = await createToken(owner.id, { name: "Olive's deploy bot", description: "Deploys main", scopes: ["tokens:read"] });
  const gateway = await createToken(owner.id, { name: "Gateway", scopes: ["tokens:introspect"] });
  const deleted = await createToken(owner.id, { name: "Deleted one", scopes: ["tokens:read"] });
  await deleteToken(owner.id, deleted.token.guid);
  await db.tokenUsage.createMany({
    data: [
      { tokenGuid: token.guid, hour: new Date(SEEDED_HOUR - 2 * HOUR), source: "", answered: 9, refusedScope: 1, refusedRate: 2 },
      { tokenGuid: token.guid, hour: new Date(SEEDED_HOUR - 2 * HOUR), source: gateway.token.guid, answered: 3 },
      { tokenGuid: token.guid, hour: new Date(SEEDED_HOUR - 20 * 24 * HOUR), source: "", answered: 40 },
    ],
  });
  await db.tokenAddress.create({
    data: { tokenGuid: token.guid, ip: "203.0.113.77", firstSeenAt: new Date(SEEDED_HOUR - 5 * HOUR), lastSeenAt: new Date(SEEDED_HOUR - 2 * HOUR), uses: 12, userAgent: "deploy-tool/3.0" },
  });
  await recordEvent(
    db,
    { kind: "person", userId: owner.id, label: owner.email, client: { address: "198.51.100.7", key: "198.51.100.7", userAgent: "Firefox" } },
    { action: "token.rotated", targetUser: owner.id, targetToken: token.guid, details: { name: token.name, overlapSeconds: 3600 } },
    new Date(SEEDED_HOUR - HOUR),
  );
  return { admin, owner, guid: token.guid, deleted: deleted.token.guid };
}

let database: TestDatabase;
let server: TestServer;
let browser: Browser;
let seeded: Awaited<ReturnType<typeof seed>>;
let context: BrowserContext;
let page: Page;

async function signedIn(email: string, viewport?: { width: number; height: number }) {
  const signedContext = await newContext(browser, server.baseUrl, viewport);
  const signedPage = await signedContext.newPage();
  await signedPage.goto("/signin?callbackUrl=%2Fsettings%2Ftokens");
  await signIn(signedPage, { email, password: TEST_PASSWORD });
  await signedPage.waitForURL("**/settings/tokens");
  return { context: signedContext, page: signedPage };
}

beforeAll(async () => {
  database = await createTestDatabase();
  seeded = await database.use(seed);
  [server, browser] = await Promise.all([startServer({ database }), launchBrowser()]);
  ({ context, page } = await signedIn(seeded.admin.email));
}, 180_000);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
  await database?.drop();
}, 60_000);

test("from the name in the inventory to the token's page: its owner, fields, use, addresses, secrets and events, passing axe", async () => {
  await page.goto(ADMIN_TOKENS_PATH);
  await page.getByRole("link", { name: "Olive's deploy bot" }).click();
  await page.waitForURL(`**${adminTokenPath(seeded.guid)}`);
  await page.getByRole("heading", { level: 1, name: "Olive's deploy bot" }).waitFor();
  for (const name of ["Details", "Use", "Addresses", "Rotation history", "Events"]) await page.getByRole("heading", { level: 2, name }).waitFor();
  const main = page.getByRole("main");
  await main.getByText(`Owned by ${seeded.owner.email} (Olive Owner)`).waitFor();
  await main.getByText("List and view your API tokens").waitFor();
  await main.getByText("203.0.113.77").waitFor();
  await main.getByText("deploy-tool/3.0").waitFor();
  await main.getByText("Gateway: 3 answered, 0 refused").waitFor();
  await main.getByText("Rotated “Olive's deploy bot” with a 1-hour overlap").waitFor();
  // Said from the administrator's side: the owner acted, not "You".
  await expect(main.getByRole("row", { name: /Rotated “Olive's deploy bot”/ }).getByRole("cell").nth(1).textContent()).resolves.toBe(seeded.owner.email);
  await page.getByRole("img", { name: /^Requests per hour over the last 7 days: 12 answered, 1 refused for a missing scope, 2 refused for the rate limit/ }).waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  const toLog = main.getByRole("link", { name: "All of its events in the audit log" });
  expect(await toLog.getAttribute("href")).toBe(`/admin/audit-log?token=${seeded.guid}`);
  await page.screenshot({ path: path.join(SCREENSHOTS, "admin-token-page.png"), fullPage: true });
});

test("the chart's table holds exactly its bars, hourly and daily", async () => {
  await page.goto(adminTokenPath(seeded.guid));
  const hourly = page.getByRole("figure");
  await hourly.getByText("Show the numbers as a table").click();
  const hours = await chartAndTable(hourly);
  expect(hours.bars).toHaveLength(168);
  expect(hours.table).toEqual(hours.bars);
  expect(hours.bars.find((b) => Date.parse(b.start) === SEEDED_HOUR - 2 * HOUR)).toMatchObject({ answered: 12, refusedScope: 1, refusedRate: 2 });

  await page.getByRole("link", { name: "Last 90 days (daily)" }).click();
  await page.waitForURL("**?usage=daily#usage");
  await page.getByRole("img", { name: /^Requests per day over the last 90 days/ }).waitFor();
  const daily = page.getByRole("figure");
  await daily.getByText("Show the numbers as a table").click();
  const days = await chartAndTable(daily);
  expect(days.bars).toHaveLength(90);
  expect(days.table).toEqual(days.bars);
  expect(days.bars.reduce((n, b) => n + b.answered, 0)).toBe(12 + 40);
});

test("at phone width it does not scroll sideways and passes axe", async () => {
  const phone = await signedIn(seeded.admin.email, { width: 390, height: 844 });
  try {
    await phone.page.goto(adminTokenPath(seeded.guid));
    await phone.page.getByRole("heading", { level: 1, name: "Olive's deploy bot" }).waitFor();
    await phone.page.getByRole("figure").getByText("Show the numbers as a table").click();
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth)).toBe(false);
    expect(await seriousViolations(phone.page)).toEqual([]);
  } finally {
    await phone.context.close();
  }
});

test("an unknown, a malformed and a deleted token are the 404 page", async () => {
  for (const guid of ["00000000-0000-4000-8000-000000000000", "not-a-guid", seeded.deleted]) {
    const response = await page.goto(adminTokenPath(guid));
    expect({ guid, status: response?.status() }).toEqual({ guid, status: 404 });
    await page.getByRole("heading", { level: 1, name: "This page does not exist" }).waitFor();
  }
});

test("for its owner, who is not an administrator, the page does not exist", async () => {
  const owner = await signedIn(seeded.owner.email);
  try {
    const response = await owner.page.goto(adminTokenPath(seeded.guid));
    expect(response?.status()).toBe(404);
    expect(await owner.page.content()).not.toContain("203.0.113.77");
  } finally {
    await owner.context.close();
  }
});
