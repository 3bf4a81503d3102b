import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { prisma } from "@/lib/db";
import { expiringMessage, leakedMessage, passwordChangedMessage, revokedByAdminMessage } from "@/lib/notifications/messages";
import { notify } from "@/lib/notifications/notify";
import { createToken, revokeToken } from "@/lib/tokens/service";
import { newContext, putSecretAway, signIn, useSeededAppInBrowser, seriousViolations } from "@/tests/helpers/browser";
import { createUser, TEST_PASSWORD } from "@/tests/helpers/users";

jest.setTimeout(120_000);

/**
 * The in-app side of the lifecycle: the header's bell and its count, the notifications page (read
 * and unread, opening one, mark all, pages, the empty state), the token list's banner of tokens
 * expiring within 7 days, the mails' two links (?rotate=1, ?similar=) and the new-address setting.
 * Everything is seeded before the server starts; the clock is the real one, so nothing below
 * compares a formatted date.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? path.resolve(__dirname, "../../docs/screenshots") : mkdtempSync(path.join(tmpdir(), "tollgate-screenshots-"));

const DAY = 86_400_000;
const NOTICES = 23;
const seeded = { deploy: "", revoked: "", backup: "", custom: "", graces: "", grace: "", soon: [] as string[] };

const app = useSeededAppInBrowser(async () => {
  const db = await prisma();
  const ada = await createUser({ name: "Ada Lovelace", scopes: ["tokens:read", "tokens:write"] });
  const now = new Date();
  const create = async (name: string, validTo: Date | null, extra: { description?: string; scopes?: string[] } = {}) =>
    (await createToken(ada.id, { name, description: extra.description ?? "", scopes: extra.scopes ?? ["tokens:read"], validFrom: now.toISOString(), validTo: validTo?.toISOString() ?? null }, now)).token;

  const deploy = await create("Deploy bot", new Date(now.getTime() + 60 * DAY));
  const revoked = await create("Retired script", null);
  await revokeToken(ada.id, revoked.guid, now);
  const backup = await create("Nightly backup", new Date(now.getTime() + 90 * DAY), { description: "Backs up the database", scopes: ["tokens:read", "tokens:write"] });
  const custom = await create("Odd lifetime", new Date(now.getTime() + 45 * DAY));
  // Seven expire within 7 days (the banner names five), one just after.
  const soon = [];
  for (let i = 1; i <= 7; i++) soon.push((await create(`Soon ${i}`, new Date(now.getTime() + i * DAY - 3_600_000))).guid);
  await create("Later", new Date(now.getTime() + 8 * DAY));
  // Withdrawn since the backup token was made: the similar token may not have it.
  await db.userScope.deleteMany({ where: { userId: ada.id, scopeName: "tokens:write" } });

  // 23 notices a minute apart, the newest first on the page: two read, the rest unread.
  const messages = [
    expiringMessage({ guid: deploy.guid, name: "Deploy bot" }, 7, new Date(now.getTime() + 7 * DAY)),
    revokedByAdminMessage({ guid: revoked.guid, name: "Retired script" }, "Left the company's CI"),
    leakedMessage({ guid: revoked.guid, name: "Retired script" }, "https://github.com/example/repo"),
    passwordChangedMessage(new Date(now.getTime() - DAY)),
  ];
  for (let i = 0; i < NOTICES; i++) {
    const message = i === NOTICES - 1 ? messages[0]! : messages[i % messages.length]!;
    await db.$transaction((tx) => notify(tx, ada, { ...message, title: i === NOTICES - 1 ? message.title : `${message.title} (#${i})` }, { mail: false }, new Date(now.getTime() - (NOTICES - i) * 60_000)));
  }
  const oldest = await db.notification.findMany({ where: { userId: ada.id }, orderBy: { createdAt: "asc" }, take: 2 });
  await db.notification.updateMany({ where: { id: { in: oldest.map((n) => n.id) } }, data: { readAt: now } });

  const grace = await createUser({ name: "Grace Hopper", scopes: ["tokens:read"] });
  const graces = (await createToken(grace.id, { name: "Grace's private token", description: "Grace only", scopes: ["tokens:read"] })).token;
  Object.assign(seeded, { deploy: deploy.guid, revoked: revoked.guid, backup: backup.guid, custom: custom.guid, graces: graces.guid, grace: grace.email, soon });
  return ada;
});

const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
const bell = (page: Page) => page.getByRole("banner").getByRole("link", { name: /^Notifications,/ });
const bellName = async (page: Page) => (await bell(page).getAttribute("aria-label")) ?? "";
/** Each notice on the page as a reader sees it: its title and whether it says "Unread". Waits for the list first: evaluateAll does not. */
async function listed(page: Page) {
  const items = page.getByRole("list", { name: "Notifications, newest first" }).getByRole("listitem");
  await items.first().waitFor();
  return items.evaluateAll((all) => all.map((li) => ({ title: li.querySelector("h2")!.textContent, unread: li.textContent!.includes("Unread") })));
}

