import type { BrowserContext, Page } from "playwright-core";
import { createToken, newAccount, newContext, rowAction, signUp, useAppInBrowser, type Account } from "@/tests/helpers/browser";

jest.setTimeout(180_000);

/**
 * One person's token against another person's browser. The token page has no per-token page: a
 * token is reached by its GUID in the list's filter (auth-and-ownership.test.ts), in the API's
 * paths, and in the arguments of the page's server actions, which anyone can send. Here Bob tries
 * the last two with Alice's GUID, through his real, signed-in page.
 */

const app = useAppInBrowser();

type Person = { account: Account; context: BrowserContext; page: Page; guid: string; secret: string };
let alice: Person;
let bob: Person;

async function person(label: string, tokenName: string): Promise<Person> {
  const account = newAccount(label);
  const context = await newContext(app.browser, app.server.baseUrl);
  const page = await context.newPage();
  await signUp(page, account);
  const secret = await createToken(page, tokenName);
  const guid = await page.getByRole("row", { name: new RegExp(`^${tokenName}`) }).locator("code[title]").getAttribute("title");
  expect(guid).toMatch(/^[0-9a-f-]{36}$/);
  return { account, context, page, guid: guid!, secret };
}

beforeAll(async () => {
  alice = await person("alice", "Alice deploy key");
  bob = await person("bob", "Bob own");
}, 180_000);

