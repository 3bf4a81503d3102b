import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { createTestDatabase, startServer, type TestDatabase, type TestServer } from "./server";
import { TEST_PASSWORD } from "./users";

/**
 * Debian's Chromium, driven by playwright-core. The flags keep it from reaching out to Google's
 * services, which this machine cannot reach and which would only slow every launch down.
 */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  // Every context (browser.newPage makes one too) reports what the pages' policies refused.
  const newBrowserContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newBrowserContext(options);
    await reportPolicyViolations(context);
    return context;
  };
  return browser;
}

const policyViolations: string[] = [];

/**
 * What the Content-Security-Policy or Permissions-Policy refused since the last call, in every
 * browser context of this test file. tests/helpers/policy-guard.ts fails each test that leaves any.
 */
export function takePolicyViolations(): string[] {
  return policyViolations.splice(0);
}

async function reportPolicyViolations(context: BrowserContext): Promise<void> {
  await context.exposeBinding("__reportPolicyViolation", ({ page }, text: string) => {
    policyViolations.push(`${page.url()}: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { __reportPolicyViolation(text: string): void }).__reportPolicyViolation;
      report(`${event.effectiveDirective} refused ${event.blockedURI || "an inline resource"} (${event.sourceFile || "the document"}:${event.lineNumber})`);
    });
  });
  // A refused frame is reported only in its parent's console, and a bad Permissions-Policy only there too.
  context.on("console", (message) => {
    if (/Content Security Policy|Permissions[- ]Policy/i.test(message.text())) policyViolations.push(`${message.page()?.url()}: ${message.text()}`);
  });
}

/** A fresh browser profile (its own cookies) pointed at the test server. */
export function newContext(browser: Browser, baseUrl: string, viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  // Reduced motion: pages are checked and photographed at rest, not halfway through a fade-in.
  return browser.newContext({ baseURL: baseUrl, viewport, locale: "en-GB", timezoneId: "UTC", reducedMotion: "reduce" });
}

// A page of no origin of ours, served by Playwright itself (https, so the clipboard API exists there).
const CLIPBOARD_READER = "https://clipboard-reader.test/";

/**
 * What the system clipboard holds. Read from a blank page of another origin: Tollgate's pages
 * may write the clipboard but not read it (Permissions-Policy), and rightly so. `page` gets the
 * focus back afterwards, since writing the clipboard needs a focused page.
 */
export async function readClipboard(page: Page): Promise<string> {
  const reader = await page.context().newPage();
  await reader.route(CLIPBOARD_READER, (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><title>Clipboard</title>" }));
  await page.context().grantPermissions(["clipboard-read"], { origin: new URL(CLIPBOARD_READER).origin });
  await reader.goto(CLIPBOARD_READER);
  await reader.bringToFront();
  try {
    return await reader.evaluate(() => navigator.clipboard.readText());
  } finally {
    await reader.close();
    await page.bringToFront();
  }
}

export type Account = { name: string; email: string; password: string };

let accounts = 0;
/** A new person with an address no other test uses. */
export function newAccount(label = "user"): Account {
  accounts += 1;
  const tag = `${label}-${process.pid}-${accounts}-${Date.now().toString(36)}`;
  return { name: `E2E ${label} ${accounts}`, email: `${tag}@example.test`, password: TEST_PASSWORD };
}

/** Signs up through the /signup form, as a person would; the app then shows the token page. */
export async function signUp(page: Page, account: Account): Promise<void> {
  await page.goto("/signup");
  const form = page.getByRole("form", { name: "Sign up" });
  await form.getByLabel("Name").fill(account.name);
  await form.getByLabel("Email").fill(account.email);
  await form.getByLabel("Password").fill(account.password);
  await form.getByRole("button", { name: /sign up|create account/i }).click();
  await page.waitForURL("**/settings/tokens**");
  await page.getByRole("heading", { level: 1, name: "API tokens" }).waitFor();
}

/** A new account, signed up in a browser context of its own, on the token page. */
export async function signedUpPage(app: AppInBrowser, label: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(app.browser, app.server.baseUrl);
  const page = await context.newPage();
  await signUp(page, newAccount(label));
  return { context, page };
}

/** Signs in through the /signin form. */
export async function signIn(page: Page, account: Pick<Account, "email" | "password">): Promise<void> {
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Email").fill(account.email);
  await form.getByLabel("Password").fill(account.password);
  await form.getByRole("button", { name: /^sign in$/i }).click();
}

/** Creates a token through the dialog and returns the secret the page shows once. */
export async function createToken(page: Page, name: string, scope = "tokens:read"): Promise<string> {
  await page.getByRole("button", { name: /^(New token|Create your first token)$/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/^Name/).fill(name);
  await dialog.getByRole("checkbox", { name: new RegExp(`^${scope}`) }).check();
  await dialog.getByRole("button", { name: "Create token" }).click();
  const secretDialog = page.getByRole("dialog", { name: "Your new token" });
  const secret = await secretDialog.getByLabel("Secret").inputValue();
  await putSecretAway(secretDialog);
  return secret;
}

/** Closes the one-time secret dialog without copying: Done, then "Close anyway" when it asks. */
export async function putSecretAway(secretDialog: Locator): Promise<void> {
  await secretDialog.getByRole("button", { name: "Done" }).click();
  await secretDialog.getByRole("button", { name: "Close anyway" }).click();
  await secretDialog.waitFor({ state: "hidden" });
}

/** Chooses `action` (Rotate, End overlap now, Revoke, Delete) from a row's "More actions" menu. */
export async function rowAction(row: Locator, action: string): Promise<void> {
  await row.getByRole("button", { name: /^More actions for / }).click();
  await row.page().getByRole("menu").getByRole("menuitem", { name: action, exact: true }).click();
}

/** The menu item `action` of a row's "More actions" menu, with the menu opened (Escape closes it). */
export async function rowMenuItem(row: Locator, action: string): Promise<Locator> {
  await row.getByRole("button", { name: /^More actions for / }).click();
  return row.page().getByRole("menu").getByRole("menuitem", { name: action, exact: true });
}

export type AppInBrowser = { server: TestServer; browser: Browser };

/**
 * What most browser test files set up: the built app on a fresh embedded database, Chromium, and
 * the cleanup of both. The fields are filled in by beforeAll: read them inside tests.
 */
export function useAppInBrowser(env: Record<string, string> = {}): AppInBrowser {
  const app = {} as AppInBrowser;
  beforeAll(async () => {
    [app.server, app.browser] = await Promise.all([startServer({ env }), launchBrowser()]);
  }, 180_000);
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.stop();
  }, 60_000);
  return app;
}

export type SeededAppInBrowser = AppInBrowser & { database: TestDatabase; context: BrowserContext; page: Page; email: string };

/**
 * For files whose tests read one user's many tokens: a fresh database seeded before the server
 * starts (an embedded database cannot be opened by two processes at once), the built app on it,
 * Chromium, and the seeded user (created with tests/helpers/users.ts, so TEST_PASSWORD) signed in
 * on the token page. The fields are filled in by beforeAll: read them inside tests.
 */
export function useSeededAppInBrowser(seedUser: () => Promise<{ email: string }>): SeededAppInBrowser {
  const app = {} as SeededAppInBrowser;
  beforeAll(async () => {
    app.database = await createTestDatabase();
    app.email = (await app.database.use(seedUser)).email;
    [app.server, app.browser] = await Promise.all([startServer({ database: app.database }), launchBrowser()]);
    app.context = await newContext(app.browser, app.server.baseUrl);
    app.page = await app.context.newPage();
    await app.page.goto("/signin?callbackUrl=%2Fsettings%2Ftokens");
    await signIn(app.page, { email: app.email, password: TEST_PASSWORD });
    await app.page.waitForURL("**/settings/tokens");
  }, 180_000);
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.stop();
    await app.database?.drop();
  }, 60_000);
  return app;
}

/** The token names the list shows, top to bottom. */
export async function tokenNames(page: Page): Promise<string[]> {
  await page.getByRole("table").waitFor();
  return page.getByRole("table").locator("tbody th[scope=row] > span").allTextContents();
}

/** axe's serious and critical WCAG 2 A/AA violations on the page as it is now, each with where it is. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(" ")} ${n.html.slice(0, 120)}`).join(", ")}`);
}

export type UsageRow = { start: string; answered: number; refusedScope: number; refusedRate: number };

/** A usage chart's bars as their data says, and its table's rows as a reader sees them, in order. */
export async function chartAndTable(figure: Locator): Promise<{ bars: UsageRow[]; table: UsageRow[] }> {
  const bars = await figure.locator("svg [data-bar]").evaluateAll((gs) =>
    gs.map((g) => ({
      start: g.getAttribute("data-start")!,
      answered: Number(g.getAttribute("data-answered")),
      refusedScope: Number(g.getAttribute("data-refused-scope")),
      refusedRate: Number(g.getAttribute("data-refused-rate")),
    })),
  );
  const table = await figure.locator("table tbody tr").evaluateAll((rows) =>
    rows.map((row) => {
      const [answered, refusedScope, refusedRate] = [...row.querySelectorAll("td")].map((td) => Number(td.textContent));
      return { start: row.querySelector("time")!.getAttribute("datetime")!, answered: answered!, refusedScope: refusedScope!, refusedRate: refusedRate! };
    }),
  );
  return { bars, table };
}
