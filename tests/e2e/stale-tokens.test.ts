import type { Browser, BrowserContext, Page } from "playwright-core";
import { prisma } from "@/lib/db";
import { createToken } from "@/lib/tokens/service";
import { launchBrowser, newContext, signIn, seriousViolations } from "@/tests/helpers/browser";
import { createTestDatabase, startServer, type TestDatabase, type TestServer } from "@/tests/helpers/server";
import { TEST_PASSWORD, createUser } from "@/tests/helpers/users";

jest.setTimeout(180_000);

/** Stale tokens in a browser: the "Unused for" filter on the token list, and the policy set, refused and cleared on /admin/policies. */
const DAY = 86_400_000;
let database: TestDatabase;
let server: TestServer;
let browser: Browser;
let seeded: { adminEmail: string; personEmail: string };
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  seeded = await database.use(async () => {
    const admin = await createUser({ name: "Ada Admin", scopes: ["tokens:read", "tokens:write", "admin:read", "admin:write"] });
    const db = await prisma();
    await db.user.update({ where: { id: admin.id }, data: { isAdmin: true } });
    const person = await createUser({ name: "Pat Person", scopes: ["tokens:read", "tokens:write"] });
    const now = Date.now();
    for (const [name, lastUsed] of [["Fresh", now - DAY], ["Dusty", now - 100 * DAY], ["Untouched", null]] as const) {
      const { token } = await createToken(person.id, { name, scopes: ["tokens:read"], validTo: null });
      await db.token.update({ where: { guid: token.guid }, data: { createdAt: new Date(now - 200 * DAY), lastUsedAt: lastUsed === null ? null : new Date(lastUsed) } });
    }
    return { adminEmail: admin.email, personEmail: person.email };
  });
  [server, browser] = await Promise.all([startServer({ database }), launchBrowser()]);
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.stop();
  await database?.drop();
}, 60_000);

async function signedIn(email: string, path: string): Promise<Page> {
  const context = await newContext(browser, server.baseUrl);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  await signIn(page, { email, password: TEST_PASSWORD });
  await page.waitForURL(`**${path}`);
  return page;
}

const rowNames = (page: Page) => page.getByRole("link", { name: /^(Fresh|Dusty|Untouched)$/ }).allTextContents();

test("the token list's “Unused for” filter narrows the list, and the page passes axe", async () => {
  const page = await signedIn(seeded.personEmail, "/settings/tokens");
  await page.getByLabel("Unused for").first().selectOption("90");
  await page.waitForURL(/unused=90/);
  await page.getByRole("link", { name: "Dusty" }).first().waitFor();
  expect([...new Set(await rowNames(page))].sort()).toEqual(["Dusty", "Untouched"]);
  expect(await seriousViolations(page)).toEqual([]);
  await page.goto("/settings/tokens?unused=never");
  await page.getByRole("link", { name: "Untouched" }).first().waitFor();
  expect([...new Set(await rowNames(page))]).toEqual(["Untouched"]);
});

test("an administrator sets the policy, is told an invalid value, and clears it", async () => {
  const page = await signedIn(seeded.adminEmail, "/admin/policies");
  const group = page.getByRole("group", { name: "Revoke unused tokens" });
  await group.getByRole("radio", { name: "After" }).check();
  await group.getByRole("spinbutton", { name: "Revoke unused tokens" }).fill("7");
  await page.getByRole("button", { name: "Save policies" }).click();
  await group.getByText("The period after which unused tokens are revoked must be a whole number of days from 30 to 3,650, or null for never revoking unused tokens.").waitFor();
  expect(await seriousViolations(page)).toEqual([]);

  await group.getByRole("spinbutton", { name: "Revoke unused tokens" }).fill("90");
  await page.getByRole("button", { name: "Save policies" }).click();
  await page.getByRole("status").filter({ hasText: /existing token|No existing token/ }).waitFor();
  await page.reload();
  const inForce = page.getByRole("region", { name: "In force" });
  expect(await inForce.getByRole("definition").last().textContent()).toBe("After 90 days unused");

  await page.getByRole("group", { name: "Revoke unused tokens" }).getByRole("radio", { name: "Never" }).check();
  await page.getByRole("button", { name: "Save policies" }).click();
  await page.getByRole("status").filter({ hasText: /existing token|No existing token/ }).waitFor();
  await page.reload();
  expect(await page.getByRole("region", { name: "In force" }).getByRole("definition").last().textContent()).toBe("Never");
});

test("someone who is not an administrator gets 404 for the policies page", async () => {
  const page = await signedIn(seeded.personEmail, "/settings/tokens");
  const answer = await page.goto("/admin/policies");
  expect(answer?.status()).toBe(404);
});
