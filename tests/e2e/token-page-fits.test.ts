import type { Page } from "playwright-core";
import { prisma } from "@/lib/db";
import { createToken, revokeToken } from "@/lib/tokens/service";
import { MAX_SCOPES_PER_TOKEN, TOKEN_DESCRIPTION_MAX, TOKEN_NAME_MAX } from "@/lib/validation/tokens";
import { newAccount, newContext, signUp, useSeededAppInBrowser } from "@/tests/helpers/browser";
import { createUser } from "@/tests/helpers/users";

jest.setTimeout(180_000);

/**
 * The token page fits every screen with the worst data the validation lets in: names and
 * descriptions at their maximum length (with spaces and without), 64-character scope names and
 * the most scopes a token may have, IPv6 addresses and user agents as long as the columns hold,
 * every status. Measured in the browser at each width: nothing scrolls sideways, nothing spills
 * out of its cell, nothing is cut off unless it is truncated text whose whole value is in its
 * title, and each row's last button is in sight. At phone width every control is a 40 px target.
 */

const DAY = 24 * 3600_000;
const long = (words: string, length: number) => words.repeat(Math.ceil(length / words.length)).slice(0, length).trim().padEnd(length, "x");
const LONG_SCOPES = Array.from({ length: MAX_SCOPES_PER_TOKEN }, (_, i) => `worst:s${String(i).padStart(2, "0")}-${"a".repeat(64)}`.slice(0, 64));
const IPV6 = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"; // 45 characters, the column's limit
const USER_AGENT = long("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 ", 256);
const UNBROKEN_AGENT = "curl/" + "9".repeat(251);

const app = useSeededAppInBrowser(async () => {
  const db = await prisma();
  await db.scope.createMany({ data: LONG_SCOPES.map((name) => ({ name, description: `Worst case ${name}` })) });
  const user = await createUser({ name: long("Worst Case Person ", 100), scopes: ["tokens:read", "tokens:write", ...LONG_SCOPES] });
  const now = Date.now();
  const made = async (input: Record<string, unknown>, used?: { ip: string; agent: string }) => {
    const { token } = await createToken(user.id, { scopes: ["tokens:read"], ...input });
    if (used) await db.token.update({ where: { guid: token.guid }, data: { lastUsedAt: new Date(now - 3 * 3600_000), lastUsedIp: used.ip, lastUsedUserAgent: used.agent } });
    return token.guid;
  };
  await made(
    {
      name: long("Nightly database backup to cold storage ", TOKEN_NAME_MAX),
      description: long("Copies every database of the production cluster to cold storage and checks the copy. ", TOKEN_DESCRIPTION_MAX),
      scopes: LONG_SCOPES,
    },
    { ip: IPV6, agent: USER_AGENT },
  );
  await made(
    {
      name: "N".repeat(TOKEN_NAME_MAX),
      description: "D".repeat(TOKEN_DESCRIPTION_MAX),
      scopes: LONG_SCOPES.slice(0, 4),
      validTo: new Date(now + 30 * 60_000).toISOString(),
    },
    { ip: "2001:0db8:85a3:0000:0000:8a2e:0370:7334", agent: UNBROKEN_AGENT },
  );
  await revokeToken(user.id, await made({ name: long("Revoked laptop script ", TOKEN_NAME_MAX), scopes: ["tokens:read", "tokens:write"] }, { ip: IPV6, agent: USER_AGENT }));
  await made({ name: "Scheduled for next year", validFrom: new Date(now + 330 * DAY).toISOString(), validTo: new Date(now + 700 * DAY).toISOString() });
  const expired = await made({ name: "Expired", validTo: new Date(now + DAY).toISOString() });
  await db.token.update({ where: { guid: expired }, data: { validFrom: new Date(now - 90 * DAY), validTo: new Date(now - 3 * DAY) } });
  // Enough ordinary ones for a second page at ten per page.
  for (let i = 1; i <= 7; i++) await made({ name: `Plain ${i}`, validTo: new Date(now + (i + 2) * DAY).toISOString() });
  return user;
});

const WIDTHS = [1024, 1280, 1440, 1920, 390];

