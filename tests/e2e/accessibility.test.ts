import type { BrowserContext, Locator, Page } from "playwright-core";
import path from "node:path";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { createToken, newAccount, newContext, putSecretAway, rowAction, signedUpPage, signUp, useAppInBrowser, seriousViolations } from "@/tests/helpers/browser";

jest.setTimeout(120_000);

/**
 * The README's pictures are rewritten only when asked (UPDATE_SCREENSHOTS=1): every run shows new
 * random secrets and times, so writing them always would leave the tree changed after each run.
 * Otherwise they go to a scratch directory, taken all the same.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? path.resolve(__dirname, "../../docs/screenshots") : mkdtempSync(path.join(tmpdir(), "tollgate-screenshots-"));

const app = useAppInBrowser();

const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
type ViewportName = keyof typeof VIEWPORTS;

/** Saves a picture of the token page as SCREENSHOTS/NAME.png. */
function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Nothing on the page is wider than the window: a phone never has to scroll sideways. */
function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

/** The page's serious violations, and whether it scrolls sideways, under one label for the failure message. */
async function check(page: Page, label: string) {
  expect({ label, violations: await seriousViolations(page), scrollsSideways: await scrollsSideways(page) }).toEqual({
    label,
    violations: [],
    scrollsSideways: false,
  });
}

describe.each(Object.keys(VIEWPORTS) as ViewportName[])("at %s width", (viewport) => {
  let context: BrowserContext;
  let page: Page;
  const desktop = viewport === "desktop";

  beforeAll(async () => {
    context = await newContext(app.browser, app.server.baseUrl, VIEWPORTS[viewport]);
    page = await context.newPage();
  });
  afterAll(() => context?.close());

  test("the sign-in and sign-up pages", async () => {
    await page.goto("/signin");
    await page.getByRole("form", { name: "Sign in" }).waitFor();
    await check(page, "sign-in");

    await page.goto("/signup");
    await page.getByRole("form", { name: "Sign up" }).waitFor();
    await check(page, "sign-up");
  });

  test("the token page, empty and with tokens, and every dialog it opens", async () => {
    await signUp(page, newAccount(`a11y-${viewport}`));

    await page.getByRole("heading", { name: "You have no API tokens yet" }).waitFor();
    await check(page, "empty state");
    if (desktop) await shot(page, "tokens-empty");

    await page.getByRole("button", { name: "Create your first token" }).click();
    const dialog = page.getByRole("dialog", { name: "New API token" });
    await dialog.getByLabel(/^Name/).fill("Nightly backup");
    await dialog.getByLabel(/^Description/).fill("Copies the database to cold storage every night");
    await dialog.getByRole("checkbox", { name: /^tokens:read/ }).check();
    await check(page, "create dialog");
    expect(await fitsTheWindow(dialog)).toBe(true);
    if (desktop) await shot(page, "create-dialog");

    await dialog.getByRole("button", { name: "Create token" }).click();
    const secretDialog = page.getByRole("dialog", { name: "Your new token" });
    await secretDialog.getByLabel("Secret").waitFor();
    await check(page, "secret dialog");
    expect(await fitsTheWindow(secretDialog)).toBe(true);
    if (desktop) await shot(page, "secret-dialog");
    await secretDialog.getByRole("button", { name: "Done" }).click();
    await secretDialog.getByRole("button", { name: "Close anyway" }).waitFor();
    await check(page, "secret dialog asking before it closes");
    await secretDialog.getByRole("button", { name: "Close anyway" }).click();
    await secretDialog.waitFor({ state: "hidden" });

    await createToken(page, "Deploy bot", "tokens:write");
    await createToken(page, "Old laptop script");
    await rowAction(page.getByRole("row", { name: /^Old laptop script/ }), "Revoke");
    await page.getByRole("alertdialog").getByRole("button", { name: "Revoke token" }).click();
    await page.getByRole("alertdialog").waitFor({ state: "hidden" });
    await page.reload();
    await page.getByRole("row", { name: /^Old laptop script/ }).getByText("Inactive", { exact: true }).waitFor();
    await check(page, "token list");
    // Not merely no scrolling of the page: a table scrolling inside a frame of its own passes that,
    // with the status and the buttons out of sight. Every cell of every token is within the page's column.
    const cellsOutside = await page.getByRole("cell").evaluateAll((cells) => {
      const column = document.querySelector("main")!.getBoundingClientRect();
      return cells.filter((cell) => cell.getBoundingClientRect().right > column.right + 0.5).map((cell) => cell.textContent);
    });
    expect(cellsOutside).toEqual([]);
    await shot(page, desktop ? "tokens-list" : "tokens-list-phone");

    const row = page.getByRole("row", { name: /^Deploy bot/ });
    await row.getByRole("button", { name: "More actions for Deploy bot" }).click();
    await page.getByRole("menu").waitFor();
    await check(page, "row menu");
    if (desktop) await shot(page, "row-menu");
    await page.keyboard.press("Escape");
    for (const [action, dialogRole, dialogName] of [
      ["Edit", "dialog", "Edit token"],
      ["Rotate", "dialog", "Rotate “Deploy bot”"],
      ["Revoke", "alertdialog", "Revoke “Deploy bot”?"],
      ["Delete", "alertdialog", "Delete “Deploy bot”?"],
    ] as const) {
      if (action === "Edit") await row.getByRole("button", { name: "Edit Deploy bot" }).click();
      else await rowAction(row, action);
      const open = page.getByRole(dialogRole, { name: dialogName });
      await open.waitFor();
      await check(page, `${dialogName} dialog`);
      expect({ dialog: dialogName, fits: await fitsTheWindow(open) }).toEqual({ dialog: dialogName, fits: true });
      await page.keyboard.press("Escape");
      await open.waitFor({ state: "hidden" });
    }

    // The secret a rotation shows is the same dialog as a new token's, titled differently.
    await rowAction(row, "Rotate");
    await page.getByRole("dialog", { name: "Rotate “Deploy bot”" }).getByRole("button", { name: "Rotate secret" }).click();
    const rotated = page.getByRole("dialog", { name: "New secret" });
    await rotated.getByLabel("Secret").waitFor();
    await check(page, "rotated secret dialog");
    await putSecretAway(rotated);
  });

  test("the settings page, the API reference, and a page that does not exist", async () => {
    await page.goto("/settings");
    await page.getByRole("heading", { level: 1 }).waitFor();
    await check(page, "settings");

    await page.goto("/docs/api");
    await page.getByRole("heading", { level: 1, name: /Tollgate API/ }).waitFor();
    await check(page, "API reference");
    // Its first screen only: the whole reference is many screens long.
    if (desktop) await page.screenshot({ path: path.join(SCREENSHOTS, "api-reference.png") });

    const response = await page.goto("/no/such/page");
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { level: 1, name: "This page does not exist" }).waitFor();
    await check(page, "not found");
  });
});

/** The whole dialog is inside the window, none of it off to the right. */
function fitsTheWindow(dialog: Locator): Promise<boolean> {
  return dialog.evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.left >= 0 && box.right <= window.innerWidth;
  });
}

test("an address the app does not have gets a 404 page in the app's frame, with a way back", async () => {
  const { context, page } = await signedUpPage(app, "lost");
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await page.getByRole("heading", { level: 1, name: "This page does not exist" }).waitFor();
  await page.getByRole("link", { name: "Go to your tokens" }).click();
  await page.waitForURL("**/settings/tokens");
  await page.getByRole("heading", { level: 1, name: "API tokens" }).waitFor();
  await context.close();
});
