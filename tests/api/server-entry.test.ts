import { readFileSync } from "node:fs";
import path from "node:path";
import { useSeededServer } from "./http";

jest.setTimeout(60_000);

/**
 * Anonymous requests that Next alone answered with a 500 and a stack trace in the log, or with a
 * bare 405: each gets a 4xx in the API's error shape from server.js, and the log stays quiet.
 */
const app = useSeededServer(async () => ({}), {});

const PAGES = ["/", "/signin", "/signup", "/settings", "/settings/tokens", "/docs/api", "/no/such/page"];
const API = [
  "/api/health",
  "/api/health/ready",
  "/api/metrics",
  "/api/openapi.json",
  "/api/v1/me",
  "/api/v1/introspect",
  "/api/v1/tokens",
  "/api/v1/tokens/c7484b28-7e75-420c-a60c-fe2603afd803",
  "/api/v1/tokens/c7484b28-7e75-420c-a60c-fe2603afd803/revoke",
  "/api/v1/tokens/c7484b28-7e75-420c-a60c-fe2603afd803/rotate",
  "/api/auth/session",
  "/api/auth/csrf",
  "/api/auth/callback/credentials",
];

async function raw(method: string, target: string, headers: Record<string, string> = {}, body?: string) {
  const response = await fetch(app.server.baseUrl + target, { method, headers, body, redirect: "manual" });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text.startsWith("{") ? JSON.parse(text) : undefined };
}

/** Node's fetch refuses to send TRACE; a raw request line does. */
async function trace(target: string) {
  const { request } = await import("node:http");
  const url = new URL(app.server.baseUrl);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: target, method: "TRACE" }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("a method a route does not offer: 405 with Allow and no-store", () => {
  test.each([...PAGES.filter((p) => p !== "/no/such/page"), ...API])("TRACE %s", async (target) => {
    const reply = await trace(target);
    expect(reply.status).toBe(405);
    expect(reply.headers["cache-control"]).toBe("no-store");
    expect(reply.headers.allow).toMatch(/^[A-Z]+(, [A-Z]+)*$/);
    expect(reply.headers.allow).not.toContain("TRACE");
    expect(reply.body.error).toMatchObject({ code: "method_not_allowed", message: expect.stringContaining("TRACE") });
  });

  test.each(["PUT", "DELETE", "PATCH", "OPTIONS"])("%s on a page", async (method) => {
    const reply = await raw(method, "/settings/tokens");
    expect(reply.status).toBe(405);
    expect(reply.headers.get("allow")).toBe("GET, HEAD, POST");
    expect(reply.headers.get("cache-control")).toBe("no-store");
    expect(reply.body.error.code).toBe("method_not_allowed");
  });

  test("POST on what was prerendered (served as a file, with no server actions) and PUT on an API route", async () => {
    // Pages render per request for their CSP nonce, so the OpenAPI document is what the build prerenders.
    const page = await raw("POST", "/api/openapi.json");
    expect([page.status, page.headers.get("allow"), page.headers.get("cache-control")]).toEqual([405, "GET, HEAD", "no-store"]);
    const api = await raw("PUT", "/api/v1/me");
    expect([api.status, api.headers.get("allow"), api.headers.get("cache-control")]).toEqual([405, "GET, HEAD, OPTIONS", "no-store"]);
    expect(api.body.error.code).toBe("method_not_allowed");
    const file = await raw("OPTIONS", "/api/openapi.json");
    expect([file.status, file.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    const auth = await raw("DELETE", "/api/auth/session");
    expect([auth.status, auth.headers.get("allow")]).toEqual([405, "GET, HEAD, OPTIONS, POST"]);
  });

  // /api/openapi.json is prerendered: served as a file, GET and HEAD only.
  test.each(API.filter((target) => target !== "/api/openapi.json"))("server.js's Allow for %s is Next's own (its OPTIONS answer)", async (target) => {
    const options = await raw("OPTIONS", target);
    expect(options.status).toBe(204);
    const refused = await raw("PUT", target);
    expect(refused.status).toBe(405);
    expect(refused.headers.get("allow")).toBe(options.headers.get("allow"));
  });

  test("an unknown API path is a 404 for any method", async () => {
    const reply = await trace("/api/v1/no-such-route");
    expect(reply.status).toBe(404);
    expect(reply.body.error.code).toBe("not_found");
  });
});

test.each(["/api/v1/tokens/%FF", "/api/v1/%FF", "/api/auth/%FF", "/settings/%E0%A4%A", "/%"])("an invalid %%-escape in %s: 400", async (target) => {
  const reply = await raw("GET", target);
  expect(reply.status).toBe(400);
  expect(reply.headers.get("cache-control")).toBe("no-store");
  expect(reply.body.error).toMatchObject({ code: "invalid_request", message: expect.stringContaining("%-escape") });
});

test.each(["%7Bbad", "[1]", "%FF"])("RSC: 1 with a malformed Next-Router-State-Tree (%s): 400", async (state) => {
  for (const target of ["/signin", "/settings/tokens?_rsc=x"]) {
    const reply = await raw("GET", target, { rsc: "1", "next-router-state-tree": state });
    expect(reply.status).toBe(400);
    expect(reply.body.error.code).toBe("invalid_request");
  }
});

test("a server action posted from another origin: 403, and the action does not run", async () => {
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, "../../.next/server/server-reference-manifest.json"), "utf8"));
  const ids = Object.keys(manifest.node);
  expect(ids.length).toBeGreaterThan(0);
  for (const origin of ["http://evil.example", "null", "not a url"]) {
    const reply = await raw("POST", "/signup", { "next-action": ids[0]!, origin, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" }, "[]");
    expect(reply.status).toBe(403);
    expect(reply.headers.get("cache-control")).toBe("no-store");
    expect(reply.body.error.code).toBe("forbidden");
  }
  // Nor can a client vouch for its own origin with X-Forwarded-Host: without a proxy declared it is dropped.
  const forged = await raw(
    "POST",
    "/signup",
    { "next-action": ids[0]!, origin: "http://evil.example", "x-forwarded-host": "evil.example", "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
    "[]",
  );
  expect([forged.status, forged.body.error?.code]).toEqual([403, "forbidden"]);
});

// Last: reads everything the server printed.
test("none of these left a stack trace or an error in the log", () => {
  const log = app.server.output();
  expect(log).not.toMatch(/^\s+at /m);
  expect(log).not.toMatch(/⨯|Error:/);
});
