import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { newAccount, newContext, signIn, signUp, useAppInBrowser, type Account, seriousViolations } from "@/tests/helpers/browser";
import { expectFocusOn, tabTo } from "@/tests/helpers/focus";

jest.setTimeout(180_000);

/** The account page's sessions and password, as a person meets them in Chromium. */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? path.resolve(__dirname, "../../docs/screenshots") : mkdtempSync(path.join(tmpdir(), "tollgate-screenshots-"));

const app = useAppInBrowser();
const contexts: BrowserContext[] = [];
afterAll(() => Promise.all(contexts.map((c) => c.close())));

async function browserSignedIn(account: Account): Promise<Page> {
  const context = await newContext(app.browser, app.server.baseUrl);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto("/signin?callbackUrl=%2Fsettings%2Ftokens");
  await signIn(page, account);
  await page.waitForURL("**/settings/tokens");
  return page;
}

/** Where a page in this browser ends up when it asks for the token page. */
async function landsOn(page: Page): Promise<string> {
  await page.goto("/settings/tokens");
  await page.waitForLoadState("networkidle");
  return new URL(page.url()).pathname;
}

const sessionRows = (page: Page) => page.getByRole("list", { name: "Your sessions" }).getByRole("listitem");

/** Waits (a few seconds at most: the list refreshes after an action) until the page lists `n` sessions. */
async function expectSessionCount(page: Page, n: number): Promise<void> {
  await page.getByRole("list", { name: "Your sessions" }).waitFor();
  const deadline = Date.now() + 5_000;
  while ((await sessionRows(page).count()) !== n && Date.now() < deadline) await page.waitForTimeout(50);
  expect(await sessionRows(page).count()).toBe(n);
}

let account: Account;
let here: Page;

beforeAll(async () => {
  account = newAccount("sessions");
  const context = await newContext(app.browser, app.server.baseUrl);
  contexts.push(context);
  here = await context.newPage();
  await signUp(here, account);
});

test("the account page lists both sessions, this one marked, and one is signed out with the keyboard", async () => {
  const elsewhere = await browserSignedIn(account);
  await here.goto("/settings");
  await expectSessionCount(here, 2);
  const current = sessionRows(here).filter({ hasText: "This session" });
  await expect(current.count()).resolves.toBe(1);
  await expect(current.textContent()).resolves.toMatch(/Chrome on Linux.*127\.0\.0\.1 · Signed in .* · Last seen/);
  expect(await seriousViolations(here)).toEqual([]);
  await here.screenshot({ path: path.join(SCREENSHOTS, "account-sessions.png"), fullPage: true });

  // Keyboard only: reach the other session's button, open the confirmation, back out, then confirm.
  await tabTo(here, "Sign out Chrome on Linux, 127.0.0.1");
  await here.keyboard.press("Enter");
  const dialog = here.getByRole("alertdialog", { name: "Sign out Chrome on Linux?" });
  await dialog.waitFor();
  expect(await seriousViolations(here)).toEqual([]);
  await here.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  await expectFocusOn(here, "Sign out Chrome on Linux, 127.0.0.1");
  await here.keyboard.press("Enter");
  await dialog.getByRole("button", { name: "Sign out session" }).click();
  await here.getByText("Signed out Chrome on Linux.").waitFor();
  await expectFocusOn(here, "Sessions");
  await expectSessionCount(here, 1);

  expect(await landsOn(elsewhere)).toBe("/signin");
  expect(await landsOn(here)).toBe("/settings/tokens");
});

test("signing out of all other sessions ends them and keeps this one", async () => {
  const [second, third] = [await browserSignedIn(account), await browserSignedIn(account)];
  await here.goto("/settings");
  await expectSessionCount(here, 3);
  await here.getByRole("button", { name: "Sign out of all other sessions" }).click();
  const dialog = here.getByRole("alertdialog", { name: "Sign out of all other sessions?" });
  await dialog.getByText("The 2 other sessions are signed out at once.").waitFor();
  await dialog.getByRole("button", { name: "Sign out other sessions" }).click();
  await here.getByText("Signed out 2 other sessions.").waitFor();
  await expectFocusOn(here, "Sessions");
  await expectSessionCount(here, 1);
  await expect(here.getByRole("button", { name: "Sign out of all other sessions" }).count()).resolves.toBe(0);
  expect(await landsOn(second)).toBe("/signin");
  expect(await landsOn(third)).toBe("/signin");
  expect(await landsOn(here)).toBe("/settings/tokens");
});

test("change password: a wrong current password is named on its field; success keeps this session and ends the others", async () => {
  const elsewhere = await browserSignedIn(account);
  await here.goto("/settings");
  const form = here.getByRole("form", { name: "Change password" });
  await form.getByLabel("Current password").fill("not the password at all");
  await form.getByLabel("New password", { exact: true }).fill("a brand new passphrase");
  await form.getByLabel("Repeat new password").fill("a brand new passphrase");
  await form.getByRole("button", { name: "Change password" }).click();
  await form.getByText("That is not your current password.").waitFor();
  await expectFocusOn(here, "Current password");
  await expect(form.getByLabel("Current password").getAttribute("aria-invalid")).resolves.toBe("true");
  expect(await seriousViolations(here)).toEqual([]);

  await form.getByLabel("Current password").fill(account.password);
  await form.getByRole("button", { name: "Change password" }).click();
  await here.getByText("Password changed. Every other session has been signed out.").waitFor();
  expect(await landsOn(elsewhere)).toBe("/signin");
  expect(await landsOn(here)).toBe("/settings/tokens");
  account = { ...account, password: "a brand new passphrase" };
});

test("a cookie copied before signing out opens nothing afterwards", async () => {
  const stolen = await here.context().cookies();
  await here.goto("/settings/tokens");
  await here.getByRole("button", { name: "Sign out" }).click();
  await here.waitForURL("**/signin**");

  const attacker = await newContext(app.browser, app.server.baseUrl);
  contexts.push(attacker);
  await attacker.addCookies(stolen);
  const page = await attacker.newPage();
  expect(await landsOn(page)).toBe("/signin");
  await page.goto("/settings");
  await page.waitForURL("**/signin**");
  await page.getByRole("form", { name: "Sign in" }).waitFor();
});
