import { clientOf } from "@/lib/client";

/** Which address a request is counted and recorded under, with and without trusted proxies. */
const headers = (forwardedFor?: string, userAgent?: string) =>
  new Headers({ ...(forwardedFor !== undefined && { "x-forwarded-for": forwardedFor }), ...(userAgent && { "user-agent": userAgent }) });

test("directly behind next start: the address it put in X-Forwarded-For", () => {
  expect(clientOf(headers("192.0.2.4", "curl/8"), 0)).toEqual({ address: "192.0.2.4", key: "192.0.2.4", userAgent: "curl/8" });
});

test("an IPv4 client of a dual-stack socket is one address, not two", () => {
  expect(clientOf(headers("::ffff:192.0.2.4"), 0).address).toBe("192.0.2.4");
});

test("IPv6 addresses are kept, in one spelling", () => {
  expect(clientOf(headers("2001:DB8::1"), 0).address).toBe("2001:db8::1");
});

test("with N trusted proxies the N-th entry from the right counts; what the client wrote to its left is ignored", () => {
  expect(clientOf(headers("10.9.9.9, 198.51.100.1"), 1).address).toBe("198.51.100.1");
  expect(clientOf(headers("10.9.9.9, 198.51.100.1, 10.0.0.2"), 2).address).toBe("198.51.100.1");
});

test("fewer entries than proxies: the leftmost one there is", () => {
  expect(clientOf(headers("198.51.100.1"), 3).address).toBe("198.51.100.1");
});

test("something that is not an address is still a key for counting failures, but never recorded as an address", () => {
  expect(clientOf(headers("unknown"), 0)).toMatchObject({ address: null, key: "unknown" });
  expect(clientOf(headers("x".repeat(500)), 0).key).toHaveLength(64);
  expect(clientOf(headers(), 0)).toMatchObject({ address: null, key: "unknown", userAgent: null });
});
