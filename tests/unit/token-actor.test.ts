import { BeyondCallerError } from "@/lib/errors";
import { assertReachable, assertScopesWithin, lifetimeProblems, ownerOf, reachOf, type TokenActor } from "@/lib/tokens/actor";

/** The rule "a token never reaches beyond itself", on plain values (over HTTP: tests/api/token-reach.test.ts). */

const end = new Date("2030-01-01T12:00:00Z");
const caller: TokenActor = { userId: "u", guid: "g", scopes: ["tokens:read", "tokens:write", "tokens:introspect"], validTo: end };
// The owner has since lost tokens:introspect: it is no longer the token's to give.
const reach = reachOf(caller, ["tokens:read", "tokens:write", "metrics:read"]);
const forever = reachOf({ ...caller, validTo: null }, ["tokens:read", "tokens:write"]);
const at = (ms: number) => new Date(end.getTime() + ms);

function beyond(run: () => void): BeyondCallerError["limit"] {
  try {
    run();
  } catch (error) {
    if (error instanceof BeyondCallerError) return error.limit;
    throw error;
  }
  throw new Error("expected a BeyondCallerError");
}

test("a person is named by their id; a token acts for its owner", () => {
  expect(ownerOf("u")).toBe("u");
  expect(ownerOf(caller)).toBe("u");
});

test("effective scopes are the token's own that its owner holds now, never the owner's others", () => {
  expect([...reach.scopes].sort()).toEqual(["tokens:read", "tokens:write"]);
  expect(beyond(() => assertScopesWithin(reach, ["tokens:read", "metrics:read", "tokens:introspect"]))).toEqual({
    scopes: ["metrics:read", "tokens:introspect"],
  });
  expect(() => assertScopesWithin(reach, ["tokens:write"])).not.toThrow();
});

test("lifetime: valid-to at most the caller's end, never 'never'; valid-from before it", () => {
  expect(lifetimeProblems(reach, { validFrom: null, validTo: end })).toEqual({});
  expect(lifetimeProblems(reach, { validFrom: at(-1), validTo: at(-1000) })).toEqual({});
  expect(lifetimeProblems(reach, { validFrom: null, validTo: at(1) }).validTo).toEqual([expect.stringContaining("no later than 2030-01-01T12:00:00.000Z")]);
  expect(lifetimeProblems(reach, { validFrom: null, validTo: null }).validTo).toEqual([expect.stringContaining("must too")]);
  expect(Object.keys(lifetimeProblems(reach, { validFrom: end, validTo: end }))).toEqual(["validFrom"]);
  expect(lifetimeProblems(forever, { validFrom: null, validTo: null })).toEqual({});
});

test("a target is reachable only within the caller's scopes and end", () => {
  expect(() => assertReachable(reach, { scopes: ["tokens:read"], validTo: end }, "edit")).not.toThrow();
  expect(beyond(() => assertReachable(reach, { scopes: ["tokens:introspect"], validTo: end }, "edit"))).toEqual({ scopes: ["tokens:introspect"] });
  expect(beyond(() => assertReachable(reach, { scopes: ["tokens:read"], validTo: at(1) }, "rotate"))).toEqual({ validTo: end });
  expect(beyond(() => assertReachable(reach, { scopes: ["tokens:read"], validTo: null }, "delete"))).toEqual({ validTo: end });
  // A caller that never expires reaches tokens that never expire.
  expect(() => assertReachable(forever, { scopes: ["tokens:write"], validTo: null }, "rotate")).not.toThrow();
});

test("the caller itself is reachable unless it lists a scope its owner withdrew", () => {
  expect(beyond(() => assertReachable(reach, { scopes: caller.scopes, validTo: end }, "edit"))).toEqual({ scopes: ["tokens:introspect"] });
  expect(() => assertReachable(forever, { scopes: ["tokens:read", "tokens:write"], validTo: null }, "edit")).not.toThrow();
});
