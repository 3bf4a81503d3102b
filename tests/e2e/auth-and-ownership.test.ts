import { createToken, newAccount, newContext, signIn, signUp, useAppInBrowser } from "@/tests/helpers/browser";

jest.setTimeout(120_000);

const app = useAppInBrowser();

test("a wrong password is refused, the right one signs in, and signing out locks the token page", async () => {
  const account = newAccount("signin");
  const setup = await newContext(app.browser, app.server.baseUrl);
  await signUp(await setup.newPage(), account);
  await setup.close();

  const context = await newContext(app.browser, app.server.baseUrl);
  const page = await context.newPage();
  await page.goto("/signin");
  await signIn(page, { email: account.email, password: "not the password at all" });
  await page.getByRole("alert").filter({ hasText: "Email or password is incorrect." }).waitFor();
  expect(new URL(page.url()).pathname).toBe("/signin");

  await signIn(page, account);
  await page.waitForURL("**/settings/tokens**");
  await page.getByRole("heading", { level: 1, name: "API tokens" }).waitFor();

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL("**/signin**");
  await page.goto("/settings/tokens");
  await page.waitForURL("**/signin**");
  expect(new URL(page.url()).pathname).toBe("/signin");
  await page.getByRole("form", { name: "Sign in" }).waitFor();
  await context.close();
});

test("a user cannot see another user's token through the GUID filter", async () => {
  const ownerContext = await newContext(app.browser, app.server.baseUrl);
  const owner = await ownerContext.newPage();
  await signUp(owner, newAccount("owner"));
  await createToken(owner, "Owner secret job");
  const guid = await owner.getByRole("row", { name: /Owner secret job/ }).locator("code[title]").getAttribute("title");
  expect(guid).toMatch(/^[0-9a-f-]{36}$/i);
  // The filter does find it for its owner, so an empty answer below means "not yours", not "broken filter".
  await owner.goto(`/settings/tokens?guid=${guid}`);
  await owner.getByRole("row", { name: /Owner secret job/ }).waitFor();
  await ownerContext.close();

  const otherContext = await newContext(app.browser, app.server.baseUrl);
  const other = await otherContext.newPage();
  await signUp(other, newAccount("other"));
  await createToken(other, "Other own token");
  await other.goto(`/settings/tokens?guid=${guid}`);
  await other.getByText("No tokens match these filters.").waitFor();
  expect(await other.getByRole("row", { name: /Owner secret job/ }).count()).toBe(0);
  expect(await other.content()).not.toContain("Owner secret job");
  await otherContext.close();
});
