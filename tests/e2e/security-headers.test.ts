import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createToken, readClipboard, signedUpPage, takePolicyViolations, useAppInBrowser } from "@/tests/helpers/browser";

jest.setTimeout(120_000);

/** What the headers change for a person: no other site can frame their pages, and every page still works. */

const app = useAppInBrowser();

let framer: Server;
let framerUrl: string;
beforeAll(async () => {
  // Another "site" on the same host, another loopback port: same-site, so the session cookie goes along.
  framer = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(
      `<!doctype html><html lang="en"><title>Framer</title><h1>Win a prize</h1>` +
        `<iframe id="victim" title="victim" src="${app.server.baseUrl}/settings/tokens" width="1000" height="700"></iframe>`,
    );
  });
  await new Promise<void>((resolve) => framer.listen(0, "127.0.0.1", resolve));
  framerUrl = `http://127.0.0.1:${(framer.address() as AddressInfo).port}/`;
}, 60_000);
afterAll(() => new Promise<void>((resolve) => framer.close(() => resolve())));

test("a page on another port cannot frame the signed-in token page", async () => {
  const { context, page } = await signedUpPage(app, "framed");
  await createToken(page, "Framed deploy key");
  // Outside a frame the person sees the row and its buttons, so their absence below is the frame's doing.
  await page.getByRole("button", { name: "More actions for Framed deploy key" }).waitFor();

  const framed = page.waitForResponse((response) => response.url() === `${app.server.baseUrl}/settings/tokens`);
  await page.goto(framerUrl, { waitUntil: "load" });
  // The server did answer the signed-in page to the frame; the browser refused to show it.
  expect((await framed).status()).toBe(200);
  await page.getByRole("heading", { name: "Win a prize" }).waitFor();

  const frame = await page.locator("#victim").contentFrame();
  expect(page.frames()).toHaveLength(2);
  const victim = page.frames().find((f) => f !== page.mainFrame())!;
  expect(victim.url()).not.toContain("/settings/tokens");
  expect(await frame.getByRole("heading", { name: "API tokens" }).count()).toBe(0);
  expect(await frame.getByRole("button", { name: /Edit|More actions/ }).count()).toBe(0);
  expect(await frame.locator("body").textContent().catch(() => "")).not.toContain("Framed deploy key");

  // Refused by the policy's frame-ancestors, which Chromium prefers to X-Frame-Options when both are sent.
  const violations = takePolicyViolations();
  expect(violations.length).toBeGreaterThan(0);
  expect(violations.every((text) => text.includes("frame-ancestors 'none'"))).toBe(true);
  await context.close();
});

test("the API reference renders under the policy", async () => {
  const context = await app.browser.newContext({ baseURL: app.server.baseUrl });
  const page = await context.newPage();
  const answer = await page.goto("/docs/api");
  expect(answer?.headers()["content-security-policy"]).toContain("'strict-dynamic'");
  // Rendered on the server, styled by the app's stylesheet; the policy guard
  // (tests/helpers/policy-guard.ts) fails this test if the policy refused anything on the way.
  await page.getByRole("heading", { name: "Create a token" }).first().waitFor();
  await page.getByRole("link", { name: "OpenAPI document (JSON)" }).waitFor();
  const heading = await page.getByRole("heading", { level: 1 }).evaluate((element) => getComputedStyle(element).fontWeight);
  expect(heading).toBe("700");
  await context.close();
});

test("markup injected into a page cannot run script", async () => {
  const context = await app.browser.newContext({ baseURL: app.server.baseUrl });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByRole("form", { name: "Sign in" }).waitFor();
  // What injected markup runs script with: an inline event handler, a javascript: link. (A script
  // element added by script that already runs is allowed by 'strict-dynamic', by design.)
  await page.evaluate(() => {
    const host = document.createElement("div");
    host.innerHTML = `<img alt="" src="/no-such-image.png" onerror="window.__injected = 'handler'"><a id="injected" href="javascript:window.__injected = 'link'">prize</a>`;
    document.body.append(host);
  });
  await page.waitForFunction(() => (document.querySelector("img[alt='']") as HTMLImageElement | null)?.complete);
  await page.locator("#injected").click();
  // Both refusals are reported (and taken here, so the policy guard does not fail the test for them).
  let reported = "";
  for (let tries = 0; tries < 100 && !(reported.includes("inline event handler") && reported.includes("JavaScript URL")); tries++) {
    reported += takePolicyViolations().join("\n");
    await page.waitForTimeout(100);
  }
  expect(reported).toContain("inline event handler");
  expect(reported).toContain("JavaScript URL");
  expect(await page.evaluate(() => (window as unknown as { __injected?: string }).__injected)).toBeUndefined();
  takePolicyViolations();
  await context.close();
});

test("the pages may write the clipboard but not read it, even with the person's permission", async () => {
  const context = await app.browser.newContext({ baseURL: app.server.baseUrl });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.server.baseUrl });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.evaluate(() => navigator.clipboard.writeText("written by the page"));
  expect(await readClipboard(page)).toBe("written by the page");
  // A just-copied token secret stays out of reach of any script on our pages.
  const read = await page.evaluate(() => navigator.clipboard.readText().then(() => "read", (error: Error) => error.name));
  expect(read).toBe("NotAllowedError");
  takePolicyViolations(); // Chromium may log the refusal; it is the point of this test.
  await context.close();
});
