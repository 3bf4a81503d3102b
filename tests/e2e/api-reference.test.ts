import type { Page } from "playwright-core";
import { newContext, signedUpPage, useAppInBrowser } from "@/tests/helpers/browser";

jest.setTimeout(120_000);

/**
 * What the API reference costs a browser. The reference is rendered on the server
 * (docs/api-reference.md): /docs/api needs no script of its own, and the token page, whose header
 * links to it, fetches nothing of it, not even on hover (the link does not prefetch).
 */
const app = useAppInBrowser();

type Script = { url: string; bytes: number };

/** The scripts the page requests while `action` runs and the network settles, and every other request's URL. */
async function requestsDuring(page: Page, action: () => Promise<unknown>): Promise<{ scripts: Script[]; urls: string[] }> {
  const scripts: Script[] = [];
  const urls: string[] = [];
  const pending: Promise<void>[] = [];
  const onResponse = (response: import("playwright-core").Response) => {
    urls.push(response.url());
    // Prefetched chunks are not "script" requests: they are known by their address.
    if (response.request().resourceType() !== "script" && !pathOf(response.url()).endsWith(".js")) return;
    pending.push(response.body().then((body) => void scripts.push({ url: response.url(), bytes: body.length }), () => undefined));
  };
  page.on("response", onResponse);
  await action();
  await page.waitForLoadState("networkidle");
  page.off("response", onResponse);
  await Promise.all(pending);
  return { scripts, urls };
}

const pathOf = (url: string) => new URL(url).pathname;

/**
 * The scripts of /docs/api that the app's 404 page does not load: the reference's own. The 404 page
 * is the app's frame and nothing else (the framework, the root layout and its boundaries).
 */
async function referenceChunks(): Promise<Script[]> {
  const context = await newContext(app.browser, app.server.baseUrl);
  try {
    const page = await context.newPage();
    const plain = await requestsDuring(page, () => page.goto("/no/such/page"));
    const reference = await requestsDuring(page, () => page.goto("/docs/api"));
    await page.getByRole("heading", { level: 1, name: /Tollgate API/ }).waitFor();
    // Every operation of the document is on the page, as HTML.
    for (const name of ["Create a token", "List your tokens", "Issue a new secret", "Is a token active? (RFC 7662)"]) {
      await page.getByRole("heading", { level: 3, name }).waitFor();
    }
    return reference.scripts.filter((script) => !plain.scripts.some((other) => pathOf(other.url) === pathOf(script.url)));
  } finally {
    await context.close();
  }
}

test("the API reference loads no script of its own", async () => {
  expect(await referenceChunks()).toEqual([]);
});

test("the token page fetches nothing of the API reference, even when the pointer rests on its link", async () => {
  const own = new Set((await referenceChunks()).map((script) => pathOf(script.url)));
  const { context, page } = await signedUpPage(app, "no-prefetch");
  const tokens = await requestsDuring(page, async () => {
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "API tokens" }).waitFor();
    await page.getByRole("link", { name: "API docs" }).hover();
    // Long enough for a hover prefetch to start, were there one.
    await page.waitForTimeout(1000);
  });
  expect({
    docsRequests: tokens.urls.filter((url) => pathOf(url).startsWith("/docs/api")),
    referenceChunks: tokens.scripts.filter((script) => own.has(pathOf(script.url))).map((script) => script.url),
  }).toEqual({ docsRequests: [], referenceChunks: [] });

  // The link still works when followed.
  await page.getByRole("link", { name: "API docs" }).click();
  await page.waitForURL("**/docs/api");
  await page.getByRole("heading", { level: 1, name: /Tollgate API/ }).waitFor();
  await context.close();
});
