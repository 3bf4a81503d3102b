import { SessionCache, type CachedSession } from "@/lib/sessions/cache";
import { describeDevice } from "@/lib/sessions/device";
import { IDLE_TIMEOUT_MS, MAX_LIFETIME_MS, isWithinLifetime } from "@/lib/sessions/policy";

const USER = "10000000-0000-4000-8000-000000000000";
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function session(n: number, userId = USER): CachedSession {
  return {
    id: id(n),
    userId,
    user: { id: userId, email: "a@example.com", name: "A", isAdmin: false },
    createdAt: new Date(0),
    expiresAt: new Date(MAX_LIFETIME_MS),
    lastSeenAt: new Date(0),
  };
}

test("an entry is kept until its freshness time, and unknown ids are remembered as unknown", () => {
  let now = 1_000;
  const cache = new SessionCache({ ttlMs: 1_000, clock: { now: () => now } });
  cache.set(id(1), session(1), cache.generation);
  cache.set(id(2), null, cache.generation);
  expect(cache.get(id(1))?.session?.id).toBe(id(1));
  expect(cache.get(id(2))).toEqual({ session: null });
  now += 1_001;
  expect(cache.get(id(1))).toBeUndefined();
});

test("a lookup that raced with the session's end, or its user's change, stores nothing", () => {
  const cache = new SessionCache();
  const before = cache.generation;
  cache.invalidateSession(id(1));
  cache.set(id(1), session(1), before);
  expect(cache.get(id(1))).toBeUndefined();

  const again = cache.generation;
  cache.invalidateUser(USER);
  cache.set(id(2), session(2), again);
  expect(cache.get(id(2))).toBeUndefined();
  // Another user's change does not refuse this one.
  const later = cache.generation;
  cache.invalidateUser("20000000-0000-4000-8000-000000000000");
  cache.set(id(3), session(3), later);
  expect(cache.get(id(3))).toBeDefined();
});

test("a user's change drops every one of their sessions and no one else's", () => {
  const cache = new SessionCache();
  cache.set(id(1), session(1), cache.generation);
  cache.set(id(2), session(2), cache.generation);
  cache.set(id(3), session(3, "20000000-0000-4000-8000-000000000000"), cache.generation);
  cache.invalidateUser(USER);
  expect([cache.get(id(1)), cache.get(id(2))]).toEqual([undefined, undefined]);
  expect(cache.get(id(3))).toBeDefined();
});

test("while the change feed is down nothing is answered or stored; afterwards it starts afresh", () => {
  const cache = new SessionCache();
  cache.set(id(1), session(1), cache.generation);
  cache.distrust();
  expect(cache.get(id(1))).toBeUndefined();
  cache.set(id(1), session(1), cache.generation);
  cache.trust();
  expect(cache.get(id(1))).toBeUndefined();
  cache.set(id(1), session(1), cache.generation);
  expect(cache.get(id(1))).toBeDefined();
});

test("touching moves last seen forward only", () => {
  const cache = new SessionCache();
  cache.set(id(1), session(1), cache.generation);
  cache.touch(id(1), new Date(5_000));
  cache.touch(id(1), new Date(4_000));
  expect(cache.get(id(1))?.session?.lastSeenAt).toEqual(new Date(5_000));
});

test("lifetimes: idle for a week, or thirty days after signing in", () => {
  const times = { expiresAt: new Date(MAX_LIFETIME_MS), lastSeenAt: new Date(0) };
  expect(isWithinLifetime(times, new Date(IDLE_TIMEOUT_MS - 1))).toBe(true);
  expect(isWithinLifetime(times, new Date(IDLE_TIMEOUT_MS))).toBe(false);
  const busy = { expiresAt: new Date(MAX_LIFETIME_MS), lastSeenAt: new Date(MAX_LIFETIME_MS - 1_000) };
  expect(isWithinLifetime(busy, new Date(MAX_LIFETIME_MS - 1))).toBe(true);
  expect(isWithinLifetime(busy, new Date(MAX_LIFETIME_MS))).toBe(false);
});

test.each([
  ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux"],
  ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "Chrome on Linux"],
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"],
  ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on macOS"],
  ["Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iOS"],
  ["Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0", "Firefox on Android"],
  ["Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0", "Firefox on Linux"],
  ["Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", "Samsung Internet on Android"],
  ["Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on ChromeOS"],
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/114.0.0.0", "Opera on Windows"],
  ["curl/8.5.0", "curl"],
  ["python-requests/2.31.0", "python-requests"],
  ["", "Unknown device"],
  [null, "Unknown device"],
])("%s is shown as %s", (ua, expected) => {
  expect(describeDevice(ua)).toBe(expected);
});
