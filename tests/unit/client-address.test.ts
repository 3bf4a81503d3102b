import { clientOf } from "@/lib/client";

/** Reading the one address server.js wrote into X-Forwarded-For (tests/unit/server-entry.test.ts decides it). */
const headers = (forwardedFor?: string, userAgent?: string) =>
  new Headers({ ...(forwardedFor !== undefined && { "x-forwarded-for": forwardedFor }), ...(userAgent && { "user-agent": userAgent }) });

test("the address server.js wrote", () => {
  expect(clientOf(headers("192.0.2.4", "curl/8"))).toEqual({ address: "192.0.2.4", key: "192.0.2.4", userAgent: "curl/8" });
});

test("an IPv4 client of a dual-stack socket is one address, not two", () => {
  expect(clientOf(headers("::ffff:192.0.2.4")).address).toBe("192.0.2.4");
});

test("IPv6 addresses are kept, in one spelling", () => {
  expect(clientOf(headers("2001:DB8::1")).address).toBe("2001:db8::1");
});

test("without server.js (next start alone) the last entry, the one next start would append", () => {
  expect(clientOf(headers("10.9.9.9, 198.51.100.1")).address).toBe("198.51.100.1");
});

test("something that is not an address is still a key for counting failures, but never recorded as an address", () => {
  expect(clientOf(headers("unknown"))).toMatchObject({ address: null, key: "unknown" });
  expect(clientOf(headers("x".repeat(500))).key).toHaveLength(64);
  expect(clientOf(headers())).toMatchObject({ address: null, key: "unknown", userAgent: null });
});
