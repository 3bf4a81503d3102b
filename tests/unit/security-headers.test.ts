import { documentPolicy, newNonce, publicAddressIsHttps } from "@/lib/security-headers";

const { isHttps, isResourcePath, securityHeadersFor } = require("../../server.js") as {
  isHttps(url: string | undefined): boolean;
  isResourcePath(pathname: string): boolean;
  securityHeadersFor(pathname: string, https: boolean): [string, string][];
};

describe("publicAddressIsHttps", () => {
  test.each([
    ["https://tollgate.example.com", true],
    ["HTTPS://tollgate.example.com/base", true],
    ["http://tollgate.example.com", false],
    ["http://localhost:3000", false],
    ["tollgate.example.com", false],
    ["https:", false],
    ["", false],
    [undefined, false],
  ])("%p → %p", (url, https) => {
    expect(publicAddressIsHttps(url)).toBe(https);
    // server.js decides HSTS by the same rule.
    expect(isHttps(url)).toBe(https);
  });
});

describe("isResourcePath", () => {
  test.each([
    ["/api/v1/tokens", true],
    ["/api/health", true],
    ["/api/no-such-thing", true],
    ["/_next/static/chunks/a.js", true],
    ["/api/auth/signout", false],
    ["/api/auth/session", false],
    ["/api", false],
    ["/apiary", false],
    ["/settings/tokens", false],
    ["/docs/api", false],
    ["/", false],
  ])("%p → %p", (pathname, resource) => {
    expect(isResourcePath(pathname)).toBe(resource);
  });
});

test("a nonce is 128 random bits, different each time", () => {
  const nonces = new Set(Array.from({ length: 1000 }, newNonce));
  expect(nonces.size).toBe(1000);
  for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
});

test("the page policy allows eval only in development, and upgrades requests only behind https", () => {
  expect(documentPolicy("n", { https: false })).not.toContain("unsafe-eval");
  expect(documentPolicy("n", { https: false, development: true })).toContain("script-src 'self' 'nonce-n' 'strict-dynamic' 'unsafe-eval'");
  expect(documentPolicy("n", { https: false })).not.toContain("upgrade-insecure-requests");
  expect(documentPolicy("n", { https: true })).toMatch(/; upgrade-insecure-requests$/);
});

test("HSTS only behind https, and the deny-all policy only on data and built assets", () => {
  const names = (pathname: string, https: boolean) => securityHeadersFor(pathname, https).map(([name]) => name);
  expect(names("/api/health", false)).not.toContain("Strict-Transport-Security");
  expect(names("/api/health", true)).toContain("Strict-Transport-Security");
  expect(names("/api/health", false)).toContain("Content-Security-Policy");
  // Pages get theirs, with a nonce, from proxy.ts.
  expect(names("/settings/tokens", true)).not.toContain("Content-Security-Policy");
});
