import type { Browser, BrowserContext, Page } from "playwright-core";
import { makeAdministrator } from "@/lib/admin/administrators";
import { prisma } from "@/lib/db";
import { ADMIN_AUDIT_LOG_PATH, ADMIN_PATH, ADMIN_POLICIES_PATH, ADMIN_SCOPES_PATH, ADMIN_TOKENS_PATH, ADMIN_USERS_PATH } from "@/lib/paths";
import { launchBrowser, newContext, signIn } from "@/tests/helpers/browser";
import { createTestDatabase, startServer, type TestDatabase, type TestServer } from "@/tests/helpers/server";
import { TEST_PASSWORD, createUser } from "@/tests/helpers/users";

jest.setTimeout(120_000);

/**
 * Who sees the admin area: the header's "Admin" link only for administrators, and every /admin
 * page a plain 404 for anyone else, signed out or not (lib/admin/guard.ts). Also a disabled
 * account's sign-in, as its owner meets it.
 */
const ADMIN_PAGES = [ADMIN_PATH, ADMIN_USERS_PATH, ADMIN_TOKENS_PATH, ADMIN_SCOPES_PATH, ADMIN_POLICIES_PATH, ADMIN_AUDIT_LOG_PATH];

let database: TestDatabase;
let server: TestServer;
let browser: Browser;
let people: { admin: string; member: string; disabled: string };

beforeAll(async () => {
  database = await createTestDatabase();
  people = await database.use(async () => {
    const admin = await createUser({ name: "Admin" });
    await makeAdministrator(admin.email);
    const member = await createUser({ name: "Member" });
    const disabled = await createUser({ name: "Disabled" });
    await (await prisma()).user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
    return { admin: admin.email, member: member.email, disabled: disabled.email };
  });
  [server, browser] = await Promise.all([startServer({ database }), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
}, 60_000);

async function signedIn(email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser, server.baseUrl);
  const page = await context.newPage();
  await page.goto("/signin?callbackUrl=%2Fsettings%2Ftokens");
  await signIn(page, { email, password: TEST_PASSWORD });
  await page.waitForURL("**/settings/tokens");
  return { context, page };
}

/** Each admin page as `page`'s visitor gets it: its status and whether it is the not-found page. */
async function adminPagesAs(page: Page) {
  const answers = [];
  for (const path of ADMIN_PAGES) {
    const response = await page.goto(path);
    const notFoundPage = await page.getByRole("heading", { level: 1, name: "This page does not exist" }).isVisible();
    answers.push({ path, status: response?.status(), notFoundPage, url: new URL(page.url()).pathname });
  }
  return answers;
}

const everyPageNotFound = ADMIN_PAGES.map((path) => ({ path, status: 404, notFoundPage: true, url: path }));

test("signed out, every admin page is the plain 404 page (no sign-in prompt)", async () => {
  const context = await newContext(browser, server.baseUrl);
  expect(await adminPagesAs(await context.newPage())).toEqual(everyPageNotFound);
  await context.close();
});

test("a signed-in person who is not an administrator: no Admin link, and every admin page 404", async () => {
  const { context, page } = await signedIn(people.member);
  const header = page.getByRole("banner");
  await header.getByRole("link", { name: "API docs" }).waitFor();
  expect(await header.getByRole("link", { name: "Admin", exact: true }).count()).toBe(0);
  expect(await adminPagesAs(page)).toEqual(everyPageNotFound);
  await context.close();
});

test("an administrator sees the Admin link, and /admin opens on the users", async () => {
  const { context, page } = await signedIn(people.admin);
  const link = page.getByRole("banner").getByRole("link", { name: "Admin", exact: true });
  expect(await link.getAttribute("href")).toBe(ADMIN_PATH);
  await link.click();
  await page.waitForURL(`**${ADMIN_USERS_PATH}`);
  // The redirect itself, as the server answers it.
  const response = await context.request.get(ADMIN_PATH, { maxRedirects: 0 });
  expect({ status: response.status(), location: response.headers().location }).toEqual({ status: 307, location: ADMIN_USERS_PATH });
  await context.close();
});

test("a disabled account: the right password is told so plainly, a wrong one gets the usual answer; neither signs in", async () => {
  const context = await newContext(browser, server.baseUrl);
  const page = await context.newPage();
  await page.goto("/signin");
  const alert = page.getByRole("form", { name: "Sign in" }).getByRole("alert");
  await signIn(page, { email: people.disabled, password: "wrong horse battery staple" });
  await alert.filter({ hasText: "Email or password is incorrect." }).waitFor();
  await signIn(page, { email: people.disabled, password: TEST_PASSWORD });
  await alert.filter({ hasText: "This account has been disabled by an administrator. Ask them to re-enable it." }).waitFor();
  expect(new URL(page.url()).pathname).toBe("/signin");
  await page.goto("/settings/tokens");
  await page.waitForURL("**/signin**");
  await context.close();
});
