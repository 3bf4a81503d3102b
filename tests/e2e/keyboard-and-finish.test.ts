import type { Page } from "playwright-core";
import { createToken, newAccount, newContext, putSecretAway, readClipboard, rowAction, signedUpPage, signUp, useAppInBrowser } from "@/tests/helpers/browser";
import { expectFocusOn, focused, tabTo } from "@/tests/helpers/focus";

jest.setTimeout(120_000);

/** Using the token page without a mouse, and the details that make it read right: announced errors, times in the reader's own terms. */

const app = useAppInBrowser();

test("a token is created and revoked with the keyboard alone", async () => {
  const { context, page } = await signedUpPage(app, "keyboard");
  await page.getByRole("heading", { name: "You have no API tokens yet" }).waitFor();

  await tabTo(page, "Create your first token");
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "New API token" });
  await dialog.waitFor();
  // Focus moved into the dialog, on its first field.
  expect(await focused(page)).toMatch(/^Name/);
  await page.keyboard.type("Keyboard only");
  await tabTo(page, /^tokens:read/);
  await page.keyboard.press("Space");
  await tabTo(page, "Create token");
  await page.keyboard.press("Enter");

  const secretDialog = page.getByRole("dialog", { name: "Your new token" });
  await secretDialog.waitFor();
  // Copied first, so Done closes at once without asking.
  await context.grantPermissions(["clipboard-write"], { origin: app.server.baseUrl });
  await tabTo(page, "Copy secret");
  await page.keyboard.press("Enter");
  await secretDialog.getByRole("button", { name: "Copied" }).waitFor();
  await tabTo(page, "Done");
  await page.keyboard.press("Enter");
  await secretDialog.waitFor({ state: "hidden" });
  await expectFocusOn(page, "New token");

  // Revoke is in the row's menu: Enter opens it on its first item, the arrow keys move, Enter chooses.
  await tabTo(page, "More actions for Keyboard only");
  await page.keyboard.press("Enter");
  await expectFocusOn(page, "Rotate");
  await page.keyboard.press("ArrowDown");
  await expectFocusOn(page, "Revoke");
  await page.keyboard.press("Enter");
  const confirm = page.getByRole("alertdialog", { name: "Revoke “Keyboard only”?" });
  await confirm.waitFor();
  // Second thoughts: Escape backs out, to the menu's button, and nothing is revoked.
  await page.keyboard.press("Escape");
  await confirm.waitFor({ state: "hidden" });
  await expectFocusOn(page, "More actions for Keyboard only");
  await page.getByRole("row", { name: /^Keyboard only/ }).getByText("Active", { exact: true }).waitFor();
  // Escape in the menu itself closes it, back to its button.
  await page.keyboard.press("Space");
  await expectFocusOn(page, "Rotate");
  await page.keyboard.press("Escape");
  await expectFocusOn(page, "More actions for Keyboard only");
  await page.keyboard.press("Space");
  await page.keyboard.press("ArrowDown");
  await expectFocusOn(page, "Revoke");
  await page.keyboard.press("Enter");
  await confirm.waitFor();
  await tabTo(page, "Revoke token");
  await page.keyboard.press("Enter");
  await confirm.waitFor({ state: "hidden" });
  const row = page.getByRole("row", { name: /^Keyboard only/ });
  await row.getByText("Inactive", { exact: true }).waitFor();
  // Revoke is now disabled; focus went to the row's Edit button instead of the top of the page.
  await expectFocusOn(page, "Edit Keyboard only");
  await context.close();
});

