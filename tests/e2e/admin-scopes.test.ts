import type { Locator, Page } from "playwright-core";
import { prisma } from "@/lib/db";
import { createToken, newAccount, newContext, signUp, useSeededAppInBrowser, seriousViolations } from "@/tests/helpers/browser";
import { expectFocusOn } from "@/tests/helpers/focus";
import { createUser } from "@/tests/helpers/users";

jest.setTimeout(180_000);

/** /admin/scopes as an administrator meets it in Chromium, and as anyone else does not. */

const app = useSeededAppInBrowser(async () => {
  const admin = await createUser({ name: "Ada Admin", scopes: ["tokens:read", "tokens:write"] });
  await (await prisma()).user.update({ where: { id: admin.id }, data: { isAdmin: true } });
  return admin;
});

async function check(page: Page, label: string) {
  const scrollsSideways = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  expect({ label, violations: await seriousViolations(page), scrollsSideways }).toEqual({ label, violations: [], scrollsSideways: false });
}

const catalogue = (page: Page) => page.getByRole("table", { name: "Scopes in use" });
const rowOf = (page: Page, name: string): Locator => catalogue(page).getByRole("row").filter({ has: page.getByRole("rowheader", { name: new RegExp(`^${name}`) }) });
const cell = (row: Locator, column: string) => row.locator(`td[data-label="${column}"]`);

/** The app's 404 page, and nothing of the catalogue (tests/e2e/admin-access.test.ts checks the status). */
async function isNotFound(page: Page): Promise<boolean> {
  await page.getByRole("heading", { level: 1 }).first().waitFor();
  const heading = await page.getByRole("heading", { level: 1 }).first().textContent();
  return heading === "This page does not exist" && (await page.getByRole("table", { name: "Scopes in use" }).count()) === 0;
}

test("an administrator adds billing:read, edits it, makes it a default, and retires it after a confirmation with the right numbers", async () => {
  const page = app.page;
  await page.goto("/admin/scopes");
  await page.getByRole("heading", { level: 1, name: "Scopes" }).waitFor();
  expect(await rowOf(page, "tokens:read").count()).toBe(1);
  expect(await cell(rowOf(page, "tokens:read"), "Kind").textContent()).toBe("Built in");
  expect(await cell(rowOf(page, "admin:write"), "Kind").textContent()).toBe("Built inAdministrators only");
  expect(await rowOf(page, "tokens:read").getByRole("button", { name: /Retire/ }).count()).toBe(0);
  await check(page, "catalogue");

  // Field errors from the server, shown under the field that has them.
  const form = page.getByRole("form", { name: "Add a scope" });
  await form.getByLabel("Name").fill("Billing Read");
  await form.getByLabel("Description").fill("Read invoices");
  await form.getByRole("button", { name: "Add scope" }).click();
  await page.locator("#scope-name-error").getByText(/lowercase service:action/).waitFor();
  await expectFocusOn(page, "Name");
  await check(page, "field errors");

  await form.getByLabel("Name").fill("billing:read");
  await form.getByRole("button", { name: "Add scope" }).click();
  await rowOf(page, "billing:read").waitFor();
  expect(await page.locator("#scope-name-error").textContent()).toBe("");
  const billing = rowOf(page, "billing:read");
  expect(await cell(billing, "Kind").textContent()).toBe("Custom");
  expect([await cell(billing, "Holders").textContent(), await cell(billing, "Tokens").textContent()]).toEqual(["0", "0"]);

  await billing.getByRole("button", { name: "Edit billing:read" }).click();
  const edit = page.getByRole("dialog", { name: "Edit billing:read" });
  await check(page, "edit dialog");
  await edit.getByLabel("Description").fill("Read invoices and payments in Billing");
  await edit.getByRole("button", { name: "Save" }).click();
  await edit.waitFor({ state: "hidden" });
  await expectFocusOn(page, "Edit billing:read");
  await billing.getByText("Read invoices and payments in Billing").waitFor();

  const toggle = billing.getByRole("checkbox", { name: "New accounts receive billing:read" });
  expect(await toggle.isChecked()).toBe(false);
  await toggle.check();
  await page.waitForFunction(() => (document.getElementById("default-billing:read") as HTMLInputElement | null)?.checked === true);
  expect(await rowOf(page, "tokens:read").getByRole("checkbox").isChecked()).toBe(true);
  expect(await rowOf(page, "admin:read").getByRole("checkbox").count()).toBe(0);

  // A new account receives it, and carries it on a token: the numbers the confirmation must state.
  const newcomer = await newContext(app.browser, app.server.baseUrl);
  try {
    const theirs = await newcomer.newPage();
    await signUp(theirs, newAccount("newcomer"));
    await createToken(theirs, "Billing export", "billing:read");
    await theirs.goto("/admin/scopes");
    expect(await isNotFound(theirs)).toBe(true);
    expect(await seriousViolations(theirs)).toEqual([]);
  } finally {
    await newcomer.close();
  }

  // This page was loaded before the newcomer came: the dialog reads the counts afresh.
  expect([await cell(billing, "Holders").textContent(), await cell(billing, "Tokens").textContent()]).toEqual(["0", "0"]);
  await billing.getByRole("button", { name: "Retire billing:read" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Retire billing:read?" });
  await confirm.waitFor();
  expect(await confirm.textContent()).toContain("1 user holds billing:read and 1 token carries it.");
  expect(await confirm.textContent()).toContain("This cannot be undone.");
  await check(page, "retire confirmation");

  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expectFocusOn(page, "Retire billing:read");

  await billing.getByRole("button", { name: "Retire billing:read" }).click();
  await confirm.getByRole("button", { name: "Retire scope" }).click();
  await page.getByText("Retired billing:read: withdrawn from 1 user, 1 token lost it.").waitFor();
  await expectFocusOn(page, "Catalogue");
  await rowOf(page, "billing:read").waitFor({ state: "detached" });
  const retired = page.getByRole("list", { name: "Retired scopes" }).getByRole("listitem").filter({ hasText: "billing:read" });
  expect(await retired.getByRole("button").count()).toBe(0);
  await retired.getByText("Retired", { exact: true }).waitFor();
  await check(page, "with a retired scope");

  // A retired name cannot be used again.
  await form.getByLabel("Name").fill("billing:read");
  await form.getByLabel("Description").fill("Again");
  await form.getByRole("button", { name: "Add scope" }).click();
  await page.locator("#scope-name-error").getByText(/billing:read was retired/).waitFor();
});

test("at phone width the catalogue fits and passes axe", async () => {
  await app.page.setViewportSize({ width: 390, height: 844 });
  try {
    await app.page.goto("/admin/scopes");
    await rowOf(app.page, "tokens:read").waitFor();
    await check(app.page, "phone");
  } finally {
    await app.page.setViewportSize({ width: 1280, height: 900 });
  }
});

test("signed out, /admin/scopes is a 404 too", async () => {
  const context = await newContext(app.browser, app.server.baseUrl);
  try {
    const page = await context.newPage();
    await page.goto("/admin/scopes");
    expect(await isNotFound(page)).toBe(true);
  } finally {
    await context.close();
  }
});
