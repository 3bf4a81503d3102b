import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { recordEvent } from "@/lib/audit/events";
import { prisma } from "@/lib/db";
import { createToken, deleteToken, revokeToken } from "@/lib/tokens/service";
import { newContext, useSeededAppInBrowser, seriousViolations, chartAndTable } from "@/tests/helpers/browser";
import { createUser } from "@/tests/helpers/users";

jest.setTimeout(120_000);

/**
 * A token's page (/settings/tokens/{guid}): reached from its name in the list, every section shown,
 * the chart's table holding exactly the chart's bars, at desktop and phone width with axe; and a
 * 404 for anyone else's token, a malformed GUID and a deleted one. Usage, addresses, secrets and
 * events are inserted as rows, as their writers (the usage counter, the token service) leave them.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? path.resolve(__dirname, "../../docs/screenshots") : mkdtempSync(path.join(tmpdir(), "tollgate-screenshots-"));

const HOUR = 3600_000;
// Seeded relative to the hour the seed ran in; the test finds each bucket by its start, so an hour turning over mid-test moves nothing.
const SEEDED_HOUR = Math.floor(Date.now() / HOUR) * HOUR;
const USES = [
  { hoursAgo: 0, answered: 5, refusedScope: 1, refusedRate: 0 },
  { hoursAgo: 3, answered: 12, refusedScope: 0, refusedRate: 2 },
  { hoursAgo: 30, answered: 7, refusedScope: 2, refusedRate: 0 },
  // Beyond the hourly window: in the daily chart only.
  { hoursAgo: 24 * 20, answered: 40, refusedScope: 0, refusedRate: 0 },
];
const seeded: { guid: string; others: string; deleted: string; gateway: string } = { guid: "", others: "", deleted: "", gateway: "" };

const app = useSeededAppInBrowser(async () => {
  const user = await createUser({ name: "Ada Lovelace", scopes: ["tokens:read", "tokens:write", "tokens:introspect"] });
  const { token } = await createToken(user.id, {
    name: "Deploy bot",
    description: "Deploys main to production",
    scopes: ["tokens:read", "tokens:write"],
  });
  const gateway = await createToken(user.id, { name: "Gateway", scopes: ["tokens:introspect"] });
  const old = await createToken(user.id, { name: "Old script", scopes: ["tokens:read"] });
  await revokeToken(user.id, old.token.guid);
  const deleted = await createToken(user.id, { name: "Deleted one", scopes: ["tokens:read"] });
  await deleteToken(user.id, deleted.token.guid);
  const someoneElse = await createUser({ name: "Grace", scopes: ["tokens:read"] });
  const theirs = await createToken(someoneElse.id, { name: "Grace's secret token", scopes: ["tokens:read"] });

  const db = await prisma();
  await db.tokenUsage.createMany({
    data: USES.map(({ hoursAgo, ...counts }) => ({ tokenGuid: token.guid, hour: new Date(SEEDED_HOUR - hoursAgo * HOUR), source: "", ...counts })),
  });
  await db.tokenUsage.create({ data: { tokenGuid: token.guid, hour: new Date(SEEDED_HOUR - HOUR), source: gateway.token.guid, answered: 4 } });
  const now = Date.now();
  await db.tokenAddress.createMany({
    data: [
      { tokenGuid: token.guid, ip: "203.0.113.9", firstSeenAt: new Date(now - 40 * HOUR), lastSeenAt: new Date(now - HOUR), uses: 19, userAgent: "deploy-tool/2.1" },
      { tokenGuid: token.guid, ip: "2001:db8::42", firstSeenAt: new Date(now - 30 * HOUR), lastSeenAt: new Date(now - 3 * HOUR), uses: 14, userAgent: "curl/8.5.0" },
    ],
  });
  await db.tokenSecretHistory.deleteMany({ where: { tokenGuid: token.guid } });
  await db.tokenSecretHistory.createMany({
    data: [
      { tokenGuid: token.guid, partial: "tgp_Old1…AAAA", issuedAt: new Date(now - 50 * HOUR), stoppedAt: new Date(now - 20 * HOUR) },
      { tokenGuid: token.guid, partial: token.partial, issuedAt: new Date(now - 20 * HOUR), stoppedAt: null },
    ],
  });
  await recordEvent(
    db,
    { kind: "person", userId: user.id, client: { address: "198.51.100.7", key: "198.51.100.7", userAgent: "Firefox" } },
    { action: "token.rotated", targetUser: user.id, targetToken: token.guid, details: { name: token.name, overlapSeconds: 0 } },
    new Date(now - 20 * HOUR),
  );
  // Someone else's event about their own token is not on this page.
  await recordEvent(db, { kind: "person", userId: someoneElse.id }, { action: "token.created", targetUser: someoneElse.id, targetToken: theirs.token.guid, details: { name: "x" } });
  Object.assign(seeded, { guid: token.guid, others: theirs.token.guid, deleted: deleted.token.guid, gateway: gateway.token.guid });
  return user;
});

const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

test("the name in the list opens the token's page, with every section, passing axe", async () => {
  const { page } = app;
  await page.goto("/settings/tokens");
  // By keyboard: the name is a link like any other.
  await page.getByRole("row", { name: /^Deploy bot/ }).getByRole("link", { name: "Deploy bot" }).focus();
  await page.keyboard.press("Enter");
  await page.waitForURL(`**/settings/tokens/${seeded.guid}`);
  await page.getByRole("heading", { level: 1, name: "Deploy bot" }).waitFor();
  for (const name of ["Details", "Use", "Addresses", "Rotation history", "Events"]) {
    await page.getByRole("heading", { level: 2, name }).waitFor();
  }
  const main = page.getByRole("main");
  await main.getByText("Deploys main to production").waitFor();
  await main.getByText("List and view your API tokens").waitFor(); // tokens:read, with its description
  await main.getByText("Active", { exact: true }).waitFor();
  await main.getByText("203.0.113.9").waitFor();
  await main.getByText("19 uses;", { exact: false }).waitFor();
  await main.getByText("curl/8.5.0").waitFor();
  await main.getByText("tgp_Old1…AAAA").waitFor();
  await main.getByText("Rotated “Deploy bot”; the previous secret stopped at once").waitFor();
  await main.getByText("Gateway: 4 answered, 0 refused").waitFor();
  expect(await main.getByText("Grace's secret token").count()).toBe(0);
  // The hourly chart is the default; the last 7 days' uses are in its words.
  await expect(page.getByRole("link", { name: "Last 7 days (hourly)" }).getAttribute("aria-current")).resolves.toBe("page");
  await page.getByRole("img", { name: /^Requests per hour over the last 7 days: 28 answered, 3 refused for a missing scope, 2 refused/ }).waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(SCREENSHOTS, "token-page.png"), fullPage: true });
});

test("the chart's table holds exactly the chart's bars, hourly and daily", async () => {
  const { page } = app;
  await page.goto(`/settings/tokens/${seeded.guid}`);
  const hourly = page.getByRole("figure");
  await hourly.getByText("Show the numbers as a table").click();
  const { bars, table } = await chartAndTable(hourly);
  expect(bars).toHaveLength(168);
  expect(table).toEqual(bars);
  const at = (hoursAgo: number) => bars.find((b) => Date.parse(b.start) === SEEDED_HOUR - hoursAgo * HOUR);
  expect(at(3)).toEqual({ start: new Date(SEEDED_HOUR - 3 * HOUR).toISOString(), answered: 12, refusedScope: 0, refusedRate: 2 });
  // The gateway's introspection counts as a use of the token.
  expect(at(1)).toMatchObject({ answered: 4 });
  expect(bars.reduce((n, b) => n + b.answered, 0)).toBe(5 + 12 + 7 + 4);
  expect(await seriousViolations(page)).toEqual([]);

  await page.getByRole("link", { name: "Last 90 days (daily)" }).click();
  await page.waitForURL("**?usage=daily#usage");
  const daily = page.getByRole("figure");
  await page.getByRole("img", { name: /^Requests per day over the last 90 days/ }).waitFor();
  await daily.getByText("Show the numbers as a table").click();
  const days = await chartAndTable(daily);
  expect(days.bars).toHaveLength(90);
  expect(days.table).toEqual(days.bars);
  expect(days.bars.reduce((n, b) => n + b.answered, 0)).toBe(5 + 12 + 7 + 4 + 40);
  await expect(page.getByRole("link", { name: "Last 90 days (daily)" }).getAttribute("aria-current")).resolves.toBe("page");
});

test("at phone width the page does not scroll sideways, and passes axe with the table open", async () => {
  const context = await newContext(app.browser, app.server.baseUrl, { width: 390, height: 844 });
  try {
    await context.addCookies(await app.context.cookies());
    const page = await context.newPage();
    await page.goto(`/settings/tokens/${seeded.guid}`);
    await page.getByRole("heading", { level: 1, name: "Deploy bot" }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    await page.getByRole("figure").getByText("Show the numbers as a table").click();
    expect(await scrollsSideways(page)).toBe(false);
    // Nor does the table scroll sideways in its own box: every column is in sight.
    const region = page.getByRole("region", { name: "Requests per hour: the numbers" });
    expect(await region.evaluate((el) => ({ sideways: el.scrollWidth > el.clientWidth }))).toEqual({ sideways: false });
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, "token-page-phone.png"), fullPage: true });
  } finally {
    await context.close();
  }
});

test("another user's token, a malformed GUID and a deleted token are the 404 page, showing nothing of them", async () => {
  const { page } = app;
  for (const guid of [seeded.others, "not-a-guid", seeded.deleted, "00000000-0000-4000-8000-000000000000"]) {
    const response = await page.goto(`/settings/tokens/${guid}`);
    expect({ guid, status: response?.status() }).toEqual({ guid, status: 404 });
    await page.getByRole("heading", { level: 1, name: "This page does not exist" }).waitFor();
    expect(await page.content()).not.toContain("Grace's secret token");
  }
  expect(await seriousViolations(page)).toEqual([]);
});

test("signed out, the page sends to sign-in and back", async () => {
  const context = await newContext(app.browser, app.server.baseUrl);
  try {
    const page = await context.newPage();
    await page.goto(`/settings/tokens/${seeded.guid}`);
    await page.waitForURL("**/signin**");
    expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(`/settings/tokens/${seeded.guid}`);
    expect(await page.content()).not.toContain("Deploy bot");
  } finally {
    await context.close();
  }
});