test("form errors are announced: the field is marked invalid and described by a live message", async () => {
  const context = await newContext(app.browser, app.server.baseUrl);
  const page = await context.newPage();
  const account = newAccount("errors");
  await signUp(page, account);
  await page.getByRole("button", { name: "Create your first token" }).click();
  const dialog = page.getByRole("dialog", { name: "New API token" });
  const name = dialog.getByLabel(/^Name/);
  await name.fill("x");
  await name.fill("");
  await name.blur();
  expect(await name.getAttribute("aria-invalid")).toBe("true");
  const messageId = (await name.getAttribute("aria-describedby"))!.split(" ").at(-1)!;
  const message = page.locator(`[id="${messageId}"]`);
  expect((await message.textContent())?.length).toBeGreaterThan(0);
  expect(await message.getAttribute("aria-live")).toBe("polite");

  // The sign-in form's error is an alert too.
  const visitor = await newContext(app.browser, app.server.baseUrl);
  const signInPage = await visitor.newPage();
  await signInPage.goto("/signin");
  const form = signInPage.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Email").fill("nobody@example.test");
  await form.getByLabel("Password").fill("not the password");
  await form.getByRole("button", { name: /^sign in$/i }).click();
  await signInPage.getByRole("alert").filter({ hasText: /email or password/i }).waitFor();

  // An error only the server can find (the address is taken) is tied to its field the same way.
  await signInPage.goto("/signup");
  const signUpForm = signInPage.getByRole("form", { name: "Sign up" });
  await signUpForm.getByLabel("Name").fill("Someone else");
  await signUpForm.getByLabel("Email").fill(account.email);
  await signUpForm.getByLabel("Password").fill(account.password);
  await signUpForm.getByRole("button", { name: "Create account" }).click();
  const email = signUpForm.getByLabel("Email");
  await signInPage.waitForFunction((input) => input?.getAttribute("aria-invalid") === "true", await email.elementHandle());
  const emailMessage = signInPage.locator(`[id="${(await email.getAttribute("aria-describedby"))!.split(" ").at(-1)}"]`);
  expect(await emailMessage.textContent()).toMatch(/already/i);
  expect(await emailMessage.getAttribute("aria-live")).toBe("polite");
  expect(await signUpForm.getByLabel("Password").getAttribute("aria-invalid")).toBeNull();
  await visitor.close();
  await context.close();
});

test("times are in the reader's locale and time zone, exact on hover, and relative ones keep up", async () => {
  const context = await app.browser.newContext({ baseURL: app.server.baseUrl, locale: "de-DE", timezoneId: "America/New_York", reducedMotion: "reduce" });
  const page = await context.newPage();
  // The browser's clock is under the test's control; the server's is not.
  await page.clock.install();
  await signUp(page, newAccount("locale"));
  await page.getByRole("button", { name: "Create your first token" }).click();
  await createTokenInOpenDialog(page, "Zeitzone");
  const row = page.getByRole("row", { name: /^Zeitzone/ });

  // The created date as Germans write it, in New York's calendar day.
  const createdIso = await row.locator("time").first().getAttribute("datetime");
  const created = new Date(createdIso!);
  const dateInNewYork = new Intl.DateTimeFormat("de-DE", { dateStyle: "medium", timeZone: "America/New_York" }).format(created);
  expect(await row.locator("time").first().textContent()).toBe(dateInNewYork);
  // Hovering shows the exact moment, with the zone.
  const exact = new Intl.DateTimeFormat("de-DE", { dateStyle: "full", timeStyle: "long", timeZone: "America/New_York" }).format(created);
  expect(await row.locator("time").first().getAttribute("title")).toBe(exact);

  // Revoked "jetzt" (now), and five minutes later, without a reload, "vor 5 Minuten".
  await rowAction(row, "Revoke");
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke token" }).click();
  const revokedAt = row.getByRole("cell").nth(7).locator("time");
  await revokedAt.waitFor();
  expect(await revokedAt.textContent()).toBe("jetzt");
  await page.clock.fastForward("05:00");
  await row.getByRole("cell").nth(7).getByText("vor 5 Minuten").waitFor();
  await context.close();
});

/** Fills the create dialog that is already open and puts the secret away. */
async function createTokenInOpenDialog(page: Page, name: string): Promise<void> {
  const dialog = page.getByRole("dialog", { name: "New API token" });
  await dialog.getByLabel(/^Name/).fill(name);
  await dialog.getByRole("checkbox", { name: /^tokens:read/ }).check();
  await dialog.getByRole("button", { name: "Create token" }).click();
  await putSecretAway(page.getByRole("dialog", { name: "Your new token" }));
}

test("the copy buttons say they copied, to the eye and to screen readers", async () => {
  const context = await newContext(app.browser, app.server.baseUrl);
  await context.grantPermissions(["clipboard-write"], { origin: app.server.baseUrl });
  const page = await context.newPage();
  await signUp(page, newAccount("copy"));
  await createToken(page, "Copy me");
  const row = page.getByRole("row", { name: /^Copy me/ });
  await row.getByRole("button", { name: "Copy GUID of Copy me" }).click();
  await row.getByRole("button", { name: "Copied" }).waitFor();
  await page.getByRole("status").filter({ hasText: "Copied to the clipboard" }).waitFor();
  expect(await readClipboard(page)).toBe(await row.locator("code[title]").getAttribute("title"));
  await context.close();
});
