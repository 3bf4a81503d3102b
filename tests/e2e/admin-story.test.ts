import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { prisma } from "@/lib/db";
import { createToken, newAccount, newContext, signUp, useSeededAppInBrowser } from "@/tests/helpers/browser";
import { createUser } from "@/tests/helpers/users";

jest.setTimeout(180_000);

/**
 * Issue 13's whole story, in Chromium and over HTTP, as a deployment's administrator and a
 * service's owner live it: a scope for another service is created, granted with
 * tokens:introspect to a new person, carried by that person's service token and reported by
 * introspection; once retired, introspection stops reporting it within a second.
 */
// Rewritten in docs/screenshots only when asked (UPDATE_SCREENSHOTS=1), as tests/e2e/accessibility.test.ts does.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? path.resolve(__dirname, "../../docs/screenshots") : mkdtempSync(path.join(tmpdir(), "tollgate-screenshots-"));

/** The admin page at `href`, photographed once its heading is there. */
async function photograph(page: Page, href: string, heading: string, file: string): Promise<void> {
  await page.goto(href);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
  await page.screenshot({ path: path.join(SCREENSHOTS, file), fullPage: true });
}

const app = useSeededAppInBrowser(async () => {
  const admin = await createUser({ name: "Ada Admin", scopes: ["tokens:read", "tokens:write"] });
  await (await prisma()).user.update({ where: { id: admin.id }, data: { isAdmin: true } });
  return admin;
});

type Introspection = { active: boolean; scope?: string };

async function introspect(token: string, asker: string): Promise<Introspection> {
  const response = await fetch(`${app.server.baseUrl}/api/v1/introspect`, {
    method: "POST",
    headers: { authorization: `Bearer ${asker}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }).toString(),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Introspection;
}

async function addScope(page: Page, name: string, description: string): Promise<void> {
  await page.goto("/admin/scopes");
  const form = page.getByRole("form", { name: "Add a scope" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Description").fill(description);
  await form.getByRole("button", { name: "Add scope" }).click();
  await page.getByRole("table", { name: "Scopes in use" }).getByRole("rowheader", { name: new RegExp(`^${name}`) }).waitFor();
}

async function grant(page: Page, email: string, name: string, scopes: string[]): Promise<void> {
  await page.goto(`/admin/users?q=${encodeURIComponent(email)}`);
  const row = page.getByRole("table", { name: "Users" }).locator("tbody tr").filter({ hasText: email });
  await row.getByRole("button", { name: `Scopes of ${email}` }).click();
  const dialog = page.getByRole("dialog", { name: `Scopes of ${name}` });
  for (const scope of scopes) {
    await dialog.getByRole("button", { name: `Grant ${scope}` }).click();
    await dialog.getByRole("button", { name: `Withdraw ${scope}` }).waitFor();
  }
  await dialog.getByRole("button", { name: "Done" }).click();
  await dialog.waitFor({ state: "hidden" });
}

test("an administrator's new scope reaches a service through introspection, and retiring it takes it away within 1 s", async () => {
  const admin = app.page;
  await addScope(admin, "billing:read", "Read invoices and payments in Billing");

  // A new person signs up; the administrator grants them the new scope and introspection.
  const person = newAccount("billing-service-owner");
  const theirs = await newContext(app.browser, app.server.baseUrl);
  try {
    const page = await theirs.newPage();
    await signUp(page, person);
    await grant(admin, person.email, person.name, ["billing:read", "tokens:introspect"]);

    // Their page now offers both scopes: a service token and an introspection token.
    await page.reload();
    const serviceToken = await createToken(page, "Billing service", "billing:read");
    const introspectionToken = await createToken(page, "Gateway", "tokens:introspect");

    const before = await introspect(serviceToken, introspectionToken);
    expect({ active: before.active, scopes: before.scope?.split(" ") }).toEqual({ active: true, scopes: ["billing:read"] });

    await photograph(admin, "/admin/scopes", "Scopes", "admin-scopes.png");
    await photograph(admin, "/admin/tokens", "Every token", "admin-tokens.png");
    await photograph(admin, "/admin/policies", "Token policies", "admin-policies.png");

    await admin.goto("/admin/scopes");
    await admin.getByRole("button", { name: "Retire billing:read" }).click();
    const confirm = admin.getByRole("alertdialog", { name: "Retire billing:read?" });
    await confirm.getByText("1 user holds billing:read and 1 token carries it.", { exact: false }).waitFor();
    await confirm.getByRole("button", { name: "Retire scope" }).click();
    await admin.getByText(/^Retired billing:read/).waitFor();

    // The retirement is committed when the page says so; from then on introspection must stop
    // listing it. Polled with a deadline of a few seconds and the outcome asserted, never the time
    // (docs: no timed assertions); the 1 s bound across instances is measured by npm run test:multi.
    const deadline = Date.now() + 5_000;
    let answer = await introspect(serviceToken, introspectionToken);
    while ((answer.scope ?? "").split(" ").includes("billing:read") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      answer = await introspect(serviceToken, introspectionToken);
    }
    expect({ active: answer.active, scopes: (answer.scope ?? "").split(" ").filter(Boolean) }).toEqual({ active: true, scopes: [] });

    // The retired scope can no longer be granted: the person's scope dialog does not offer it.
    await admin.goto(`/admin/users?q=${encodeURIComponent(person.email)}`);
    await admin.getByRole("button", { name: `Scopes of ${person.email}` }).click();
    const dialog = admin.getByRole("dialog", { name: `Scopes of ${person.name}` });
    await dialog.getByRole("button", { name: "Withdraw tokens:introspect" }).waitFor();
    expect(await dialog.getByRole("button", { name: /billing:read/ }).count()).toBe(0);
  } finally {
    await theirs.close();
  }
});
