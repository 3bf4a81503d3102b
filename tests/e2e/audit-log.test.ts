import AxeBuilder from "@axe-core/playwright";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { recordEvent, SYSTEM } from "@/lib/audit/events";
import { prisma } from "@/lib/db";
import { ADMIN_AUDIT_LOG_PATH, SECURITY_LOG_PATH } from "@/lib/paths";
import { createToken } from "@/lib/tokens/service";
import { launchBrowser, newContext, signIn } from "@/tests/helpers/browser";
import { createTestDatabase, startServer, type TestDatabase, type TestServer } from "@/tests/helpers/server";
import { TEST_PASSWORD, createUser } from "@/tests/helpers/users";

jest.setTimeout(120_000);

/**
 * /settings/security-log and /admin/audit-log in a browser: events in words, filters, pages by
 * cursor, phone width, axe; the audit log a 404 for anyone but an administrator. The README's
 * picture of the security log is rewritten only with UPDATE_SCREENSHOTS=1.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? path.resolve(__dirname, "../../docs/screenshots") : mkdtempSync(path.join(tmpdir(), "tollgate-screenshots-"));
const T0 = Date.parse("2031-03-01T09:00:00.000Z");
const MINUTE = 60_000;

async function seed() {
  const db = await prisma();
  const admin = await createUser({ name: "Ada Admin", scopes: ["tokens:read", "tokens:write", "admin:read", "admin:write"] });
  await db.user.update({ where: { id: admin.id }, data: { isAdmin: true } });
  const owner = await createUser({ name: "Olive Owner", scopes: ["tokens:read", "tokens:write"] });
  const { token: ci } = await createToken(owner.id, { name: "CI deploy", scopes: ["tokens:read"] });
  const client = { address: "203.0.113.24", key: "203.0.113.24", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36" };
  const olive = { kind: "person", userId: owner.id, label: owner.email, client } as const;
  let minute = 0;
  const at = () => new Date(T0 + minute++ * MINUTE);
  await recordEvent(db, olive, { action: "user.signed_in", targetUser: owner.id }, at());
  await recordEvent(db, olive, { action: "token.created", targetUser: owner.id, targetToken: ci.guid, details: { name: "CI deploy" } }, at());
  for (let i = 0; i < 6; i++) await recordEvent(db, SYSTEM, { action: "user.sign_in_failed", targetUser: owner.id }, at());
  await recordEvent(db, { kind: "token", userId: owner.id, tokenGuid: ci.guid, client }, { action: "token.rotated", targetUser: owner.id, targetToken: ci.guid, details: { name: "CI deploy", overlapSeconds: 3600 } }, at());
  await recordEvent(
    db,
    { kind: "administrator", userId: admin.id, label: admin.email, tokenGuid: null, client },
    { action: "token.revoked_by_admin", targetUser: owner.id, targetToken: ci.guid, details: { name: "CI deploy", reason: "leaked in logs" } },
    at(),
  );
  await recordEvent(db, olive, { action: "user.password_changed", targetUser: owner.id }, at());
  return { admin, owner, ci };
}

let database: TestDatabase;
let server: TestServer;
let browser: Browser;
let seeded: Awaited<ReturnType<typeof seed>>;

beforeAll(async () => {
  database = await createTestDatabase();
  seeded = await database.use(seed);
  [server, browser] = await Promise.all([startServer({ database }), launchBrowser()]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await database?.drop();
}, 60_000);

async function signedIn(email: string, viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser, server.baseUrl, viewport);
  const page = await context.newPage();
  await page.goto("/signin?callbackUrl=%2Fsettings%2Ftokens");
  await signIn(page, { email, password: TEST_PASSWORD });
  await page.waitForURL("**/settings/tokens");
  return { context, page };
}

async function check(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  const violations = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  expect({ label, violations, sideways }).toEqual({ label, violations: [], sideways: false });
}

/** What each row says happened, top to bottom. */
async function descriptions(page: Page): Promise<string[]> {
  await page.getByRole("table").waitFor();
  return page.getByRole("table").locator("tbody th[scope=row] > span:first-child").allTextContents();
}

/** Follows a page link and waits until the table shows another page (a client navigation: the URL changes before the rows do). */
async function turn(page: Page, click: () => Promise<void>) {
  const before = await page.locator("tbody tr").first().getAttribute("data-event-id");
  await click();
  await page.waitForFunction((id) => document.querySelector("tbody tr")?.getAttribute("data-event-id") !== id, before);
}

