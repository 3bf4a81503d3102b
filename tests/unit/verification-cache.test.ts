import { VerificationCache, type CachedToken } from "@/lib/tokens/cache";

function token(overrides: Partial<CachedToken> = {}): CachedToken {
  return {
    guid: "00000000-0000-4000-8000-000000000001",
    name: "ci",
    userId: "10000000-0000-4000-8000-000000000000",
    userEmail: "a@example.com",
    userName: "A",
    userIsAdmin: false,
    userDisabled: false,
    scopes: ["tokens:read"],
    validFrom: new Date(0),
    validTo: null,
    revokedAt: null,
    createdAt: new Date(0),
    secretExpiresAt: null,
    ...overrides,
  };
}

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

test("a stored token is returned until its freshness time runs out", () => {
  const time = clock();
  const cache = new VerificationCache({ ttlMs: 1_000, clock: time });
  cache.set("h1", token(), cache.generation);
  expect(cache.get("h1")?.token?.guid).toBe(token().guid);
  time.advance(999);
  expect(cache.get("h1")).toBeDefined();
  time.advance(2);
  expect(cache.get("h1")).toBeUndefined();
});

test("an unknown secret is remembered as unknown for the shorter negative time", () => {
  const time = clock();
  const cache = new VerificationCache({ ttlMs: 10_000, negativeTtlMs: 500, clock: time });
  cache.set("bad", null, cache.generation);
  expect(cache.get("bad")).toEqual({ token: null });
  time.advance(501);
  expect(cache.get("bad")).toBeUndefined();
  expect(cache.stats()).toMatchObject({ negativeHits: 1, misses: 1 });
});

test("invalidating a token drops every secret of it (current and overlapping) and nothing else", () => {
  const cache = new VerificationCache();
  const other = token({ guid: guid(2) });
  cache.set("current", token(), cache.generation);
  cache.set("previous", token({ secretExpiresAt: new Date(5_000) }), cache.generation);
  cache.set("other", other, cache.generation);
  cache.invalidateToken(token().guid);
  expect(cache.get("current")).toBeUndefined();
  expect(cache.get("previous")).toBeUndefined();
  expect(cache.get("other")?.token?.guid).toBe(other.guid);
});

test("invalidating a user drops all of that user's tokens and no one else's", () => {
  const cache = new VerificationCache();
  const theirs = token({ guid: guid(4), userId: "20000000-0000-4000-8000-000000000000" });
  cache.set("a", token(), cache.generation);
  cache.set("b", token({ guid: guid(3) }), cache.generation);
  cache.set("c", theirs, cache.generation);
  cache.invalidateUser(token().userId);
  expect(cache.get("a")).toBeUndefined();
  expect(cache.get("b")).toBeUndefined();
  expect(cache.get("c")?.token?.guid).toBe(theirs.guid);
});

test("a lookup that raced with an invalidation is not stored", () => {
  const cache = new VerificationCache();
  const generation = cache.generation; // a lookup starts
  cache.invalidateToken(token().guid); // the token is revoked meanwhile
  cache.set("h", token(), generation); // the lookup's stale answer arrives
  expect(cache.get("h")).toBeUndefined();
});

test("a lookup is stored when the invalidation that happened meanwhile concerned another token", () => {
  const cache = new VerificationCache();
  const generation = cache.generation;
  cache.invalidateToken(guid(9));
  cache.invalidateUser("30000000-0000-4000-8000-000000000000");
  cache.set("h", token(), generation);
  expect(cache.get("h")?.token?.guid).toBe(token().guid);
});

test("a lookup that raced with an invalidation of its owner is not stored", () => {
  const cache = new VerificationCache();
  const generation = cache.generation;
  cache.invalidateUser(token().userId);
  cache.set("h", token(), generation);
  expect(cache.get("h")).toBeUndefined();
});

test("while distrusted (change feed down) nothing is served or stored", () => {
  const cache = new VerificationCache();
  cache.set("a", token(), cache.generation);
  cache.distrust();
  expect(cache.get("a")).toBeUndefined();
  cache.set("a", token(), cache.generation);
  cache.trust();
  expect(cache.get("a")).toBeUndefined();
  cache.set("a", token(), cache.generation);
  expect(cache.get("a")).toBeDefined();
});

test("the cache holds at most `max` entries, evicting the least recently used", () => {
  const cache = new VerificationCache({ max: 3 });
  cache.set("a", token({ guid: guid(5) }), cache.generation);
  cache.set("b", token({ guid: guid(6) }), cache.generation);
  cache.set("c", token({ guid: guid(7) }), cache.generation);
  cache.get("a"); // a becomes the most recently used
  cache.set("d", token({ guid: guid(8) }), cache.generation);
  expect(cache.stats().size).toBe(3);
  expect(cache.get("b")).toBeUndefined();
  expect(cache.get("a")).toBeDefined();
  expect(cache.get("d")).toBeDefined();
});

test("clear forgets everything and refuses fills that started before it", () => {
  const cache = new VerificationCache();
  cache.set("a", token(), cache.generation);
  const generation = cache.generation;
  cache.clear();
  cache.set("b", token(), generation);
  expect(cache.stats().size).toBe(0);
});
