import { readFileSync } from "node:fs";
import path from "node:path";
import { startServer, type TestServer } from "../helpers/server";

jest.setTimeout(60_000);

/**
 * The app's icon: browsers ask for /favicon.ico on every page whatever the page links, and it was a
 * 404. Served from app/favicon.ico and app/icon.svg (Next's file conventions), through server.js
 * with the security headers, and linked from every page.
 */

const ROOT = path.resolve(__dirname, "../..");
let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

test("/favicon.ico answers the icon file, as an image, with the security headers; HEAD too", async () => {
  const response = await fetch(`${server.baseUrl}/favicon.ico`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)$/);
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  const body = Buffer.from(await response.arrayBuffer());
  expect(body.equals(readFileSync(path.join(ROOT, "app/favicon.ico")))).toBe(true);
  // An ICO file: reserved 0, type 1 (icon), then how many images it holds.
  expect([...body.subarray(0, 4)]).toEqual([0, 0, 1, 0]);

  const head = await fetch(`${server.baseUrl}/favicon.ico`, { method: "HEAD" });
  expect(head.status).toBe(200);
  expect(head.headers.get("content-type")).toBe(response.headers.get("content-type"));
});

test("pages link the icon, and the SVG one is served as an image too", async () => {
  const page = await (await fetch(`${server.baseUrl}/signin`)).text();
  const links = [...page.matchAll(/<link rel="icon" href="([^"]+)"[^>]*>/g)].map((match) => match[1]!.replace(/&amp;/g, "&"));
  expect(links.map((href) => href.split("?")[0])).toEqual(expect.arrayContaining(["/favicon.ico", "/icon.svg"]));
  for (const href of links) {
    const response = await fetch(server.baseUrl + href);
    expect({ href, status: response.status, type: response.headers.get("content-type") }).toEqual({ href, status: 200, type: expect.stringMatching(/^image\//) });
  }
});

test("the icon is read-only: other methods get the JSON 405 with an Allow header", async () => {
  const response = await fetch(`${server.baseUrl}/favicon.ico`, { method: "DELETE" });
  expect(response.status).toBe(405);
  expect(response.headers.get("allow")).toMatch(/GET/);
});