function me(secret: string): Promise<Response> {
  return fetch(`${app.server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
}

/**
 * From now on, every server action Bob's page sends names Alice's token where it named his own:
 * what someone would send by editing the request. Returns how many requests were rewritten, so a
 * test can tell that the server did receive Alice's GUID.
 */
async function aimActionsAtAlice(page: Page): Promise<{ rewritten: () => number; stop: () => Promise<void> }> {
  let count = 0;
  const pattern = "**/settings/tokens**";
  await page.route(pattern, async (route) => {
    const request = route.request();
    const body = request.postData();
    if (request.method() !== "POST" || !request.headers()["next-action"] || !body?.includes(bob.guid)) return route.continue();
    count += 1;
    return route.continue({ postData: body.replaceAll(bob.guid, alice.guid) });
  });
  return { rewritten: () => count, stop: () => page.unroute(pattern) };
}

async function expectAliceUntouched(): Promise<void> {
  const response = await me(alice.secret);
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ token: { guid: alice.guid, name: "Alice deploy key", scopes: ["tokens:read"] } });
  await alice.page.reload();
  const row = alice.page.getByRole("row", { name: /^Alice deploy key/ });
  await row.getByText("Active", { exact: true }).waitFor();
  expect(await row.locator("code[title]").getAttribute("title")).toBe(alice.guid);
}

describe("Bob's page, sending Alice's GUID to the token actions", () => {
  let aim: Awaited<ReturnType<typeof aimActionsAtAlice>>;
  const bobRow = () => bob.page.getByRole("row", { name: /^Bob own/ });

  beforeAll(async () => {
    aim = await aimActionsAtAlice(bob.page);
  });
  afterAll(async () => {
    await aim.stop();
  });

  beforeEach(async () => {
    // A fresh page: no toast or dialog left over from the test before.
    await bob.page.reload();
    await bobRow().waitFor();
  });

  afterEach(async () => {
    // Whatever Bob's page sent, Alice's token is as it was, and Bob's own was not touched either.
    await expectAliceUntouched();
    expect((await me(bob.secret)).status).toBe(200);
  });

  test("revoke is refused as 'not found'", async () => {
    const before = aim.rewritten();
    await rowAction(bobRow(), "Revoke");
    const confirm = bob.page.getByRole("alertdialog", { name: "Revoke “Bob own”?" });
    await confirm.getByRole("button", { name: "Revoke token" }).click();
    await bob.page.getByText("Token not found. It may have been deleted.").waitFor();
    await confirm.waitFor({ state: "hidden" });
    expect(aim.rewritten()).toBe(before + 1);
    await bobRow().getByText("Active", { exact: true }).waitFor();
  });

  test("edit is refused as 'not found', and the form says so", async () => {
    const before = aim.rewritten();
    await bobRow().getByRole("button", { name: "Edit Bob own" }).click();
    const dialog = bob.page.getByRole("dialog", { name: "Edit token" });
    await dialog.getByLabel(/^Name/).fill("Taken over");
    await dialog.getByRole("checkbox", { name: /^tokens:write/ }).check();
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await dialog.getByRole("alert").filter({ hasText: "Token not found. It may have been deleted." }).waitFor();
    expect(aim.rewritten()).toBe(before + 1);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    await bob.page.reload();
    expect(await bob.page.getByRole("row", { name: /^Taken over/ }).count()).toBe(0);
  });

  test("rotate is refused as 'not found', and no secret is shown", async () => {
    const before = aim.rewritten();
    await rowAction(bobRow(), "Rotate");
    const dialog = bob.page.getByRole("dialog", { name: "Rotate “Bob own”" });
    await dialog.getByRole("button", { name: "Rotate secret" }).click();
    await dialog.getByRole("alert").filter({ hasText: "Token not found. It may have been deleted." }).waitFor();
    expect(aim.rewritten()).toBe(before + 1);
    expect(await bob.page.getByRole("dialog", { name: "New secret" }).count()).toBe(0);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
  });

  test("delete is refused as 'not found'", async () => {
    const before = aim.rewritten();
    await rowAction(bobRow(), "Delete");
    const confirm = bob.page.getByRole("alertdialog", { name: "Delete “Bob own”?" });
    await confirm.getByRole("button", { name: "Delete token" }).click();
    await bob.page.getByText("Token not found. It may have been deleted.").waitFor();
    await confirm.waitFor({ state: "hidden" });
    expect(aim.rewritten()).toBe(before + 1);
    await bob.page.reload();
    await bobRow().waitFor();
  });
});

test("Alice's token is not reachable by its URL from Bob's browser", async () => {
  // Alice's token page is, for Bob, the app's 404 (status included), without Alice's token in it.
  const tokenPage = await bob.page.goto(`/settings/tokens/${alice.guid}`);
  expect(tokenPage?.status()).toBe(404);
  expect(await bob.page.content()).not.toContain("Alice deploy key");

  // The API's URL for the token: Bob's session is not an API credential…
  const api = await bob.page.goto(`/api/v1/tokens/${alice.guid}`);
  expect(api?.status()).toBe(401);
  expect(await bob.page.content()).not.toContain("Alice deploy key");
  // …and with Bob's own token it is not found, exactly like a GUID that does not exist.
  const get = (guid: string) => fetch(`${app.server.baseUrl}/api/v1/tokens/${guid}`, { headers: { authorization: `Bearer ${bob.secret}` } });
  const theirs = await get(alice.guid);
  const unknown = await get("00000000-0000-4000-8000-000000000000");
  expect(theirs.status).toBe(404);
  expect(await theirs.text()).toBe(await unknown.text());
  await expectAliceUntouched();
});

test("an action sent from a tab whose session ended is refused as signed out, and changes nothing", async () => {
  const stale = await bob.context.newPage();
  await stale.goto("/settings/tokens");
  await stale.getByRole("row", { name: /^Bob own/ }).waitFor();
  // Signing out in the other tab ends the session for both.
  await bob.page.goto("/settings/tokens");
  await bob.page.getByRole("button", { name: "Sign out" }).click();
  await bob.page.waitForURL("**/signin**");

  await rowAction(stale.getByRole("row", { name: /^Bob own/ }), "Revoke");
  await stale.getByRole("alertdialog").getByRole("button", { name: "Revoke token" }).click();
  await stale.getByText("You are signed out. Sign in again to manage your tokens.").waitFor();
  expect((await me(bob.secret)).status).toBe(200);
  await stale.close();
});
