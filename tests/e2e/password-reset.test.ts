import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { newAccount, newContext, signIn, signUp, useAppInBrowser, seriousViolations } from "@/tests/helpers/browser";
import { recipients, startSmtp, type Mailbox } from "@/tests/helpers/smtp";

jest.setTimeout(180_000);

/**
 * "Forgot password?" end to end in Chromium, with a real SMTP server receiving what the app sends:
 * the request, the mail's link, the new password, the old session signed out, the "password
 * changed" mail, and the used link refused.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? path.resolve(__dirname, "../../docs/screenshots") : mkdtempSync(path.join(tmpdir(), "tollgate-screenshots-"));
const PHONE = { width: 390, height: 844 };
const NEW_PASSWORD = "a brand new passphrase";

let mailbox: Mailbox;
const env: Record<string, string> = { MAIL_POLL_SECONDS: "0.5" };
beforeAll(async () => {
  mailbox = await startSmtp();
  env.SMTP_URL = mailbox.url;
});
afterAll(() => mailbox?.stop());

const app = useAppInBrowser(env);
const contexts: BrowserContext[] = [];
afterAll(() => Promise.all(contexts.map((c) => c.close())));

async function freshPage(viewport?: { width: number; height: number }): Promise<Page> {
  const context = await newContext(app.browser, app.server.baseUrl, viewport);
  contexts.push(context);
  return context.newPage();
}

/** Nothing wider than the window: no sideways scrolling at phone width. */
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

/** Submits the forgot-password form for `email`; the server action's answer (status, body) and the words the page then shows. */
async function askForReset(page: Page, email: string): Promise<{ status: number; body: string; shown: string }> {
  // The action's answer, read on its way to the page (Chromium keeps no body of a streamed answer).
  let answer: { status: number; body: string } | undefined;
  await page.route("**/forgot-password", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    const response = await route.fetch();
    answer = { status: response.status(), body: await response.text() };
    await route.fulfill({ response });
  });
  await page.goto("/forgot-password");
  const form = page.getByRole("form", { name: "Reset your password" });
  await form.getByLabel("Email").fill(email);
  await form.getByRole("button", { name: "Send reset link" }).click();
  const status = page.getByRole("status").filter({ hasText: "Check your email" });
  await status.waitFor();
  await page.unroute("**/forgot-password");
  return { ...answer!, shown: (await status.textContent())!.replace(email, "<email>") };
}

const signedInLandsOn = async (page: Page) => {
  await page.goto("/settings/tokens");
  await page.waitForLoadState("networkidle");
  return new URL(page.url()).pathname;
};