/** Everything that breaks "the list fits" on the page as it is now, described for the failure message. */
function misfits(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.documentElement;
    const describe = (el: Element) => `<${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? ` class="${el.className.slice(0, 60)}"` : ""}> "${(el.textContent ?? "").trim().slice(0, 40)}"`;
    // Screen-reader-only text is a 1×1 px clipped box by design.
    const visuallyHidden = (el: Element) => {
      const style = getComputedStyle(el);
      return style.position === "absolute" && el.clientWidth <= 1 && el.clientHeight <= 1;
    };
    const hiddenByAncestor = (el: Element) => {
      for (let node: Element | null = el; node; node = node.parentElement) if (visuallyHidden(node)) return true;
      return false;
    };
    if (root.scrollWidth > root.clientWidth) problems.push(`the page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);

    const list = document.querySelector("section[aria-labelledby=token-list-title]");
    if (!list) return ["no token list on the page"];
    const table = list.querySelector("table")!;
    const frame = table.parentElement!.getBoundingClientRect();
    for (const el of list.querySelectorAll("*")) {
      if (hiddenByAncestor(el)) continue;
      const style = getComputedStyle(el);
      const scrolls = ["auto", "scroll"].includes(style.overflowX);
      if (scrolls && el.scrollWidth > el.clientWidth) problems.push(`scrolls sideways inside: ${describe(el)} ${el.scrollWidth} > ${el.clientWidth}`);
      const clips = [style.overflowX, style.overflowY].some((value) => value === "hidden" || value === "clip");
      if (clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
        // Allowed only for truncated text that carries its whole value.
        const full = el.getAttribute("title");
        if (full === null || full.trim() !== (el.textContent ?? "").trim()) problems.push(`clipped without its full text in a title: ${describe(el)}`);
      }
    }
    // Nothing spills out of its cell (a fixed-width column does not grow for it, so it would overlap the next).
    for (const cell of table.querySelectorAll("th, td")) {
      if (visuallyHidden(cell)) continue; // a header kept for screen readers only
      const box = cell.getBoundingClientRect();
      if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5) problems.push(`cell outside the list's frame: ${describe(cell)}`);
      for (const el of cell.querySelectorAll("*")) {
        if (hiddenByAncestor(el)) continue;
        const inner = el.getBoundingClientRect();
        if (inner.width === 0 && inner.height === 0) continue;
        if (inner.left < box.left - 0.5 || inner.right > box.right + 0.5) {
          problems.push(`spills out of its cell by ${Math.round(Math.max(box.left - inner.left, inner.right - box.right))} px: ${describe(el)} in ${describe(cell)}`);
        }
      }
    }
    // Each row's last control (Delete, or the row's menu) is wholly on screen and inside its row.
    const viewport = root.clientWidth;
    for (const row of table.querySelectorAll("tbody tr")) {
      const controls = row.querySelectorAll("button, a[href], summary");
      const last = controls[controls.length - 1];
      if (!last) {
        problems.push(`a row without controls: ${describe(row)}`);
        continue;
      }
      const box = last.getBoundingClientRect();
      const rowBox = row.getBoundingClientRect();
      const cellBox = last.closest("td, th")!.getBoundingClientRect();
      const inside = (outer: DOMRect) => box.left >= outer.left - 0.5 && box.right <= outer.right + 0.5 && box.top >= outer.top - 0.5 && box.bottom <= outer.bottom + 0.5;
      if (box.width === 0 || box.left < 0 || box.right > viewport) problems.push(`last control off screen: ${describe(last)} ${box.left}–${box.right} of ${viewport}`);
      if (!inside(rowBox) || !inside(cellBox) || box.right > frame.right + 0.5) problems.push(`last control outside its row: ${describe(last)}`);
    }
    return problems;
  });
}

test.each(WIDTHS)("at %d px the list fits with the worst data", async (width) => {
  const page = app.page;
  await page.setViewportSize({ width, height: 900 });
  await page.goto("/settings/tokens");
  await page.getByRole("row", { name: /^N{100}/ }).waitFor();
  expect(await page.getByRole("table").locator("tbody tr").count()).toBe(12);
  expect({ width, problems: await misfits(page) }).toEqual({ width, problems: [] });

  // Opening the folded scopes makes the row taller, never wider.
  await page.getByRole("row", { name: /^Nightly/ }).getByText(`+${MAX_SCOPES_PER_TOKEN - 3} more`).click();
  await page.getByRole("row", { name: /^Nightly/ }).getByText(LONG_SCOPES.at(-1)!).waitFor();
  expect({ width, open: true, problems: await misfits(page) }).toEqual({ width, open: true, problems: [] });
});

