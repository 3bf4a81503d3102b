import type { BrowserContext, Locator, Page } from "playwright-core";
import { createToken, newAccount, newContext, putSecretAway, rowAction, signedUpPage, signUp, useAppInBrowser } from "@/tests/helpers/browser";

jest.setTimeout(120_000);

/**
 * The token page's dialogs where they meet the rest of the page: the expiry a new token gets, the
 * one-time secret on a phone, toasts over an open dialog, a token the filters hide, the rotation
 * overlap ended early, and a revoked token's edit.
 */

const app = useAppInBrowser();
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ context, page } = await signedUpPage(app, "dialogs"));
});

afterAll(() => context?.close());

const DAY = 24 * 3600_000;
/** Cells of a token row (the name is the row header, not a cell). */
const CELL = { created: 3, expires: 6, status: 7 } as const;
const row = (p: Page, name: string) => p.getByRole("row", { name: new RegExp(`^${name}(\\s|$)`) });
const instantIn = async (cell: Locator) => Date.parse((await cell.locator("time").first().getAttribute("datetime"))!);

function me(secret: string): Promise<Response> {
  return fetch(`${app.server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
}

test("a token created with the dialog's defaults expires thirty days after its creation", async () => {
  await page.getByRole("button", { name: /^(New token|Create your first token)$/ }).click();
  const dialog = page.getByRole("dialog", { name: "New API token" });
  expect(await dialog.getByLabel("Expires after").inputValue()).toBe("30d");
  await dialog.getByText(/^Expires on /).waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });

  await createToken(page, "Thirty days");
  const created = row(page, "Thirty days");
  await created.waitFor();
  const createdAt = await instantIn(created.getByRole("cell").nth(CELL.created));
  const expiresAt = await instantIn(created.getByRole("cell").nth(CELL.expires));
  // The dialog reckons from the moment it sends; the server stamps creation a moment later.
  expect(Math.abs(expiresAt - (createdAt + 30 * DAY))).toBeLessThan(60_000);
});

test("on a 390 px phone the one-time secret is shown whole, and the page does not scroll sideways", async () => {
  const phone = await newContext(app.browser, app.server.baseUrl, { width: 390, height: 844 });
  const tab = await phone.newPage();
  await signUp(tab, newAccount("phone-secret"));
  await tab.getByRole("button", { name: "Create your first token" }).click();
  const dialog = tab.getByRole("dialog", { name: "New API token" });
  await dialog.getByLabel(/^Name/).fill("On the phone");
  await dialog.getByRole("checkbox", { name: /^tokens:read/ }).check();
  await dialog.getByRole("button", { name: "Create token" }).click();
  const secretDialog = tab.getByRole("dialog", { name: "Your new token" });
  const field = secretDialog.getByLabel("Secret");
  const secret = await field.inputValue();
  expect(secret).toMatch(/^tgp_[0-9A-Za-z]{36}$/);

  const measured = await field.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return {
      clippedSideways: element.scrollWidth > element.clientWidth,
      clippedBelow: element.scrollHeight > element.clientHeight + 1,
      inWindow: box.left >= 0 && box.right <= window.innerWidth,
      pageScrollsSideways: document.documentElement.scrollWidth > window.innerWidth,
    };
  });
  expect(measured).toEqual({ clippedSideways: false, clippedBelow: false, inWindow: true, pageScrollsSideways: false });
  // The curl line to try it carries the same secret, whole too.
  const curl = secretDialog.getByLabel("Try it");
  expect(await curl.inputValue()).toBe(`curl -H "Authorization: Bearer ${secret}" ${app.server.baseUrl}/api/v1/me`);
  expect(await curl.evaluate((element) => element.scrollWidth <= element.clientWidth && element.scrollHeight <= element.clientHeight + 1)).toBe(true);
  await putSecretAway(secretDialog);
  await phone.close();
});

for (const [label, viewport] of [
  ["desktop", { width: 1280, height: 800 }],
  ["phone", { width: 390, height: 844 }],
] as const) {
  test(`on a ${label}, a toast shows above an open dialog's overlay, clear of the header's Sign out`, async () => {
    const tab = await context.newPage();
    await tab.setViewportSize(viewport);
    await tab.goto("/settings/tokens");
    await rowAction(row(tab, "Thirty days"), "Rotate");
    await tab.getByRole("dialog", { name: "Rotate “Thirty days”" }).getByRole("button", { name: "Rotate secret" }).click();
    const secretDialog = tab.getByRole("dialog", { name: "New secret" });
    await secretDialog.waitFor();
    const toast = tab.getByRole("listitem").filter({ hasText: "Token “Thirty days” rotated." }).first();
    await toast.waitFor();
    // Measured once in place (the context asks for reduced motion, so it does not slide).
    await tab.waitForFunction(() => document.querySelector("[data-sonner-toast][data-mounted=true]") !== null);
    const where = await toast.evaluate((element) => {
      const box = element.getBoundingClientRect();
      const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      const signOut = [...document.querySelectorAll("button")].find((b) => b.textContent?.trim() === "Sign out")!.getBoundingClientRect();
      const overlaps = !(box.right <= signOut.left || box.left >= signOut.right || box.bottom <= signOut.top || box.top >= signOut.bottom);
      return { topmostIsToast: element.contains(top), overlapsSignOut: overlaps };
    });
    expect(where).toEqual({ topmostIsToast: true, overlapsSignOut: false });
    await putSecretAway(secretDialog);
    await tab.close();
  });
}

test("a token created while the filters hide it is announced, with a link that shows it", async () => {
  await page.goto("/settings/tokens?q=nothing-like-it");
  await page.getByText("No tokens match these filters.").waitFor();
  await createToken(page, "Behind the filter");
  const notice = page.getByText("Created “Behind the filter”, hidden by the current filters.");
  await notice.waitFor();
  await page.getByRole("link", { name: "Show it" }).click();
  await page.waitForURL(/guid=/);
  await row(page, "Behind the filter").waitFor();
  expect(await page.getByRole("table").getByRole("row").count()).toBe(2);
});

test("a rotation's overlap is shown in the list and can be ended at once", async () => {
  await page.goto("/settings/tokens");
  const old = await createToken(page, "Winding down");
  await rowAction(row(page, "Winding down"), "Rotate");
  const dialog = page.getByRole("dialog", { name: "Rotate “Winding down”" });
  await dialog.getByRole("radio", { name: /^1 hour/ }).check();
  await dialog.getByRole("button", { name: "Rotate secret" }).click();
  const secretDialog = page.getByRole("dialog", { name: "New secret" });
  const rotated = await secretDialog.getByLabel("Secret").inputValue();
  await putSecretAway(secretDialog);

  const status = row(page, "Winding down").getByRole("cell").nth(CELL.status);
  await status.getByText(/^Previous secret works until/).waitFor();
  const until = await instantIn(status);
  expect(until).toBeGreaterThan(Date.now() + 55 * 60_000);
  expect(until).toBeLessThanOrEqual(Date.now() + 60 * 60_000);
  expect((await me(old)).status).toBe(200);

  await rowAction(row(page, "Winding down"), "End overlap now");
  const confirm = page.getByRole("alertdialog", { name: "End the overlap of “Winding down” now?" });
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await confirm.waitFor({ state: "hidden" });
  expect((await me(old)).status).toBe(200);

  await rowAction(row(page, "Winding down"), "End overlap now");
  await confirm.getByRole("button", { name: "End overlap" }).click();
  await page.getByRole("listitem").filter({ hasText: "The previous secret of “Winding down” no longer works." }).first().waitFor();
  await status.getByText(/^Previous secret works until/).waitFor({ state: "detached" });
  expect((await me(old)).status).toBe(401);
  expect((await me(rotated)).status).toBe(200);
  // With no overlap in force the menu no longer offers to end one.
  await row(page, "Winding down").getByRole("button", { name: "More actions for Winding down" }).click();
  expect(await page.getByRole("menu").getByRole("menuitem", { name: "End overlap now" }).count()).toBe(0);
  await page.keyboard.press("Escape");
});

test("a revoked token's edit offers no dates, says why, and saves the rest", async () => {
  await createToken(page, "Revoked, renamed");
  await rowAction(row(page, "Revoked, renamed"), "Revoke");
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke token" }).click();
  await row(page, "Revoked, renamed").getByText("Inactive", { exact: true }).waitFor();

  await row(page, "Revoked, renamed").getByRole("button", { name: "Edit Revoked, renamed" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit token" });
  await dialog.getByText(/This token is revoked: its validity cannot change/).waitFor();
  expect(await dialog.getByLabel(/^Valid from/).count()).toBe(0);
  expect(await dialog.getByLabel("Expires after").count()).toBe(0);
  await dialog.getByLabel(/^Description/).fill("Kept for the record");
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.getByRole("listitem").filter({ hasText: "Token “Revoked, renamed” saved." }).first().waitFor();
  await row(page, "Revoked, renamed").getByText("Kept for the record").waitFor();
});