async function apply(page: Page, fill: () => Promise<void>) {
  await fill();
  const before = page.url();
  await page.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL((url) => url.toString() !== before);
  await page.getByRole("heading", { level: 1 }).waitFor();
}

test("signed out, the security log sends to sign in and back", async () => {
  const context = await newContext(browser, server.baseUrl);
  const page = await context.newPage();
  await page.goto(SECURITY_LOG_PATH);
  await page.waitForURL("**/signin?callbackUrl=%2Fsettings%2Fsecurity-log");
  await signIn(page, { email: seeded.owner.email, password: TEST_PASSWORD });
  await page.waitForURL(`**${SECURITY_LOG_PATH}`);
  await page.getByRole("heading", { level: 1, name: "Security log" }).waitFor();
  await context.close();
});

describe("a person's security log", () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ({ context, page } = await signedIn(seeded.owner.email));
  });
  afterAll(() => context?.close());

  test("reached from the settings tabs, each event in words: what, who, from where", async () => {
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Security log" }).click();
    await page.waitForURL(`**${SECURITY_LOG_PATH}`);
    expect(await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Security log" }).getAttribute("aria-current")).toBe("page");
    const shown = await descriptions(page);
    expect(shown.slice(0, 4)).toEqual(["Password changed", "Revoked “CI deploy” — reason: leaked in logs", "Rotated “CI deploy” with a 1-hour overlap", "Sign-in failed"]);
    const revoked = page.getByRole("row", { name: /Revoked “CI deploy”/ });
    await expect(revoked.getByRole("cell").nth(1).textContent()).resolves.toBe(`Administrator ${seeded.admin.email}`);
    const rotated = page.getByRole("row", { name: /Rotated “CI deploy”/ });
    await expect(rotated.getByRole("cell").nth(1).textContent()).resolves.toBe(`Your token “CI deploy” (${seeded.ci.guid.slice(0, 8)}…)`);
    await expect(rotated.getByRole("cell").nth(2).textContent()).resolves.toMatch(/^203\.0\.113\.24Mozilla/);
    await check(page, "security log");
    await page.screenshot({ path: path.join(SCREENSHOTS, "security-log.png"), fullPage: true });
  });

  test("filters by kind and by token; Clear shows everything again", async () => {
    await page.goto(SECURITY_LOG_PATH);
    await apply(page, async () => void (await page.getByLabel("Kind").selectOption("tokens")));
    expect(new URL(page.url()).searchParams.get("action")).toBe("tokens");
    // Seeded in 2031, so they come first; creating the token in the seed may have recorded its own event too.
    expect((await descriptions(page)).slice(0, 3)).toEqual(["Revoked “CI deploy” — reason: leaked in logs", "Rotated “CI deploy” with a 1-hour overlap", "Created “CI deploy”"]);
    expect((await descriptions(page)).every((d) => /CI deploy/.test(d))).toBe(true);
    await apply(page, async () => void (await page.getByLabel("Kind").selectOption("user.sign_in_failed")));
    expect(await descriptions(page)).toEqual(Array(6).fill("Sign-in failed"));
    await page.getByRole("link", { name: "Clear" }).click();
    await page.waitForURL(`**${SECURITY_LOG_PATH}`);
    // The token's GUID in a row filters by it.
    await page.getByRole("link", { name: `Token ${seeded.ci.guid}` }).first().click();
    await page.waitForURL((url) => url.searchParams.get("token") === seeded.ci.guid);
    expect((await descriptions(page)).slice(0, 3)).toEqual(["Revoked “CI deploy” — reason: leaked in logs", "Rotated “CI deploy” with a 1-hour overlap", "Created “CI deploy”"]);
    expect(await page.getByLabel("Token", { exact: true }).inputValue()).toBe(seeded.ci.guid);
  });

  test("a date range in the reader's days; a range with nothing in it says so", async () => {
    await page.goto(SECURITY_LOG_PATH);
    await apply(page, async () => {
      await page.getByLabel("From").fill("2031-03-02");
    });
    await page.getByText("No events match.").waitFor();
    await apply(page, async () => {
      await page.getByLabel("From").fill("2031-03-01");
      await page.getByLabel("To (inclusive)").fill("2031-03-01");
    });
    expect(await descriptions(page)).toHaveLength(11);
  });

  test("pages by cursor: Older, Newer, Newest cover the log once", async () => {
    await page.goto(`${SECURITY_LOG_PATH}?limit=4`);
    const pages = page.getByRole("navigation", { name: "Pages" });
    const first = await descriptions(page);
    expect(await pages.getByText("Newer").getAttribute("aria-disabled")).toBe("true");
    const seen = [...first];
    for (;;) {
      const older = pages.getByRole("link", { name: "Older" });
      if (!(await older.count())) break;
      await turn(page, () => older.click());
      seen.push(...(await descriptions(page)));
      if (seen.length > 40) throw new Error("the pages do not end");
    }
    expect(seen.length).toBeGreaterThanOrEqual(11);
    expect(seen.slice(0, 11)).toEqual([
      "Password changed",
      "Revoked “CI deploy” — reason: leaked in logs",
      "Rotated “CI deploy” with a 1-hour overlap",
      ...Array(6).fill("Sign-in failed"),
      "Created “CI deploy”",
      "Signed in",
    ]);
    await turn(page, () => pages.getByRole("link", { name: "Newer" }).click());
    await turn(page, () => pages.getByRole("link", { name: "Newest" }).click());
    expect(new URL(page.url()).searchParams.has("cursor")).toBe(false);
    expect(await descriptions(page)).toEqual(first);
  });

  test("the audit log is not there for someone who is not an administrator", async () => {
    const response = await page.goto(ADMIN_AUDIT_LOG_PATH);
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { level: 1, name: "This page does not exist" }).waitFor();
  });
});

