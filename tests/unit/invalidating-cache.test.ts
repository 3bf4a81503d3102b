import { InvalidatingCache } from "@/lib/cache/invalidating-cache";
import { ChangeFanOut, type Change, type ChangeHandlers } from "@/lib/db/change-listener";

type Entry = { deps: string[] };
const cache = (maxRemembered?: number) =>
  new InvalidatingCache<Entry>({ max: 100, ttlMs: 60_000, dependsOn: (e) => e.deps, maxRemembered });

test("an entry is dropped when any of its dependencies, or its own key, is invalidated", () => {
  const c = cache();
  c.set("a", { deps: ["x", "y"] }, c.generation);
  c.set("b", { deps: ["y"] }, c.generation);
  c.set("c", { deps: [] }, c.generation);
  c.invalidate("x");
  expect([c.get("a"), c.get("b")?.deps]).toEqual([undefined, ["y"]]);
  c.invalidate("c");
  expect(c.get("c")).toBeUndefined();
  expect(c.invalidations).toBe(2);
});

test("a fill that raced with an invalidation of its own key is refused, and only that", () => {
  const c = cache();
  const before = c.generation;
  c.invalidate("a");
  c.set("a", { deps: [] }, before);
  c.set("b", { deps: [] }, before);
  expect([c.get("a"), c.get("b")]).toEqual([undefined, { deps: [] }]);
});

test("an entry replaced under its key is no longer indexed under its old dependencies", () => {
  const c = cache();
  c.set("a", { deps: ["x"] }, c.generation);
  c.set("a", { deps: ["y"] }, c.generation);
  c.invalidate("x");
  expect(c.get("a")).toEqual({ deps: ["y"] });
});

test("once more invalidations happened than are remembered, fills older than the forgotten one are refused", () => {
  const c = cache(2);
  const early = c.generation;
  c.invalidate("p");
  const middle = c.generation;
  c.invalidate("q");
  c.invalidate("r"); // "p" is forgotten: when it changed is no longer known
  c.set("a", { deps: ["p"] }, early);
  expect(c.get("a")).toBeUndefined();
  c.set("a", { deps: ["p"] }, middle);
  expect(c.get("a")).toBeDefined();
});

function recorder(log: string[], name: string): ChangeHandlers {
  return {
    change: (change: Change) => void log.push(`${name} change ${JSON.stringify(change)}`),
    connected: () => void log.push(`${name} connected`),
    disconnected: () => void log.push(`${name} disconnected`),
  };
}

test("one change feed is heard by every subscriber; a late one is told at once whether it is up", () => {
  const log: string[] = [];
  const feed = new ChangeFanOut();
  feed.subscribe(recorder(log, "tokens"));
  feed.connected();
  feed.subscribe(recorder(log, "sessions"));
  feed.change({ user: "u1" });
  feed.disconnected();
  feed.subscribe(recorder(log, "late"));
  feed.connected();
  expect(log).toEqual([
    "tokens connected",
    "sessions connected",
    'tokens change {"user":"u1"}',
    'sessions change {"user":"u1"}',
    "tokens disconnected",
    "sessions disconnected",
    "tokens connected",
    "sessions connected",
    "late connected",
  ]);
});

test("a dependency of one entry, then two, then one again still drops what depends on it", () => {
  const c = cache();
  c.set("a", { deps: ["x"] }, c.generation);
  c.set("b", { deps: ["x"] }, c.generation);
  c.set("c", { deps: ["x"] }, c.generation);
  c.invalidate("a");
  c.invalidate("b");
  c.set("d", { deps: ["y"] }, c.generation);
  c.invalidate("x");
  expect([c.get("c"), c.get("d")]).toEqual([undefined, { deps: ["y"] }]);
});
