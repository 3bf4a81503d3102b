import type { Browser } from "playwright-core";
import { prisma } from "@/lib/db";
import { launchBrowser, newAccount, newContext } from "@/tests/helpers/browser";
import { createTestDatabase, startServer, type TestDatabase, type TestServer } from "@/tests/helpers/server";
import { createUser } from "@/tests/helpers/users";

jest.setTimeout(240_000);

/**
 * The sign-up limit at its default (SIGN_UP_LIMIT 20 an hour) counts attempts, not accounts: twenty
 * tries with an email that already has an account are answered, and the twenty-first is refused,
 * even with an email that is free. Whether the refused one hashed anything is pinned down by
 * tests/db/attempt-limits.test.ts; here, that it created and changed nothing.
 */
let database: TestDatabase;
let server: TestServer;
let browser: Browser;
let taken: { email: string; before: unknown };

beforeAll(async () => {
  database = await createTestDatabase();
  taken = await database.use(async () => {
    const user = await createUser({ name: "Already here" });
    return { email: user.email, before: await (await prisma()).user.findUniqueOrThrow({ where: { id: user.id } }) };
  });
  [server, browser] = await Promise.all([startServer({ database }), launchBrowser()]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
}, 60_000);

test("twenty attempts with a taken email are answered; the twenty-first, with a free one, is refused and creates nothing", async () => {
  const context = await newContext(browser, server.baseUrl);
  const page = await context.newPage();
  await page.goto("/signup");
  const form = page.getByRole("form", { name: "Sign up" });
  const submit = form.getByRole("button", { name: "Create account" });
  const answered = () => page.waitForResponse((r) => r.request().method() === "POST" && r.request().headers()["next-action"] !== undefined);
  const emailError = form.getByText("An account with this email already exists. Sign in instead.");

  await form.getByLabel("Name").fill("Someone else");
  await form.getByLabel("Email").fill(taken.email);
  await form.getByLabel("Password").fill("a guess at another password");
  for (let attempt = 1; attempt <= 20; attempt++) {
    const answer = answered();
    await submit.click();
    await answer;
    // The form clears its errors when sent, so this is this attempt's answer.
    await emailError.waitFor();
  }

  const free = newAccount("twenty-first");
  await form.getByLabel("Email").fill(free.email);
  const answer = answered();
  await submit.click();
  await answer;
  await form.getByRole("alert").filter({ hasText: /^Too many sign-up attempts from your network\. Try again in \d+ minutes\.$/ }).waitFor();
  expect(new URL(page.url()).pathname).toBe("/signup");
  await context.close();

  await server.stop();
  await database.use(async () => {
    const db = await prisma();
    expect(await db.user.findUnique({ where: { email: free.email } })).toBeNull();
    expect(await db.user.findUniqueOrThrow({ where: { email: taken.email } })).toEqual(taken.before);
    expect(await db.user.count()).toBe(1);
  });
});
