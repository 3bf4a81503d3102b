import { documentPolicy, isResourcePath, newNonce, publicAddressIsHttps, staticSecurityHeaders } from "@/lib/security-headers";

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

test("HSTS only behind https", () => {
  const names = (https: boolean) => staticSecurityHeaders({ https }).map(([name]) => name);
  expect(names(false)).not.toContain("Strict-Transport-Security");
  expect(names(true)).toContain("Strict-Transport-Security");
});