test("signed out, the notifications page sends to sign-in and back", async () => {
  const context = await newContext(app.browser, app.server.baseUrl);
  try {
    const page = await context.newPage();
    await page.goto("/settings/notifications");
    await page.waitForURL("**/signin**");
    expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe("/settings/notifications");
    expect(await page.content()).not.toContain("Deploy bot");
  } finally {
    await context.close();
  }
});

test("the bell counts the unread notices and leads to the page: newest first, unread said in words, in pages, passing axe", async () => {
  const { page } = app;
  await page.goto("/settings/tokens");
  expect(await bellName(page)).toBe(`Notifications, ${NOTICES - 2} unread`);
  expect(await page.getByTestId("unread-badge").textContent()).toBe(String(NOTICES - 2));
  await bell(page).click();
  await page.waitForURL("**/settings/notifications");
  await page.getByRole("heading", { level: 1, name: "Notifications" }).waitFor();
  await page.getByText(`${NOTICES - 2} unread of ${NOTICES}. Newest first.`).waitFor();

  const first = await listed(page);
  expect(first).toHaveLength(20);
  expect(first[0]).toEqual({ title: "Your token “Deploy bot” expires in 7 days", unread: true });
  expect(first.map((n) => n.title).slice(1, 4)).toEqual([
    "An administrator revoked your token “Retired script” (#21)",
    "Your token “Deploy bot” expires in 7 days (#20)",
    "Your password was changed (#19)",
  ]);
  await page.getByText("The reason given: Left the company's CI It no longer works.").first().waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(SCREENSHOTS, "notifications.png"), fullPage: true });

  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Next" }).click();
  await page.waitForURL("**/settings/notifications?page=2");
  await page.getByRole("list", { name: "Notifications, newest first" }).getByRole("listitem").nth(2).waitFor();
  expect(await listed(page)).toEqual([
    { title: "Your token “Retired script” was reported as leaked and revoked (#2)", unread: true },
    { title: "An administrator revoked your token “Retired script” (#1)", unread: false },
    { title: "Your token “Deploy bot” expires in 7 days (#0)", unread: false },
  ]);
  expect(await seriousViolations(page)).toEqual([]);
});

test("opening a notice marks it read and goes where it leads; the bell counts one fewer", async () => {
  const { page } = app;
  await page.goto("/settings/notifications");
  await page.getByRole("link", { name: "Your token “Deploy bot” expires in 7 days", exact: true }).click();
  await page.waitForURL(`**/settings/tokens/${seeded.deploy}`);
  await page.getByRole("heading", { level: 1, name: "Deploy bot" }).waitFor();
  await page.reload();
  expect(await bellName(page)).toBe(`Notifications, ${NOTICES - 3} unread`);
  await page.goto("/settings/notifications");
  expect((await listed(page))[0]).toEqual({ title: "Your token “Deploy bot” expires in 7 days", unread: false });
});

