import type { BrowserContext, Page } from "playwright-core";
import { createToken, putSecretAway, rowAction, signedUpPage, useAppInBrowser } from "@/tests/helpers/browser";
import { expectFocusOn } from "@/tests/helpers/focus";

jest.setTimeout(120_000);

/**
 * Where the keyboard focus lands when each dialog of the token page closes, whichever way it
 * closes: never on the document (which sends a keyboard or screen-reader user back to the top of
 * the page), but on the control they came from, or the nearest sensible one when that is gone.
 * And each action says what it did in a toast.
 */

const app = useAppInBrowser();
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ context, page } = await signedUpPage(app, "focus"));
});

afterAll(() => context?.close());

const row = (name: string) => page.getByRole("row", { name: new RegExp(`^${name}`) });
const toast = (text: string) => page.getByRole("listitem").filter({ hasText: text }).first().waitFor();

test("the create dialog, cancelled or closed with Escape, and the secret dialog return focus to the create button", async () => {
  await createToken(page, "First");
  // createToken clicked "Create your first token", which the new list replaced with "New token".
  await expectFocusOn(page, "New token");

  await page.getByRole("button", { name: "New token" }).click();
  const dialog = page.getByRole("dialog", { name: "New API token" });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "hidden" });
  await expectFocusOn(page, "New token");

  await page.getByRole("button", { name: "New token" }).click();
  await dialog.waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  await expectFocusOn(page, "New token");
});

test("saving an edit returns focus to the row's Edit button", async () => {
  await createToken(page, "Editable");
  await row("Editable").getByRole("button", { name: "Edit Editable" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit token" });
  await dialog.getByLabel(/^Description/).fill("Changed by the focus test");
  await dialog.getByRole("button", { name: "Save changes" }).click();
  await dialog.waitFor({ state: "hidden" });
  await toast("Token “Editable” saved.");
  await row("Editable").getByText("Changed by the focus test").waitFor();
  await expectFocusOn(page, "Edit Editable");
});

test("rotating, then putting the new secret away, returns focus to the row's menu button", async () => {
  await createToken(page, "Rotatable");
  await rowAction(row("Rotatable"), "Rotate");
  const dialog = page.getByRole("dialog", { name: "Rotate “Rotatable”" });
  await dialog.getByRole("button", { name: "Rotate secret" }).click();
  const secret = page.getByRole("dialog", { name: "New secret" });
  await secret.getByLabel("Secret").waitFor();
  await toast("Token “Rotatable” rotated.");
  await putSecretAway(secret);
  await expectFocusOn(page, "More actions for Rotatable");
});

test("revoke: cancelling returns to the menu button; revoking (which disables Revoke) moves focus to the row's Edit button", async () => {
  await createToken(page, "Revocable");
  const confirm = page.getByRole("alertdialog", { name: "Revoke “Revocable”?" });

  await rowAction(row("Revocable"), "Revoke");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await confirm.waitFor({ state: "hidden" });
  await expectFocusOn(page, "More actions for Revocable");

  await rowAction(row("Revocable"), "Revoke");
  await confirm.getByRole("button", { name: "Revoke token" }).click();
  await confirm.waitFor({ state: "hidden" });
  await toast("Token “Revocable” revoked. It no longer works.");
  // The toast can come a moment before the row re-renders: wait for the row's new status.
  await row("Revocable").getByText("Revoked", { exact: true }).first().waitFor();
  await expectFocusOn(page, "Edit Revocable");
});

test("delete: cancelling returns to the menu button; deleting (which removes the row) moves focus to the create button", async () => {
  await createToken(page, "Deletable");
  const confirm = page.getByRole("alertdialog", { name: "Delete “Deletable”?" });

  await rowAction(row("Deletable"), "Delete");
  await page.keyboard.press("Escape");
  await confirm.waitFor({ state: "hidden" });
  await expectFocusOn(page, "More actions for Deletable");

  await rowAction(row("Deletable"), "Delete");
  await confirm.getByRole("button", { name: "Delete token" }).click();
  await confirm.waitFor({ state: "hidden" });
  await toast("Token “Deletable” deleted.");
  await row("Deletable").waitFor({ state: "detached" });
  await expectFocusOn(page, "New token");
});

test("deleting the last token moves focus to the empty state's create button", async () => {
  for (const name of ["First", "Editable", "Rotatable", "Revocable"]) {
    await rowAction(row(name), "Delete");
    await page.getByRole("alertdialog").getByRole("button", { name: "Delete token" }).click();
    // Not the row's absence alone: the open dialog hides the list from the accessibility tree.
    await toast(`Token “${name}” deleted.`);
    await row(name).waitFor({ state: "detached" });
  }
  await page.getByRole("heading", { name: "You have no API tokens yet" }).waitFor();
  await expectFocusOn(page, "Create your first token");
});