test("the table is a table from 1280 px up and cards below, whose buttons are in reach at every width", async () => {
  const page = app.page;
  const display = () => page.getByRole("table").evaluate((table) => getComputedStyle(table).display);
  for (const [width, expected] of [
    [1920, "table"],
    [1280, "table"],
    [1279, "block"],
    [390, "block"],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto("/settings/tokens");
    expect({ width, display: await display() }).toEqual({ width, display: expected });
  }
  // The measurements above can fail: a table forced wider than its column is caught.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole("table").evaluate((table) => ((table as HTMLElement).style.minWidth = "1400px"));
  expect((await misfits(page)).join("\n")).toMatch(/page scrolls sideways|outside the list's frame|last control/);
});

/** Every control on the page that is smaller than 40 × 40 px, even counting its label, described. */
function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const MIN = 40;
    const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1']), [contenteditable=true]";
    const small: string[] = [];
    for (const el of document.body.querySelectorAll<HTMLElement>(selector)) {
      if (el.closest("[aria-hidden=true], [inert]")) continue;
      // A closed <details> renders only its summary; what it folds away is measured once opened.
      const folded = el.closest("details:not([open])");
      if (folded && el.parentElement !== folded) continue;
      // Focused first: a skip link is only visible (and only a target) then.
      el.focus({ preventScroll: true });
      const boxes = [el.getBoundingClientRect()];
      // A checkbox's or radio's label is part of what a finger can hit.
      if (el instanceof HTMLInputElement) for (const label of el.labels ?? []) boxes.push(label.getBoundingClientRect());
      const visible = boxes.filter((b) => b.width > 0 && b.height > 0);
      if (!visible.length || getComputedStyle(el).visibility === "hidden") continue; // not rendered: nothing to tap
      const width = Math.max(...visible.map((b) => b.width));
      const height = Math.max(...visible.map((b) => b.height));
      if (width < MIN - 0.01 || height < MIN - 0.01) {
        const name = el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 30) ?? "";
        small.push(`${el.tagName.toLowerCase()} "${name}": ${Math.round(width * 10) / 10} × ${Math.round(height * 10) / 10}`);
      }
      el.blur();
    }
    return small;
  });
}

test("at 390 px every control on the token page is at least 40 × 40 px, with tokens and pages, and empty", async () => {
  const page = app.page;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/settings/tokens?perPage=10");
  await page.getByRole("navigation", { name: "Pages" }).waitFor();
  await page.getByRole("row").first().waitFor();
  // Ten rows of Edit and a row menu, besides the page's own buttons: the measure below covers them all.
  expect(await page.locator("main").getByRole("button").count()).toBeGreaterThan(20);
  expect(await smallTargets(page)).toEqual([]);
  // The filters fold away on a phone; unfolded, their fields are targets too.
  await page.getByText("Filters", { exact: true }).click();
  await page.locator("#filter-q").waitFor({ state: "visible" });
  expect(await smallTargets(page)).toEqual([]);
  await page.goto("/settings/tokens");
  await page.getByRole("row", { name: /^Nightly/ }).getByText(`+${MAX_SCOPES_PER_TOKEN - 3} more`).click();
  await page.getByRole("row", { name: /^Nightly/ }).getByText("Show fewer").waitFor();
  expect(await smallTargets(page)).toEqual([]);

  const context = await newContext(app.browser, app.server.baseUrl, { width: 390, height: 844 });
  const empty = await context.newPage();
  await signUp(empty, newAccount("targets"));
  await empty.getByRole("button", { name: "Create your first token" }).waitFor();
  expect(await smallTargets(empty)).toEqual([]);

  await context.close();

  // The measurement can fail: the same page at desktop width has the compact buttons.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/settings/tokens?perPage=10");
  await page.getByRole("row").first().waitFor();
  expect((await smallTargets(page)).join("\n")).toMatch(/button "Edit /);
});
