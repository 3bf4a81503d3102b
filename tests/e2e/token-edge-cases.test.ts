import type { BrowserContext, Locator, Page } from "playwright-core";
import { createToken, putSecretAway, rowAction, rowMenuItem, signedUpPage, useAppInBrowser } from "@/tests/helpers/browser";

jest.setTimeout(180_000);

/**
 * The token flows off the straight path (token-flows.test.ts walks that one): a token that is not
 * valid yet, a rotation that keeps the old secret for a while, an edit abandoned half-way, and a
 * second tab that still shows a token deleted in the first.
 */

const app = useAppInBrowser();

let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ context, page } = await signedUpPage(app, "edges"));
}, 120_000);

function me(secret: string): Promise<Response> {
  return fetch(`${app.server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
}

function row(on: Page, name: string): Locator {
  return on.getByRole("row", { name: new RegExp(`^${name}(\\s|$)`) });
}

/** A `datetime-local` value `minutes` from now, in the page's time zone (UTC: see newContext). */
function localInput(minutesFromNow: number): string {
  return new Date(Date.now() + minutesFromNow * 60_000).toISOString().slice(0, 16);
}

/** Applies the status filter through the form, as a person would, and waits for the new list. */
async function showStatus(status: "all" | "active" | "inactive"): Promise<void> {
  const form = page.getByRole("search", { name: "Filter tokens" });
  await form.getByLabel("Status").selectOption(status);
  await form.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL((url) => (url.searchParams.get("status") ?? "all") === status);
}

test("a token that starts tomorrow is Scheduled: inactive in the list, refused by the API, and not revocable", async () => {
  await page.getByRole("button", { name: /^(New token|Create your first token)$/ }).click();
  const dialog = page.getByRole("dialog", { name: "New API token" });
  await dialog.getByLabel(/^Name/).fill("Starts tomorrow");
  await dialog.getByRole("checkbox", { name: /^tokens:read/ }).check();
  await dialog.getByLabel(/^Valid from/).fill(localInput(24 * 60 + 5));
  await dialog.getByRole("button", { name: "Create token" }).click();
  const secretDialog = page.getByRole("dialog", { name: "Your new token" });
  const secret = await secretDialog.getByLabel("Secret").inputValue();
  await putSecretAway(secretDialog);

  const scheduled = row(page, "Starts tomorrow");
  await scheduled.getByText("Inactive", { exact: true }).waitFor();
  await scheduled.getByText(/^Scheduled, starts/).waitFor();
  const revoke = await rowMenuItem(scheduled, "Revoke");
  expect(await revoke.getAttribute("aria-disabled")).toBe("true");
  // Said in the item itself, where a touch screen shows it too (a title would not).
  await revoke.getByText("Not active yet. Edit its validity or delete it instead.").waitFor();
  await page.keyboard.press("Escape");

  const response = await me(secret);
  expect(response.status).toBe(401);
  expect((await response.json()).error).toMatchObject({ code: "invalid_token", message: expect.stringMatching(/not valid yet/) });

  await showStatus("active");
  expect(await row(page, "Starts tomorrow").count()).toBe(0);
  await showStatus("inactive");
  await row(page, "Starts tomorrow").waitFor();
  await showStatus("all");
});

test("rotating with an overlap keeps the old secret working beside the new one", async () => {
  const secret = await createToken(page, "Overlapping");
  await rowAction(row(page, "Overlapping"), "Rotate");
  const dialog = page.getByRole("dialog", { name: "Rotate “Overlapping”" });
  await dialog.getByRole("radio", { name: /^1 hour/ }).check();
  await dialog.getByRole("button", { name: "Rotate secret" }).click();
  const secretDialog = page.getByRole("dialog", { name: "New secret" });
  const rotated = await secretDialog.getByLabel("Secret").inputValue();
  await putSecretAway(secretDialog);

  expect(rotated).not.toBe(secret);
  expect((await me(rotated)).status).toBe(200);
  expect((await me(secret)).status).toBe(200);
  // The list shows the new secret's partial: it is the token's secret now.
  await row(page, "Overlapping").getByText(`${rotated.slice(0, 8)}…${rotated.slice(-4)}`).waitFor();
});

test("an edit needs a name and a scope to be saved, and Cancel discards it", async () => {
  await createToken(page, "Kept as is");
  const target = row(page, "Kept as is");
  await target.getByRole("button", { name: "Edit Kept as is" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit token" });
  const save = dialog.getByRole("button", { name: "Save changes" });
  expect(await save.isEnabled()).toBe(true);

  await dialog.getByLabel(/^Name/).fill("");
  await dialog.getByText("To save, enter a name.").waitFor();
  expect(await save.isDisabled()).toBe(true);
  await dialog.getByLabel(/^Name/).fill("Changed my mind");
  await dialog.getByRole("checkbox", { name: /^tokens:read/ }).uncheck();
  await dialog.getByText("To save, enter at least one scope.").waitFor();
  expect(await save.isDisabled()).toBe(true);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.waitFor({ state: "hidden" });

  // Opened again, the dialog holds the token as it is, not the abandoned edit.
  await target.getByRole("button", { name: "Edit Kept as is" }).click();
  expect(await dialog.getByLabel(/^Name/).inputValue()).toBe("Kept as is");
  expect(await dialog.getByRole("checkbox", { name: /^tokens:read/ }).isChecked()).toBe(true);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await page.reload();
  await row(page, "Kept as is").waitFor();
  expect(await row(page, "Changed my mind").count()).toBe(0);
});

test("a token deleted in another tab: the first tab's action says it is gone, and its list catches up", async () => {
  await createToken(page, "Deleted elsewhere");
  const other = await context.newPage();
  await other.goto("/settings/tokens");
  await rowAction(row(other, "Deleted elsewhere"), "Delete");
  await other.getByRole("alertdialog").getByRole("button", { name: "Delete token" }).click();
  // Its announcement, not the row's absence (the open dialog hides the list): closing the tab sooner could cut the deletion short.
  await other.getByText("Token “Deleted elsewhere” deleted.").waitFor();
  await row(other, "Deleted elsewhere").waitFor({ state: "detached" });
  await other.close();

  // This tab still lists it. Editing it says why that cannot work, and the list catches up: the
  // row goes, and its dialog with it, so the reason comes as a toast.
  const stale = row(page, "Deleted elsewhere");
  await stale.getByRole("button", { name: "Edit Deleted elsewhere" }).click();
  const dialog = page.getByRole("dialog", { name: "Edit token" });
  await dialog.getByLabel(/^Description/).fill("Too late");
  await dialog.getByRole("button", { name: "Save changes" }).click();
  // The dialog may show it too, for the moment before the refreshed list takes the row away.
  await page.getByRole("region", { name: /^Notifications/ }).getByText("Token not found. It may have been deleted.").waitFor();
  await stale.waitFor({ state: "detached" });
  await dialog.waitFor({ state: "detached" });
  await row(page, "Kept as is").waitFor();
});
