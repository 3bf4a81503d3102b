import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { startServer, type TestServer } from "@/tests/helpers/server";
import { launchBrowser, newAccount, newContext, putSecretAway, readClipboard, rowAction, rowMenuItem, signUp } from "@/tests/helpers/browser";

jest.setTimeout(120_000);

/**
 * One person's whole day with a token, in the order a new user meets it: from the settings page to
 * the create dialog (GUID, dates), the secret copied through the real clipboard and used against
 * the API, then edit, rotate, revoke and delete. The tests share one browser page and run in order.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Cells of a token row (the name is the row header, not a cell). */
const DAY = 24 * 60 * 60_000;
const CELL = { partial: 0, guid: 1, scopes: 2, lastUsed: 4, expires: 6, status: 7 } as const;

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let secret = "";
let guid = "";

beforeAll(async () => {
  // Usage is written in batches; a short interval lets "last used" show up within the test.
  [server, browser] = await Promise.all([startServer({ env: { USAGE_FLUSH_SECONDS: "1" } }), launchBrowser()]);
  context = await newContext(browser, server.baseUrl);
  await context.grantPermissions(["clipboard-write"], { origin: server.baseUrl });
  page = await context.newPage();
  await signUp(page, newAccount("flows"));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

function me(token: string): Promise<Response> {
  return fetch(`${server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
}

/** Waits (briefly: Radix moves focus just after a dialog unmounts) until `describe` names the focused element, and returns that name. */
async function focusSettles(describe: () => string | null | undefined): Promise<string | null | undefined> {
  return page
    .waitForFunction(describe, undefined, { timeout: 5_000 })
    .then(() => page.evaluate(describe), () => page.evaluate(describe));
}

function clipboard(): Promise<string> {
  return readClipboard(page);
}

/** An instant's date in the page's locale (en-GB, UTC: see newContext), as the list shows dates. */
function dateShown(ms: number): string {
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(ms);
}

function row(name: string): Locator {
  return page.getByRole("row", { name: new RegExp(`^${name}(\\s|$)`) });
}

/** A `datetime-local` value `minutes` from now, in the page's time zone (UTC). */
function localInput(minutesFromNow: number): string {
  return new Date(Date.now() + minutesFromNow * 60_000).toISOString().slice(0, 16);
}

test("the token page is reached from the settings page, and starts empty", async () => {
  await page.goto("/settings");
  await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "API tokens" }).click();
  await page.waitForURL("**/settings/tokens");
  await page.getByRole("heading", { level: 1, name: "API tokens" }).waitFor();
  expect(await page.getByRole("link", { name: "API tokens" }).getAttribute("aria-current")).toBe("page");
  await page.getByRole("heading", { name: "You have no API tokens yet" }).waitFor();
  expect(await page.getByRole("table").count()).toBe(0);
});

test("the create dialog: GUID copy and regenerate, dates in the past and in the wrong order refused", async () => {
  await page.getByRole("button", { name: "Create your first token" }).click();
  const dialog = page.getByRole("dialog", { name: "New API token" });
  const save = dialog.getByRole("button", { name: "Create token" });
  const guidField = dialog.getByLabel("GUID", { exact: true });
  await dialog.getByLabel(/^Name/).fill("CI deploy");
  await dialog.getByRole("checkbox", { name: /^tokens:read/ }).check();
  expect(await save.isEnabled()).toBe(true);

  // The GUID is proposed, copied to the real clipboard, and can be drawn again.
  const proposed = await guidField.inputValue();
  expect(proposed).toMatch(GUID);
  await dialog.getByRole("button", { name: "Copy GUID" }).click();
  await dialog.getByRole("button", { name: "Copied" }).waitFor();
  expect(await clipboard()).toBe(proposed);
  await dialog.getByRole("button", { name: "Regenerate GUID" }).click();
  guid = await guidField.inputValue();
  expect(guid).toMatch(GUID);
  expect(guid).not.toBe(proposed);

  // Past dates are not offered by the pickers, and one typed in anyway is refused.
  const validFrom = dialog.getByLabel(/^Valid from/);
  await dialog.getByLabel("Expires after").selectOption("custom");
  const validTo = dialog.getByLabel(/^Valid to/);
  expect((await validFrom.getAttribute("min"))! >= localInput(-1)).toBe(true);
  expect((await validTo.getAttribute("min"))! >= localInput(-1)).toBe(true);
  await validFrom.fill(localInput(-24 * 60));
  await dialog.getByText("Valid from cannot be in the past.").waitFor();
  expect(await validFrom.getAttribute("aria-invalid")).toBe("true");
  expect(await save.isDisabled()).toBe(true);

  // Valid to before valid from is refused, with the reason next to the field.
  await validFrom.fill(localInput(3 * 24 * 60));
  await validTo.fill(localInput(2 * 24 * 60));
  const toError = await validTo.getAttribute("aria-describedby");
  const message = page.locator(`[id="${toError!.split(" ").at(-1)}"]`);
  await message.getByText("Valid to must be after valid from.").waitFor();
  expect(await validTo.getAttribute("aria-invalid")).toBe("true");
  expect(await save.isDisabled()).toBe(true);

  // Put right: starts now (empty), ends in thirty days.
  await validFrom.fill("");
  await validTo.fill(localInput(30 * 24 * 60));
  expect(await validTo.getAttribute("aria-invalid")).toBeNull();
  expect(await save.isEnabled()).toBe(true);
  await save.click();

  // The secret, once: copied through the real clipboard, with a visible confirmation.
  const secretDialog = page.getByRole("dialog", { name: "Your new token" });
  await secretDialog.getByRole("button", { name: "Copy secret" }).click();
  await secretDialog.getByRole("button", { name: "Copied" }).waitFor();
  secret = await clipboard();
  expect(secret).toMatch(/^tgp_[0-9A-Za-z]{36}$/);
  expect(await secretDialog.getByLabel("Secret").inputValue()).toBe(secret);
  await page.getByText("Token “CI deploy” created.").waitFor();
  await secretDialog.getByRole("button", { name: "Done" }).click();
  await secretDialog.waitFor({ state: "hidden" });
  // Focus goes back to where the person was, not to the top of the document.
  expect(await focusSettles(() => (document.activeElement?.textContent === "New token" ? "New token" : null))).toBe("New token");
});

test("after a reload only the partial token is left; the copied secret works and 'last used' follows", async () => {
  await page.reload();
  const created = row("CI deploy");
  await created.waitFor();
  expect(await page.content()).not.toContain(secret);
  expect(await created.getByRole("cell").nth(CELL.partial).textContent()).toBe(`${secret.slice(0, 8)}…${secret.slice(-4)}`);
  expect(await created.getByRole("cell").nth(CELL.guid).locator("code").getAttribute("title")).toBe(guid);
  expect(await created.getByRole("cell").nth(CELL.lastUsed).textContent()).toBe("Never");

  const response = await me(secret);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ token: { guid, name: "CI deploy", scopes: ["tokens:read"] } });

  const lastUsed = created.getByRole("cell").nth(CELL.lastUsed);
  const deadline = Date.now() + 20_000;
  while ((await lastUsed.textContent()) === "Never" && Date.now() < deadline) await page.reload();
  await lastUsed.getByText(/now|second|minute/i).first().waitFor();
  expect(await lastUsed.textContent()).toContain("127.0.0.1");
});

test("edit changes the name, description and scopes, and the secret keeps working", async () => {
  await row("CI deploy").getByRole("button", { name: "Edit CI deploy" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit token" });
  expect(await dialog.getByLabel("GUID", { exact: true }).inputValue()).toBe(guid);
  expect(await dialog.getByRole("button", { name: "Regenerate GUID" }).count()).toBe(0);
  await dialog.getByLabel(/^Name/).fill("CI deploy (staging)");
  await dialog.getByLabel(/^Description/).fill("Used by the staging pipeline");
  await dialog.getByRole("checkbox", { name: /^tokens:write/ }).check();
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.getByText("Token “CI deploy (staging)” saved.").waitFor();

  await page.reload();
  const edited = row("CI deploy \\(staging\\)");
  await edited.getByText("Used by the staging pipeline").waitFor();
  expect(await edited.getByRole("cell").nth(CELL.scopes).textContent()).toBe("tokens:readtokens:write");
  const response = await me(secret);
  expect(response.status).toBe(200);
  expect((await response.json()).token.scopes).toEqual(["tokens:read", "tokens:write"]);
});

test("rotate issues a new secret and the old one stops working", async () => {
  const name = "CI deploy (staging)";
  await rowAction(row("CI deploy \\(staging\\)"), "Rotate");
  const dialog = page.getByRole("dialog", { name: `Rotate “${name}”` });
  await dialog.getByRole("radio", { name: /^None/ }).check();
  // The end stays what it was: this token keeps the thirty days it was given.
  await dialog.getByLabel("Expires after").selectOption("custom");
  await dialog.getByLabel(/^Valid to/).fill(localInput(30 * 24 * 60));
  await dialog.getByRole("button", { name: "Rotate secret" }).click();
  const secretDialog = page.getByRole("dialog", { name: "New secret" });
  const rotated = await secretDialog.getByLabel("Secret").inputValue();
  expect(rotated).toMatch(/^tgp_[0-9A-Za-z]{36}$/);
  expect(rotated).not.toBe(secret);
  await page.getByText(`Token “${name}” rotated.`).waitFor();
  await putSecretAway(secretDialog);
  expect(await focusSettles(() => document.activeElement?.getAttribute("aria-label")?.startsWith("More actions for ") ? document.activeElement.getAttribute("aria-label") : null)).toBe(`More actions for ${name}`);

  expect((await me(secret)).status).toBe(401);
  expect((await me(rotated)).status).toBe(200);
  await row("CI deploy \\(staging\\)").getByRole("cell").nth(CELL.partial).getByText(`${rotated.slice(0, 8)}…${rotated.slice(-4)}`).waitFor();
  secret = rotated;
});

test("revoke asks first, then shows Inactive (Revoked), valid-to now, and Revoke disabled", async () => {
  const name = "CI deploy (staging)";
  const target = row("CI deploy \\(staging\\)");
  // Before: it expires in thirty days (compared as instants, so no calendar date can collide).
  const expiresAt = async () => Date.parse((await target.getByRole("cell").nth(CELL.expires).locator("time").getAttribute("datetime"))!);
  expect(await expiresAt()).toBeGreaterThan(Date.now() + 29 * DAY);

  await rowAction(target, "Revoke");
  const confirm = page.getByRole("alertdialog", { name: `Revoke “${name}”?` });
  // Cancelling changes nothing.
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await confirm.waitFor({ state: "hidden" });
  expect((await me(secret)).status).toBe(200);

  await rowAction(target, "Revoke");
  const revokedAfter = Date.now();
  await confirm.getByRole("button", { name: "Revoke token" }).click();
  await confirm.waitFor({ state: "hidden" });
  await page.getByText(`Token “${name}” revoked. It no longer works.`).waitFor();

  const status = target.getByRole("cell").nth(CELL.status);
  await status.getByText("Inactive", { exact: true }).waitFor();
  await status.getByText(/^Revoked/).waitFor();
  // Valid-to is now the moment of revocation, shown as that whole date.
  const expires = target.getByRole("cell").nth(CELL.expires);
  const revokedAt = await expiresAt();
  expect(revokedAt).toBeGreaterThanOrEqual(revokedAfter - 1_000);
  expect(revokedAt).toBeLessThanOrEqual(Date.now());
  expect(await expires.locator("time").textContent()).toBe(dateShown(revokedAt));
  expect(await expires.getByText("Revoked", { exact: true }).count()).toBe(1);
  // Focus did not fall to the top of the document when the Revoke button went disabled: it is on the row's Edit.
  expect(await focusSettles(() => (document.activeElement?.getAttribute("aria-label")?.startsWith("Edit ") ? document.activeElement.getAttribute("aria-label") : null))).toBe(`Edit ${name}`);
  expect((await me(secret)).status).toBe(401);
  // The menu now offers neither Revoke nor Rotate, and says why.
  const revoke = await rowMenuItem(target, "Revoke");
  expect(await revoke.getAttribute("aria-disabled")).toBe("true");
  const rotate = page.getByRole("menu").getByRole("menuitem", { name: "Rotate", exact: true });
  expect(await rotate.getAttribute("aria-disabled")).toBe("true");
  await rotate.getByText("A revoked token cannot be rotated. Create a new token instead.").waitFor();
  await page.keyboard.press("Escape");
});

test("delete asks first, and the token is gone", async () => {
  const name = "CI deploy (staging)";
  await rowAction(row("CI deploy \\(staging\\)"), "Delete");
  const confirm = page.getByRole("alertdialog", { name: `Delete “${name}”?` });
  await confirm.getByText("This cannot be undone.").waitFor();
  await confirm.getByRole("button", { name: "Delete token" }).click();
  await page.getByText(`Token “${name}” deleted.`).waitFor();
  await row("CI deploy \\(staging\\)").waitFor({ state: "detached" });
  // The row is gone, and with the last token the list's "New token" with it: focus is on the empty state's button.
  expect(await focusSettles(() => (document.activeElement?.textContent === "Create your first token" ? "Create your first token" : null))).toBe("Create your first token");

  await page.reload();
  await page.getByRole("heading", { name: "You have no API tokens yet" }).waitFor();
  const response = await fetch(`${server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
  expect(response.status).toBe(401);
});

test("the API reference renders without signing in", async () => {
  const visitor = await browser.newContext({ baseURL: server.baseUrl });
  const anonymous = await visitor.newPage();
  await anonymous.goto("/docs/api");
  await anonymous.getByRole("heading", { level: 1 }).first().waitFor();
  await anonymous.getByText("/api/v1/me").first().waitFor();
  expect(new URL(anonymous.url()).pathname).toBe("/docs/api");
  await visitor.close();
});
