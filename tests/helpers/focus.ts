import type { Page } from "playwright-core";

/** What has the keyboard focus: its accessible name as far as the tests need it, or "(document)". */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return "(document)";
    const labelled = element.id ? document.querySelector(`label[for="${element.id}"]`)?.textContent : null;
    return (element.getAttribute("aria-label") ?? labelled ?? element.textContent ?? "").trim();
  });
}

/** Waits (briefly: Radix moves focus just after a dialog unmounts) until `name` has the focus; fails saying where it is instead. */
export async function expectFocusOn(page: Page, name: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await focused(page)) !== name && Date.now() < deadline) await page.waitForTimeout(50);
  expect(await focused(page)).toBe(name);
}

/** Presses Tab until the control named `name` has focus, as someone on a keyboard would; fails if it is never reached. */
export async function tabTo(page: Page, name: string | RegExp, limit = 80): Promise<void> {
  const matches = (text: string) => (typeof name === "string" ? text === name : name.test(text));
  for (let i = 0; i < limit; i++) {
    if (matches(await focused(page))) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tabbed ${limit} times without reaching “${name}”; focus is on “${await focused(page)}”.`);
}