test("at phone width the page does not scroll sideways and passes axe", async () => {
  const context = await newContext(app.browser, app.server.baseUrl, { width: 390, height: 844 });
  try {
    await context.addCookies(await app.context.cookies());
    const page = await context.newPage();
    await page.goto("/settings/notifications");
    await page.getByRole("heading", { level: 1, name: "Notifications" }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    expect(await bell(page).boundingBox()).toMatchObject({ width: 40, height: 40 });
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto("/settings/tokens");
    await page.getByRole("region", { name: /tokens expire within 7 days/ }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
  } finally {
    await context.close();
  }
});

test("Mark all as read empties the count on every page, and the bell says so at once", async () => {
  const { page } = app;
  await page.goto("/settings/notifications?page=2");
  await page.getByRole("button", { name: "Mark all as read" }).click();
  await page.getByText(`None unread of ${NOTICES}. Newest first.`).waitFor();
  await page.waitForFunction(() => document.querySelector('header a[aria-label^="Notifications,"]')?.getAttribute("aria-label") === "Notifications, none unread");
  expect(await page.getByTestId("unread-badge").count()).toBe(0);
  expect((await listed(page)).some((n) => n.unread)).toBe(false);
  await expect(page.getByRole("button", { name: "Mark all as read" }).isDisabled()).resolves.toBe(true);
  await page.goto("/settings/notifications");
  expect((await listed(page)).some((n) => n.unread)).toBe(false);
});

test("someone with no notices sees the empty state, and nothing of anyone else's", async () => {
  const context = await newContext(app.browser, app.server.baseUrl);
  try {
    const page = await context.newPage();
    await page.goto("/signin?callbackUrl=%2Fsettings%2Fnotifications");
    await signIn(page, { email: seeded.grace, password: TEST_PASSWORD });
    await page.waitForURL("**/settings/notifications");
    await page.getByRole("heading", { level: 2, name: "No notifications yet" }).waitFor();
    expect(await bellName(page)).toBe("Notifications, none unread");
    expect(await page.content()).not.toContain("Deploy bot");
    expect(await page.getByRole("button", { name: "Mark all as read" }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    // Ada's banner is hers: Grace's token list has none.
    await page.goto("/settings/tokens");
    await page.getByRole("heading", { level: 1, name: "API tokens" }).waitFor();
    expect(await page.getByRole("region", { name: /expires? within 7 days/ }).count()).toBe(0);
  } finally {
    await context.close();
  }
});

test("the token list names the active tokens expiring within 7 days, soonest first, five of them and the count of the rest", async () => {
  const { page } = app;
  await page.goto("/settings/tokens");
  const banner = page.getByRole("region", { name: "7 tokens expire within 7 days" });
  await banner.waitFor();
  const links = await banner.getByRole("listitem").getByRole("link").evaluateAll((as) => as.map((a) => ({ name: a.textContent, href: a.getAttribute("href") })));
  expect(links).toEqual(seeded.soon.slice(0, 5).map((guid, i) => ({ name: `Soon ${i + 1}`, href: `/settings/tokens/${guid}` })));
  const more = banner.getByRole("link", { name: "and 2 more" });
  expect(await more.getAttribute("href")).toBe("/settings/tokens?status=active&sort=expires&order=asc");
  expect(await seriousViolations(page)).toEqual([]);
  await banner.getByRole("link", { name: "Soon 1" }).click();
  await page.waitForURL(`**/settings/tokens/${seeded.soon[0]}`);
  await page.goBack();
  await more.click();
  await page.waitForURL("**/settings/tokens?status=active&sort=expires&order=asc");
  await page.getByRole("table").waitFor();
  const names = await page.getByRole("table").locator("tbody th[scope=row] > span").allTextContents();
  expect(names.slice(0, 8)).toEqual(["Soon 1", "Soon 2", "Soon 3", "Soon 4", "Soon 5", "Soon 6", "Soon 7", "Later"]);
});

test("a mail's Rotate link opens the token's rotate dialog on arrival, once; for a revoked token the page just shows", async () => {
  const { page } = app;
  await page.goto(`/settings/tokens/${seeded.deploy}?rotate=1`);
  const dialog = page.getByRole("dialog", { name: "Rotate “Deploy bot”" });
  await dialog.waitFor();
  expect(new URL(page.url()).search).toBe("");
  expect(await seriousViolations(page)).toEqual([]);
  await dialog.getByRole("button", { name: "Rotate secret" }).click();
  const secret = page.getByRole("dialog", { name: "New secret" });
  expect(await secret.getByLabel("Secret").inputValue()).toMatch(/^tgp_/);
  await putSecretAway(secret);
  await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Rotate");
  // The page refreshed: its history has the rotation.
  await page.getByRole("main").getByText("Rotated “Deploy bot”; the previous secret stopped at once").waitFor();
  await page.reload();
  await page.getByRole("heading", { level: 1, name: "Deploy bot" }).waitFor();
  await page.waitForLoadState("networkidle");
  expect(new URL(page.url()).search).toBe("");
  expect(await page.getByRole("dialog").count()).toBe(0);

  await page.goto(`/settings/tokens/${seeded.revoked}?rotate=1`);
  await page.getByRole("heading", { level: 1, name: "Retired script" }).waitFor();
  await page.waitForLoadState("networkidle");
  expect(await page.getByRole("dialog").count()).toBe(0);
  expect(await page.getByRole("button", { name: "Rotate" }).count()).toBe(0);
  // No error in the page (Next's route announcer, outside main, is an alert region of its own).
  expect(await page.getByRole("main").getByRole("alert").count()).toBe(0);
});

test("a mail's 'Create a similar token' link opens the new-token dialog filled in like the token; another's GUID opens nothing", async () => {
  const { page } = app;
  await page.goto(`/settings/tokens?similar=${seeded.backup}`);
  const dialog = page.getByRole("dialog", { name: "New API token" });
  await dialog.waitFor();
  expect(new URL(page.url()).search).toBe("");
  const fields = {
    name: await dialog.getByLabel(/^Name/).inputValue(),
    description: await dialog.getByLabel(/^Description/).inputValue(),
    read: await dialog.getByRole("checkbox", { name: /^tokens:read/ }).isChecked(),
    // Withdrawn from Ada since: not offered, so not chosen.
    write: await dialog.getByRole("checkbox", { name: /^tokens:write/ }).count(),
    expiry: await dialog.getByLabel("Expires after").inputValue(),
  };
  expect(fields).toEqual({ name: "Nightly backup (new)", description: "Backs up the database", read: true, write: 0, expiry: "90d" });
  expect(await seriousViolations(page)).toEqual([]);
  await dialog.getByRole("button", { name: "Create token" }).click();
  await putSecretAway(page.getByRole("dialog", { name: "Your new token" }));
  await page.getByRole("row", { name: /^Nightly backup \(new\)/ }).waitFor();

  // A lifetime that is no preset: a date as far from now.
  await page.goto(`/settings/tokens?similar=${seeded.custom}`);
  const custom = page.getByRole("dialog", { name: "New API token" });
  await custom.waitFor();
  expect(await custom.getByLabel("Expires after").inputValue()).toBe("custom");
  const end = await custom.getByLabel("Valid to").evaluate((input: HTMLInputElement) => new Date(input.value).getTime());
  expect(Math.abs(end - (Date.now() + 45 * DAY))).toBeLessThan(5 * 60_000);
  await custom.getByRole("button", { name: "Cancel" }).click();
  // The parameter left the address: a reload shows the list alone.
  await page.reload();
  await page.getByRole("heading", { level: 1, name: "API tokens" }).waitFor();
  await page.waitForLoadState("networkidle");
  expect(await page.getByRole("dialog").count()).toBe(0);

  // Someone else's token, or none: the list shows, no dialog, nothing of it.
  for (const guid of [seeded.graces, "not-a-guid", "00000000-0000-4000-8000-000000000000"]) {
    await page.goto(`/settings/tokens?similar=${guid}`);
    await page.getByRole("heading", { level: 1, name: "API tokens" }).waitFor();
    await page.waitForLoadState("networkidle");
    expect({ guid, dialogs: await page.getByRole("dialog").count() }).toEqual({ guid, dialogs: 0 });
    const html = await page.content();
    expect(html).not.toContain("Grace");
  }
});

test("the new-address mail setting: off by default, saved at once, kept, and in the security log", async () => {
  const { page } = app;
  await page.goto("/settings");
  const box = page.getByRole("checkbox", { name: "Mail me when one of my tokens is used from an address it has not been used from before" });
  expect(await box.isChecked()).toBe(false);
  expect(await seriousViolations(page)).toEqual([]);
  await box.check();
  await page.getByText("You will be mailed when a token is used from a new address.").waitFor();
  await page.reload();
  expect(await box.isChecked()).toBe(true);
  await box.uncheck();
  await page.getByText("You will no longer be mailed about new addresses.").waitFor();
  await page.reload();
  expect(await box.isChecked()).toBe(false);
  await page.goto("/settings/security-log");
  await page.getByText("Turned off mail when a token is used from a new address").waitFor();
  await page.getByText("Turned on mail when a token is used from a new address").waitFor();
});