test("at phone width both logs fit and pass axe", async () => {
  const phone = { width: 390, height: 844 };
  for (const [email, url] of [
    [seeded.owner.email, SECURITY_LOG_PATH],
    [seeded.admin.email, ADMIN_AUDIT_LOG_PATH],
  ] as const) {
    const { context, page } = await signedIn(email, phone);
    await page.goto(url);
    await page.getByRole("table").waitFor();
    await check(page, `${url} at 390 px`);
    // Every control of the page is a 40 px target on a phone (docs/ui.md, "Tap targets").
    const small = await page.evaluate(() =>
      [...document.querySelectorAll("main a, main button, main input, main select, main summary")]
        .map((el) => ({ el, box: el.getBoundingClientRect() }))
        .filter(({ box }) => box.width > 0 && (box.width < 40 || box.height < 40))
        .map(({ el, box }) => `${el.outerHTML.slice(0, 80)} ${Math.round(box.width)}×${Math.round(box.height)}`),
    );
    expect({ url, small }).toEqual({ url, small: [] });
    await context.close();
  }
});

describe("the administrators' audit log", () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    ({ context, page } = await signedIn(seeded.admin.email));
  });
  afterAll(() => context?.close());

  test("every account's events, from the admin tabs; filtered by account and by who did it", async () => {
    await page.goto("/admin/users");
    await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Audit log" }).click();
    await page.waitForURL(`**${ADMIN_AUDIT_LOG_PATH}`);
    await page.getByRole("heading", { level: 1, name: "Audit log" }).waitFor();
    await check(page, "audit log");
    const revoked = page.getByRole("row", { name: /Revoked “CI deploy”/ });
    await expect(revoked.getByRole("cell").nth(1).textContent()).resolves.toBe("You, as administrator");
    await expect(revoked.getByRole("cell").nth(2).textContent()).resolves.toBe(seeded.owner.email);

    await apply(page, () => page.getByLabel("Done by").fill(seeded.admin.email.toUpperCase()));
    expect(await descriptions(page)).toEqual(expect.arrayContaining(["Revoked “CI deploy” — reason: leaked in logs"]));
    expect((await descriptions(page)).every((d) => !d.startsWith("Sign-in failed"))).toBe(true);

    await apply(page, async () => {
      await page.getByLabel("Done by").fill("");
      await page.getByLabel("Account").fill(seeded.owner.id);
      await page.getByLabel("Kind").selectOption("account");
    });
    const account = await descriptions(page);
    expect(account.slice(0, 7)).toEqual(["Password changed", ...Array(6).fill("Sign-in failed")]);
    await check(page, "audit log, filtered");
  });
});
