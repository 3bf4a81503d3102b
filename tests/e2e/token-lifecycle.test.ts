import type { Browser, BrowserContext, Page } from "playwright-core";
import { startServer, type TestServer } from "@/tests/helpers/server";
import { launchBrowser, newAccount, newContext, putSecretAway, rowAction, rowMenuItem, signUp } from "@/tests/helpers/browser";

jest.setTimeout(120_000);

/** Column of "Last used" among the row's cells (the name is the row header, not a cell). */
const LAST_USED = 4;

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  // Usage is written in batches; a short interval lets "last used" show up within the test.
  [server, browser] = await Promise.all([startServer({ env: { USAGE_FLUSH_SECONDS: "1" } }), launchBrowser()]);
  context = await newContext(browser, server.baseUrl);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

function me(secret: string): Promise<Response> {
  return fetch(`${server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
}

test("a new user creates a token, uses it, revokes it and deletes it", async () => {
  await signUp(page, newAccount("lifecycle"));
  expect(new URL(page.url()).pathname).toBe("/settings/tokens");

  // Empty state.
  await page.getByRole("heading", { name: "You have no API tokens yet" }).waitFor();

  // Save stays disabled until there is a name and a scope.
  await page.getByRole("button", { name: "Create your first token" }).click();
  const dialog = page.getByRole("dialog");
  const save = dialog.getByRole("button", { name: "Create token" });
  await dialog.waitFor();
  expect(await save.isDisabled()).toBe(true);
  await dialog.getByLabel(/^Name/).fill("CI deploy");
  expect(await save.isDisabled()).toBe(true);
  await dialog.getByRole("checkbox", { name: /^tokens:read/ }).check();
  expect(await save.isEnabled()).toBe(true);
  await dialog.getByLabel(/^Name/).fill("");
  expect(await save.isDisabled()).toBe(true);
  await dialog.getByLabel(/^Name/).fill("CI deploy");
  await save.click();

  // The secret, shown once.
  const secretDialog = page.getByRole("dialog", { name: "Your new token" });
  const secret = await secretDialog.getByLabel("Secret").inputValue();
  expect(secret).toMatch(/^tgp_[0-9A-Za-z]{36}$/);
  await putSecretAway(secretDialog);

  // The list shows the token by its partial only.
  const row = page.getByRole("row", { name: /CI deploy/ });
  const cells = row.getByRole("cell");
  await row.waitFor();
  expect(await cells.nth(0).textContent()).toBe(`${secret.slice(0, 8)}…${secret.slice(-4)}`);
  expect(await page.content()).not.toContain(secret);
  expect(await cells.nth(LAST_USED).textContent()).toBe("Never");

  // The secret works against the API.
  expect((await me(secret)).status).toBe(200);

  // Usage reaches the database in batches (every second here): reload until the page shows it.
  const deadline = Date.now() + 20_000;
  let lastUsed: string | null = "Never";
  while (lastUsed === "Never" && Date.now() < deadline) {
    await page.reload();
    lastUsed = await cells.nth(LAST_USED).textContent();
  }
  expect(lastUsed).not.toBe("Never");
  // Used: the cell says how long ago, in words.
  await cells.nth(LAST_USED).getByText(/ago|now|second|minute/i).first().waitFor();

  // Revoke, after confirming.
  await rowAction(row, "Revoke");
  const confirmRevoke = page.getByRole("alertdialog", { name: "Revoke “CI deploy”?" });
  await confirmRevoke.getByRole("button", { name: "Revoke token" }).click();
  await confirmRevoke.waitFor({ state: "hidden" });
  await row.getByText("Revoked", { exact: true }).waitFor();
  expect(await (await rowMenuItem(row, "Revoke")).getAttribute("aria-disabled")).toBe("true");
  await page.keyboard.press("Escape");
  expect((await me(secret)).status).toBe(401);

  // Delete, after confirming.
  await rowAction(row, "Delete");
  const confirmDelete = page.getByRole("alertdialog", { name: "Delete “CI deploy”?" });
  await confirmDelete.getByRole("button", { name: "Delete token" }).click();
  // The open dialog hides the list from the accessibility tree, so the row's absence alone does not
  // say the deletion is done: its announcement does, and only then is a reload worth asserting on.
  await page.getByText("Token “CI deploy” deleted.").waitFor();
  await row.waitFor({ state: "detached" });
  await page.reload();
  expect(await page.getByRole("row", { name: /CI deploy/ }).count()).toBe(0);
  expect((await me(secret)).status).toBe(401);
});