test("forgot password → the mail's link → a new password: every session signed out, sign-in with the new one, told by mail; the link works once", async () => {
  const account = newAccount("reset");
  const old = await freshPage();
  await signUp(old, account);

  // From the sign-in page, as a person who forgot.
  const page = await freshPage();
  await page.goto("/signin");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await page.waitForURL("**/forgot-password");
  await page.getByRole("heading", { level: 1, name: "Reset your password" }).waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  const real = await askForReset(page, account.email);
  expect(await seriousViolations(page)).toEqual([]);

  // The same answer, to the byte, for an email with no account.
  const unknown = await askForReset(await freshPage(), `nobody-${Date.now()}@example.test`);
  expect(unknown).toEqual(real);
  expect(real.status).toBe(200);
  expect(real.shown).toBe(
    "Check your emailIf <email> belongs to an account that signs in with a password, a link to choose a new one is on its way. It works once, for one hour.Nothing after a few minutes? Check your spam folder, or ask again.",
  );

  const mail = await mailbox.waitFor((m) => recipients(m).includes(account.email) && m.subject === "Reset your Tollgate password");
  const link = new RegExp(`Choose a new password: (${app.server.baseUrl.replace(/[.]/g, "\\.")}/reset-password#([A-Za-z0-9_-]{43}))`).exec(mail.text ?? "");
  expect(link).not.toBeNull();
  const [, url, secret] = link!;
  expect(mail.html).toContain(`href="${url}"`);

  // The secret never reaches the server in an address or a Referer: only in the action's body.
  const seen: string[] = [];
  page.on("request", (request) => seen.push(`${request.url()} ${request.headers().referer ?? ""}`));
  await page.goto(url!);
  const form = page.getByRole("form", { name: "Choose a new password" });
  await form.waitFor();
  await form.getByText(`For ${account.email}.`).waitFor();
  expect(page.url()).toBe(`${app.server.baseUrl}/reset-password`);
  expect(seen.filter((line) => line.includes(secret!))).toEqual([]);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: path.join(SCREENSHOTS, "reset-password.png"), fullPage: true });

  await form.getByLabel("New password", { exact: true }).fill("too short");
  await form.getByLabel("Repeat new password").fill("too short");
  await form.getByRole("button", { name: "Set new password" }).click();
  await form.getByText("Use at least 10 characters.").waitFor();
  await form.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await form.getByLabel("Repeat new password").fill(NEW_PASSWORD);
  await form.getByRole("button", { name: "Set new password" }).click();
  await page.waitForURL("**/signin?reset=done");
  await page.getByRole("status").filter({ hasText: "Your password was reset and every session signed out. Sign in with your new password." }).waitFor();

  // The session that was signed in before is over; the old password no longer opens anything.
  expect(await signedInLandsOn(old)).toBe("/signin");
  await signIn(page, { email: account.email, password: account.password });
  await page.getByText("Email or password is incorrect").waitFor();
  await signIn(page, { email: account.email, password: NEW_PASSWORD });
  await page.waitForURL("**/settings/tokens");

  const changed = await mailbox.waitFor((m) => recipients(m).includes(account.email) && m.subject === "Your password was changed");
  expect(changed.text).toContain("Your Tollgate password was reset with a link sent to this address at");
  expect(changed.text).toContain(`See your security log: ${app.server.baseUrl}/settings/security-log`);
  expect(mailbox.messages.filter((m) => recipients(m).some((r) => r.startsWith("nobody-")))).toEqual([]);

  // Used: the same link, opened again (at phone width), no longer works, and says where to ask again.
  const phone = await freshPage(PHONE);
  await phone.goto(url!);
  await phone.getByRole("heading", { level: 1, name: "This link no longer works" }).waitFor();
  expect(await phone.getByRole("form").count()).toBe(0);
  expect(await seriousViolations(phone)).toEqual([]);
  expect(await fitsWidth(phone)).toBe(true);
  await phone.getByRole("link", { name: "Ask for a new link" }).click();
  await phone.waitForURL("**/forgot-password");
  await phone.getByRole("form", { name: "Reset your password" }).waitFor();
  expect(await fitsWidth(phone)).toBe(true);
});

test("an unknown or mangled link gets the same page as a used one, not an error", async () => {
  const page = await freshPage(PHONE);
  for (const address of ["/reset-password#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/reset-password#%3Cscript%3E", "/reset-password"]) {
    await page.goto("about:blank");
    const response = await page.goto(address);
    expect(response?.status()).toBe(200);
    await page.getByRole("heading", { level: 1, name: "This link no longer works" }).waitFor();
  }
  expect(await fitsWidth(page)).toBe(true);
});

test("the forgot-password form names a malformed email on its field, and fits a phone", async () => {
  const page = await freshPage(PHONE);
  await page.goto("/forgot-password");
  const form = page.getByRole("form", { name: "Reset your password" });
  await form.getByLabel("Email").fill("not an email");
  await form.getByRole("button", { name: "Send reset link" }).click();
  await form.getByText("Enter an email address like name@example.com.").waitFor();
  await expect(form.getByLabel("Email").getAttribute("aria-invalid")).resolves.toBe("true");
  expect(await seriousViolations(page)).toEqual([]);
  expect(await fitsWidth(page)).toBe(true);
});
