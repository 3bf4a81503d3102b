import { newAccount, newContext, signIn, signUp, useAppInBrowser } from "@/tests/helpers/browser";

jest.setTimeout(120_000);

/**
 * Password guessing and bulk sign-ups, as a person meets them: the forms say why they stop and
 * for how long, and nobody is signed in past the limit. The server runs with small limits.
 */
const app = useAppInBrowser({ SIGN_IN_FAILURE_LIMIT: "2", SIGN_UP_LIMIT: "2" });

test("after too many wrong passwords the account's sign-in pauses, even for the right password", async () => {
  const owner = await newContext(app.browser, app.server.baseUrl);
  const account = newAccount("paused");
  await signUp(await owner.newPage(), account);
  await owner.close();

  const context = await newContext(app.browser, app.server.baseUrl);
  const page = await context.newPage();
  await page.goto("/signin");
  const alert = page.getByRole("form", { name: "Sign in" }).getByRole("alert");
  for (let i = 0; i < 2; i++) {
    await signIn(page, { email: account.email, password: "wrong horse battery staple" });
    await alert.filter({ hasText: "Email or password is incorrect." }).waitFor();
  }
  await signIn(page, account);
  await alert.filter({ hasText: "Too many failed sign-ins for this account or from your network. Wait 15 minutes and try again." }).waitFor();
  expect(new URL(page.url()).pathname).toBe("/signin");
  // Still signed out: the token page sends the visitor back to sign in.
  await page.goto("/settings/tokens");
  await page.waitForURL("**/signin**");
  await context.close();
});

test("an address that has made SIGN_UP_LIMIT sign-up attempts this hour is told to wait", async () => {
  // The first test created one account from this address; one more is allowed.
  const second = await newContext(app.browser, app.server.baseUrl);
  await signUp(await second.newPage(), newAccount("second"));
  await second.close();
  // A visitor who is not signed in (a signed-in one is sent on from /signup).
  const context = await newContext(app.browser, app.server.baseUrl);
  const page = await context.newPage();
  await page.goto("/signup");
  const form = page.getByRole("form", { name: "Sign up" });
  const account = newAccount("third");
  await form.getByLabel("Name").fill(account.name);
  await form.getByLabel("Email").fill(account.email);
  await form.getByLabel("Password").fill(account.password);
  await form.getByRole("button", { name: /sign up|create account/i }).click();
  // The hour opened with the first sign-up, a while ago on a busy machine.
  await page.getByText(/^Too many sign-up attempts from your network\. Try again in \d+ minutes\.$/).waitFor();
  expect(new URL(page.url()).pathname).toBe("/signup");
  await context.close();
});
