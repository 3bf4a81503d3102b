import { VerificationCache, type TokenFill } from "@/lib/tokens/cache";

function token(overrides: Partial<TokenFill> = {}): TokenFill {
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

test("entries share their owner and scope list, yet invalidating one user drops exactly that user's entries", () => {
  const cache = new VerificationCache();
  const b = { userId: "20000000-0000-4000-8000-000000000000", userEmail: "b@example.com", userName: "B" };
  const a1 = cache.set("a1", token({ guid: guid(11) }), cache.generation)!;
  const a2 = cache.set("a2", token({ guid: guid(12) }), cache.generation)!;
  const b1 = cache.set("b1", token({ guid: guid(13), ...b }), cache.generation)!;
  expect(a2.owner).toBe(a1.owner); // one object for the user, not a copy per entry
  expect(b1.owner).not.toBe(a1.owner);
  expect(b1.scopes).toBe(a1.scopes); // the same scopes, one frozen list for everyone
  expect(Object.isFrozen(a1.owner) && Object.isFrozen(a1.scopes)).toBe(true);

  cache.invalidateUser(token().userId);
  expect([cache.get("a1"), cache.get("a2")]).toEqual([undefined, undefined]);
  expect(cache.get("b1")?.token?.owner).toEqual({ id: b.userId, email: "b@example.com", name: "B", isAdmin: false, disabled: false });

  // A's next fill reads A's new name; B's entry still reads B, and a later fill of B shares B's owner.
  const renamed = cache.set("a1", token({ guid: guid(11), userName: "A renamed", userIsAdmin: true }), cache.generation)!;
  expect(renamed.owner).toMatchObject({ name: "A renamed", isAdmin: true });
  expect(cache.get("b1")?.token?.owner.name).toBe("B");
  expect(cache.set("b2", token({ guid: guid(14), ...b }), cache.generation)!.owner).toBe(b1.owner);
});

test("a fill whose owner reads differently from the user's other entries keeps its own owner", () => {
  const cache = new VerificationCache();
  const first = cache.set("a1", token({ guid: guid(21) }), cache.generation)!;
  const disabled = cache.set("a2", token({ guid: guid(22), userDisabled: true }), cache.generation)!;
  expect(disabled.owner).not.toBe(first.owner);
  expect([cache.get("a1")?.token?.owner.disabled, cache.get("a2")?.token?.owner.disabled]).toEqual([false, true]);
});

test("a token's secrets stay indexed as they come and go: invalidating it drops the ones left", () => {
  const cache = new VerificationCache({ max: 3 });
  cache.set("current", token(), cache.generation);
  cache.set("previous", token({ secretExpiresAt: new Date(5_000) }), cache.generation);
  cache.set("x", token({ guid: guid(31) }), cache.generation);
  cache.set("y", token({ guid: guid(32) }), cache.generation); // evicts "current", the least recently used
  expect(cache.get("current")).toBeUndefined();
  cache.invalidateToken(token().guid);
  expect(cache.get("previous")).toBeUndefined();
  expect([cache.get("x")?.token?.guid, cache.get("y")?.token?.guid]).toEqual([guid(31), guid(32)]);
});
