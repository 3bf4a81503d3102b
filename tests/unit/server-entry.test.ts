import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAndValidateFlightRouterState } from "next/dist/server/app-render/parse-and-validate-flight-router-state";
import { ERROR_STATUS } from "@/lib/api/schemas";

/**
 * server.js's decisions, one by one: which address a request is counted under, and which requests
 * it answers itself. (tests/api/client-address.test.ts and tests/api/server-entry.test.ts check
 * the same over HTTP.)
 */
type Refusal = { status: number; code: string; headers?: Record<string, string> } | null;
type FakeRequest = { method: string; headers: Record<string, string | undefined> };
const entry: {
  clientAddress(peer: string | undefined, forwardedFor: string | undefined, trustProxy: number): string;
  trustProxyOf(env: Record<string, string | undefined>): number;
  allowedMethods(pathname: string, staticPages?: Set<string>): string[] | null;
  refusalFor(req: FakeRequest, pathname: string, options: { validateRouterState(value: string): unknown; staticPages: Set<string> }): Refusal;
} = require("../../server.js");

describe("the client address", () => {
  test.each([
    // peer, X-Forwarded-For as received, TRUST_PROXY, address
    ["127.0.0.4", undefined, 0, "127.0.0.4"],
    ["127.0.0.4", "198.51.100.1", 0, "127.0.0.4"],
    ["127.0.0.4", "198.51.100.1, 127.0.0.9", 0, "127.0.0.4"],
    ["10.0.0.2", "198.51.100.1", 1, "198.51.100.1"],
    ["10.0.0.2", "6.6.6.6, 198.51.100.1", 1, "198.51.100.1"],
    ["10.0.0.2", "6.6.6.6,198.51.100.1 ,", 1, "198.51.100.1"],
    ["10.0.0.3", "6.6.6.6, 198.51.100.1, 10.0.0.2", 2, "198.51.100.1"],
    // Shorter than TRUST_PROXY says: the request skipped a proxy; the leftmost entry there is.
    ["10.0.0.2", undefined, 1, "10.0.0.2"],
    ["10.0.0.2", "", 1, "10.0.0.2"],
    ["10.0.0.3", "198.51.100.1", 3, "198.51.100.1"],
  ])("peer %s, X-Forwarded-For %p, TRUST_PROXY=%d: %s", (peer, forwardedFor, trustProxy, address) => {
    expect(entry.clientAddress(peer, forwardedFor, trustProxy)).toBe(address);
  });

  test("TRUST_PROXY is a whole number from 0 to 10; anything else stops the server with a message naming it", () => {
    expect(entry.trustProxyOf({})).toBe(0);
    expect(entry.trustProxyOf({ TRUST_PROXY: " 2 " })).toBe(2);
    for (const bad of ["-1", "1.5", "yes", "11", "0x1"]) expect(() => entry.trustProxyOf({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
  });
});

/** Every app/api route file, the methods it exports, and a path it answers. */
function apiRouteFiles(): { file: string; path: string; methods: string[] }[] {
  const root = path.resolve(__dirname, "../../app");
  const found: { file: string; path: string; methods: string[] }[] = [];
  const walk = (dir: string) => {
    for (const item of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, item.name);
      if (item.isDirectory()) walk(full);
      else if (item.name === "route.ts") {
        const source = readFileSync(full, "utf8");
        const methods = new Set<string>();
        for (const m of source.matchAll(/export (?:const|async function|function) (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g)) methods.add(m[1]!);
        for (const m of source.matchAll(/\bas (GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\b/g)) methods.add(m[1]!);
        const route = path.relative(root, dir).split(path.sep);
        const urlPath = "/" + route.map((segment) => (segment.startsWith("[...") ? "some/thing" : segment.startsWith("[") ? "c7484b28-7e75-420c-a60c-fe2603afd803" : segment)).join("/");
        found.push({ file: path.relative(root, full), path: urlPath, methods: [...methods] });
      }
    }
  };
  walk(path.join(root, "api"));
  return found;
}

describe("the methods server.js allows", () => {
  const routes = apiRouteFiles();

  test("it knows the route files", () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
  });

  test.each(routes.filter((r) => !r.file.startsWith("api/v1/[...path]")).map((r) => [r.file, r] as const))(
    "%s: what the file exports, HEAD with GET, and OPTIONS",
    (_, route) => {
      const expected = [...route.methods, ...(route.methods.includes("GET") ? ["HEAD"] : []), "OPTIONS"].sort();
      expect(entry.allowedMethods(route.path)).toEqual(expected);
    },
  );

  test("unknown /api/v1 paths are the catch-all's (404 for every method); pages GET, HEAD and POST; prerendered pages GET and HEAD", () => {
    expect(entry.allowedMethods("/api/v1/nothing/here")).toBeNull();
    expect(entry.allowedMethods("/settings/tokens")).toEqual(["GET", "HEAD", "POST"]);
    expect(entry.allowedMethods("/settings/tokens/")).toEqual(["GET", "HEAD", "POST"]);
    expect(entry.allowedMethods("/docs/api", new Set(["/docs/api"]))).toEqual(["GET", "HEAD"]);
  });
});

describe("what server.js answers itself", () => {
  const options = { validateRouterState: parseAndValidateFlightRouterState, staticPages: new Set<string>() };
  const refuse = (method: string, pathname: string, headers: Record<string, string> = {}) =>
    entry.refusalFor({ method, headers: { host: "127.0.0.1:3000", ...headers } }, pathname, options);

  test("each refusal has its code's status from the API's one table (server.js cannot import it)", () => {
    const refusals = [
      refuse("TRACE", "/settings/tokens"),
      refuse("TRACE", "/api/v1/nothing"),
      refuse("GET", "/%ZZ"),
      refuse("POST", "/signup", { "next-action": "00ab", origin: "http://evil.example" }),
    ];
    expect(refusals.map((r) => r?.code)).toEqual(["method_not_allowed", "not_found", "invalid_request", "forbidden"]);
    for (const refusal of refusals) expect(refusal!.status).toBe(ERROR_STATUS[refusal!.code as keyof typeof ERROR_STATUS]);
  });

  test.each(["TRACE", "TRACK", "CONNECT", "PROPFIND", "PUT", "OPTIONS"])("%s on a page: 405 with Allow", (method) => {
    expect(refuse(method, "/settings/tokens")).toMatchObject({ status: 405, code: "method_not_allowed", headers: { Allow: "GET, HEAD, POST" } });
  });

  test("TRACE on an API route: 405 with its methods; on an unknown API path: 404", () => {
    expect(refuse("TRACE", "/api/v1/tokens")).toMatchObject({ status: 405, headers: { Allow: "GET, HEAD, OPTIONS, POST" } });
    expect(refuse("TRACE", "/api/v1/nothing")).toMatchObject({ status: 404, code: "not_found" });
  });

  test.each(["/api/v1/tokens/%FF", "/api/v1/tokens/%E0%A4%A", "/api/v1/tokens/%", "/settings/%C0%AF", "/%ZZ"])("%s: 400, an invalid %-escape", (pathname) => {
    expect(refuse("GET", pathname)).toMatchObject({ status: 400, code: "invalid_request" });
  });

  test.each(["%7Bbad", "[1]", "%FF", '["",{}', "null"])("Next-Router-State-Tree %p: 400", (state) => {
    expect(refuse("GET", "/settings/tokens", { rsc: "1", "next-router-state-tree": state })).toMatchObject({ status: 400, code: "invalid_request" });
  });

  test("a router state Next accepts passes", () => {
    const state = encodeURIComponent(JSON.stringify(["", { children: ["settings", { children: ["tokens", { children: ["__PAGE__", {}] }] }] }]));
    expect(refuse("GET", "/settings/tokens", { rsc: "1", "next-router-state-tree": state })).toBeNull();
  });

  test.each([
    ["another site", "http://evil.example"],
    ["another port of this host", "http://127.0.0.1:4000"],
    ["an opaque origin", "null"],
    ["not a URL", "garbage"],
  ])("a server action from %s: 403", (_, origin) => {
    expect(refuse("POST", "/signup", { "next-action": "00ab", origin })).toMatchObject({ status: 403, code: "forbidden" });
    expect(refuse("POST", "/signup", { "content-type": "multipart/form-data; boundary=x", origin })).toMatchObject({ status: 403 });
  });

  test("a server action from this site, or from no browser at all, passes; so do plain requests", () => {
    expect(refuse("POST", "/signup", { "next-action": "00ab", origin: "http://127.0.0.1:3000" })).toBeNull();
    expect(refuse("POST", "/signup", { "next-action": "00ab" })).toBeNull();
    expect(refuse("GET", "/settings/tokens")).toBeNull();
    expect(refuse("POST", "/api/v1/tokens", { origin: "http://evil.example" })).toBeNull();
  });
});
