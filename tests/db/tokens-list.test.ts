import { prisma } from "@/lib/db";
import { ValidationError } from "@/lib/errors";
import { randomUUID } from "node:crypto";
import { TOKEN_LIST_COUNT_LIMIT, createToken, listTokens, revokeToken, updateToken, type TokenView } from "@/lib/tokens/service";
import { TOKEN_SORTS, type TokenListQuery } from "@/lib/validation/token-list";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

useFreshDatabase();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const later = (base: Date, ms: number) => new Date(base.getTime() + ms);

async function owner() {
  return createUser({ scopes: ["tokens:read", "tokens:write"] });
}

type Extra = { createdAt?: Date; lastUsedAt?: Date | null; scopes?: string[]; validFrom?: Date; validTo?: Date };

/** Creates a token through the service, then sets what only time or use would set (creation and last-use times). */
async function token(userId: string, name: string, extra: Extra = {}, now = new Date()): Promise<TokenView> {
  const { token } = await createToken(
    userId,
    { name, scopes: extra.scopes ?? ["tokens:read"], validFrom: extra.validFrom?.toISOString(), validTo: extra.validTo?.toISOString() },
    now,
  );
  if (extra.createdAt || extra.lastUsedAt) {
    const db = await prisma();
    await db.token.update({ where: { guid: token.guid }, data: { createdAt: extra.createdAt, lastUsedAt: extra.lastUsedAt } });
  }
  return token;
}

async function names(userId: string, query: Partial<TokenListQuery>, now?: Date): Promise<string[]> {
  return (await listTokens(userId, query, now)).tokens.map((t) => t.name);
}

describe("name keywords", () => {
  let userId: string;
  beforeAll(async () => {
    userId = (await owner()).id;
    for (const name of ["Deploy production", "deploy staging", "CI production DEPLOY", "backup", "100% coverage", "snake_case bot", "back\\slash", "Émile's laptop"]) {
      await token(userId, name);
    }
  });
  const sorted = async (q: string) => (await names(userId, { q, sort: "name", order: "asc" })).sort();

  test("one word matches anywhere in the name, whatever the case", async () => {
    expect(await sorted("deploy")).toEqual(["CI production DEPLOY", "Deploy production", "deploy staging"]);
    expect(await sorted("PLO")).toEqual(["CI production DEPLOY", "Deploy production", "deploy staging"]);
    expect(await sorted("émile")).toEqual(["Émile's laptop"]);
    expect(await sorted("ÉMILE'S")).toEqual(["Émile's laptop"]);
  });

  test("a renamed token is found by its new name only", async () => {
    const other = (await owner()).id;
    const renamed = await token(other, "Old name");
    await updateToken(other, renamed.guid, { name: "Fresh NAME" });
    expect(await names(other, { q: "fresh name" })).toEqual(["Fresh NAME"]);
    expect(await names(other, { q: "old" })).toEqual([]);
  });

  test("several words must all match, in any order, however many spaces separate them", async () => {
    expect(await sorted("production deploy")).toEqual(["CI production DEPLOY", "Deploy production"]);
    expect(await sorted("   deploy      production   ")).toEqual(["CI production DEPLOY", "Deploy production"]);
    expect(await sorted("deploy\tproduction\nci")).toEqual(["CI production DEPLOY"]);
    expect(await sorted("deploy nothing")).toEqual([]);
  });

  test("every word counts, even beyond the tenth", async () => {
    expect(await sorted("d e p l o y p r o d")).toEqual(["CI production DEPLOY", "Deploy production"]);
    expect(await sorted("d e p l o y p r o d zebra")).toEqual([]);
  });

  test("%, _ and \\ are matched literally, not as wildcards", async () => {
    expect(await sorted("%")).toEqual(["100% coverage"]);
    expect(await sorted("0%")).toEqual(["100% coverage"]);
    expect(await sorted("e%c")).toEqual([]);
    expect(await sorted("_")).toEqual(["snake_case bot"]);
    expect(await sorted("e_c")).toEqual(["snake_case bot"]);
    expect(await sorted("p_o")).toEqual([]);
    expect(await sorted("\\")).toEqual(["back\\slash"]);
    expect(await sorted("k\\s")).toEqual(["back\\slash"]);
  });

  test("a control character in the search separates words instead of failing the query", async () => {
    expect(await sorted("deploy\u0000staging")).toEqual(["deploy staging"]);
  });

  test("an empty or blank search lists everything", async () => {
    expect(await sorted("")).toHaveLength(8);
    expect(await sorted("     ")).toHaveLength(8);
  });
});

describe("GUID and scope filters", () => {
  test("the GUID filter finds exactly that token, in either case", async () => {
    const user = await owner();
    const wanted = await token(user.id, "Wanted");
    await token(user.id, "Other");
    expect(await names(user.id, { guid: wanted.guid })).toEqual(["Wanted"]);
    expect(await names(user.id, { guid: wanted.guid.toUpperCase() })).toEqual(["Wanted"]);
    expect(await names(user.id, { guid: "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f" })).toEqual([]);
  });

  test("a GUID's first 8 or more characters find every token of the user's that starts with them, and only those", async () => {
    const user = await owner();
    const stranger = await owner();
    const withGuid = (userId: string, name: string, guid: string) => createToken(userId, { name, scopes: ["tokens:read"], guid });
    // The first and the last GUID a prefix can stand for, and the neighbours just outside it.
    await withGuid(user.id, "Lowest", "3f2b8c1e-0000-4000-8000-000000000000");
    await withGuid(user.id, "Middle", "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f");
    await withGuid(user.id, "Highest", "3f2b8c1e-ffff-4fff-bfff-ffffffffffff");
    await withGuid(user.id, "Just below", "3f2b8c1d-ffff-4fff-bfff-ffffffffffff");
    await withGuid(user.id, "Just above", "3f2b8c1f-0000-4000-8000-000000000000");
    await withGuid(stranger.id, "Someone else's", "3f2b8c1e-7a4d-4e8b-9c0f-000000000000");
    const found = async (guid: string) => (await names(user.id, { guid, sort: "name", order: "asc" })).sort();

    expect(await found("3f2b8c1e")).toEqual(["Highest", "Lowest", "Middle"]);
    expect(await found("3F2B8C1E")).toEqual(["Highest", "Lowest", "Middle"]);
    expect(await found("3f2b8c1e-7")).toEqual(["Middle"]);
    expect(await found("3f2b8c1e7a4d4e8b")).toEqual(["Middle"]);
    expect(await found("3f2b8c1e-ffff-4fff-bfff-ffffffffffff")).toEqual(["Highest"]);
    expect(await found("3f2b8c1eFFFF4FFFBFFFFFFFFFFFFFFF")).toEqual(["Highest"]);
    expect(await found("3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6e")).toEqual([]);
    expect((await listTokens(user.id, { guid: "3f2b8c1e" })).total).toBe(3);
    expect(await names(stranger.id, { guid: "3f2b8c1e" })).toEqual(["Someone else's"]);
  });

  test("the scope filter keeps tokens carrying that scope", async () => {
    const user = await owner();
    await token(user.id, "Reader", { scopes: ["tokens:read"] });
    await token(user.id, "Writer", { scopes: ["tokens:write"] });
    await token(user.id, "Both", { scopes: ["tokens:read", "tokens:write"] });
    expect((await names(user.id, { scope: "tokens:read" })).sort()).toEqual(["Both", "Reader"]);
    expect((await names(user.id, { scope: "tokens:write" })).sort()).toEqual(["Both", "Writer"]);
    expect(await names(user.id, { scope: "tokens:introspect" })).toEqual([]);
  });

  test("filters combine", async () => {
    const user = await owner();
    await token(user.id, "deploy reader", { scopes: ["tokens:read"] });
    await token(user.id, "deploy writer", { scopes: ["tokens:write"] });
    const page = await listTokens(user.id, { q: "deploy", scope: "tokens:write", status: "active" });
    expect(page.tokens.map((t) => t.name)).toEqual(["deploy writer"]);
    expect(page.total).toBe(1);
  });
});

describe("status filter", () => {
  test("splits tokens exactly at the boundaries statusOf uses", async () => {
    const user = await owner();
    const created = new Date();
    const now = later(created, DAY);
    await token(user.id, "starts now", { validFrom: now }, created);
    await token(user.id, "ends now", { validFrom: later(now, -HOUR), validTo: now }, created);
    await token(user.id, "ends in 1ms", { validFrom: later(now, -HOUR), validTo: later(now, 1) }, created);
    await token(user.id, "starts in 1ms", { validFrom: later(now, 1) }, created);
    await token(user.id, "forever", {}, created);
    const revoked = await token(user.id, "revoked", { validTo: later(now, DAY) }, created);
    await revokeToken(user.id, revoked.guid, created);

    const active = await listTokens(user.id, { status: "active" }, now);
    const inactive = await listTokens(user.id, { status: "inactive" }, now);
    const all = await listTokens(user.id, { status: "all" }, now);
    expect(active.tokens.map((t) => t.name).sort()).toEqual(["ends in 1ms", "forever", "starts now"]);
    expect(inactive.tokens.map((t) => t.name).sort()).toEqual(["ends now", "revoked", "starts in 1ms"]);
    expect(all.total).toBe(6);
    // The database filter and the status shown agree on every token.
    for (const t of active.tokens) expect(t.status).toEqual("active");
    expect(Object.fromEntries(inactive.tokens.map((t) => [t.name, t.status]))).toEqual({
      "ends now": "expired",
      "starts in 1ms": "scheduled",
      revoked: "revoked",
    });
  });
});

describe("sorting", () => {
  test("by name, ignoring case, both ways", async () => {
    const user = await owner();
    for (const name of ["charlie", "Delta", "alpha", "Bravo"]) await token(user.id, name);
    expect(await names(user.id, { sort: "name", order: "asc" })).toEqual(["alpha", "Bravo", "charlie", "Delta"]);
    expect(await names(user.id, { sort: "name", order: "desc" })).toEqual(["Delta", "charlie", "Bravo", "alpha"]);
  });

  test("by creation time, both ways; newest first by default", async () => {
    const user = await owner();
    const base = new Date("2030-01-01T00:00:00Z");
    for (const [name, day] of [["second", 2], ["first", 1], ["third", 3]] as const) {
      await token(user.id, name, { createdAt: later(base, day * DAY) });
    }
    expect(await names(user.id, { sort: "created", order: "asc" })).toEqual(["first", "second", "third"]);
    expect(await names(user.id, { sort: "created", order: "desc" })).toEqual(["third", "second", "first"]);
    expect(await names(user.id, {})).toEqual(["third", "second", "first"]);
  });

  test("by last use, never-used counting as the oldest", async () => {
    const user = await owner();
    const base = new Date("2030-01-01T00:00:00Z");
    await token(user.id, "yesterday", { lastUsedAt: later(base, -DAY) });
    await token(user.id, "never", { lastUsedAt: null });
    await token(user.id, "today", { lastUsedAt: base });
    expect(await names(user.id, { sort: "lastUsed", order: "asc" })).toEqual(["never", "yesterday", "today"]);
    expect(await names(user.id, { sort: "lastUsed", order: "desc" })).toEqual(["today", "yesterday", "never"]);
  });

  test("by expiry, never-expiring counting as the latest", async () => {
    const user = await owner();
    const now = new Date();
    await token(user.id, "in a year", { validTo: later(now, 365 * DAY) }, now);
    await token(user.id, "never", {}, now);
    await token(user.id, "tomorrow", { validTo: later(now, DAY) }, now);
    expect(await names(user.id, { sort: "expires", order: "asc" })).toEqual(["tomorrow", "in a year", "never"]);
    expect(await names(user.id, { sort: "expires", order: "desc" })).toEqual(["never", "in a year", "tomorrow"]);
  });

  test("by status pages correctly across the active/inactive boundary", async () => {
    const user = await owner();
    const now = new Date();
    const base = new Date("2030-01-01T00:00:00Z");
    // 17 active and 14 inactive tokens, creation times interleaved so neither group is contiguous by date.
    const active: string[] = [];
    const inactive: string[] = [];
    for (let i = 0; i < 31; i++) {
      const isActive = i % 2 === 0 || i === 29;
      const name = `${isActive ? "on" : "off"} ${String(i).padStart(2, "0")}`;
      const t = await token(user.id, name, { createdAt: later(base, i * HOUR) }, now);
      if (!isActive) await revokeToken(user.id, t.guid, now);
      (isActive ? active : inactive).push(name);
    }
    expect([active.length, inactive.length]).toEqual([17, 14]);
    const newestFirst = (list: string[]) => [...list].sort().reverse();

    for (const [order, groups] of [
      ["asc", [active, inactive]],
      ["desc", [inactive, active]],
    ] as const) {
      const seen: string[] = [];
      for (let page = 1; page <= 4; page++) {
        const result = await listTokens(user.id, { sort: "status", order, perPage: 10, page }, now);
        expect(result).toMatchObject({ total: 31, totalIsExact: true, pageCount: 4, page, perPage: 10, hasNextPage: page < 4 });
        expect(result.tokens).toHaveLength(page < 4 ? 10 : 1);
        seen.push(...result.tokens.map((t) => t.name));
      }
      // Each token exactly once: the first group, then the second, each newest first.
      expect(seen).toEqual([...newestFirst(groups[0]), ...newestFirst(groups[1])]);
      expect(await listTokens(user.id, { sort: "status", order, perPage: 10, page: 5 }, now)).toMatchObject({ tokens: [], total: 31 });
    }
  });

  test("ties are broken the same way every time, so paging never repeats or skips a token", async () => {
    const user = await owner();
    const sameTime = new Date("2030-01-01T00:00:00Z");
    for (let i = 0; i < 23; i++) await token(user.id, "Same name", { createdAt: sameTime, lastUsedAt: null });
    const db = await prisma();
    const guids = (await db.token.findMany({ where: { userId: user.id }, select: { guid: true } })).map((t) => t.guid).sort();
    for (const sort of TOKEN_SORTS) {
      for (const order of ["asc", "desc"] as const) {
        const seen: string[] = [];
        for (let page = 1; page <= 3; page++) {
          seen.push(...(await listTokens(user.id, { sort, order, perPage: 10, page })).tokens.map((t) => t.guid));
        }
        expect(seen).toEqual(guids);
      }
    }
  });
});

describe("pagination", () => {
  test("reports total and page count, and pages through every token once", async () => {
    const user = await owner();
    for (let i = 0; i < 25; i++) await token(user.id, `token ${String(i).padStart(2, "0")}`);
    const pages = await Promise.all([1, 2, 3].map((page) => listTokens(user.id, { perPage: 10, page, sort: "name", order: "asc" })));
    expect(pages.map((p) => [p.page, p.perPage, p.total, p.pageCount, p.tokens.length])).toEqual([
      [1, 10, 25, 3, 10],
      [2, 10, 25, 3, 10],
      [3, 10, 25, 3, 5],
    ]);
    expect(pages.flatMap((p) => p.tokens.map((t) => t.name))).toEqual(Array.from({ length: 25 }, (_, i) => `token ${String(i).padStart(2, "0")}`));
  });

  test("a page past the end is empty but still reports the total", async () => {
    const user = await owner();
    for (let i = 0; i < 3; i++) await token(user.id, `t${i}`);
    expect(await listTokens(user.id, { page: 2, perPage: 10 })).toMatchObject({ tokens: [], total: 3, pageCount: 1, page: 2 });
    expect(await listTokens(user.id, { page: 100_000 })).toMatchObject({ tokens: [], total: 3 });
  });

  test("a user without tokens gets an empty first page", async () => {
    const user = await owner();
    expect(await listTokens(user.id)).toEqual({ tokens: [], total: 0, totalIsExact: true, page: 1, perPage: 20, pageCount: 1, hasNextPage: false });
  });

  test("a next page is offered while a page is full and more tokens follow, not after a page that ends the list", async () => {
    const user = await owner();
    for (let i = 0; i < 20; i++) await token(user.id, `token ${String(i).padStart(2, "0")}`);
    const pages = await Promise.all([1, 2, 3].map((page) => listTokens(user.id, { perPage: 10, page, sort: "name", order: "asc" })));
    expect(pages.map((p) => [p.tokens.length, p.hasNextPage])).toEqual([
      [10, true],
      [10, false],
      [0, false],
    ]);
  });
});

/** `count` tokens for the user straight into the table (createMany): thousands of createToken calls would take minutes. */
async function manyTokens(userId: string, count: number, now: Date, revokedEvery = 0) {
  const db = await prisma();
  const rows = Array.from({ length: count }, (_, i) => ({
    guid: randomUUID(),
    userId,
    name: `bulk ${String(i).padStart(5, "0")}`,
    partial: "tgp_bulk",
    validFrom: new Date(now.getTime() - DAY),
    createdAt: new Date(now.getTime() - (count - i) * 1000),
    revokedAt: revokedEvery && i % revokedEvery === 0 ? now : null,
  }));
  await db.token.createMany({ data: rows });
  return rows;
}

describe("the total, counted up to TOKEN_LIST_COUNT_LIMIT", () => {
  const now = new Date("2031-03-01T12:00:00Z");

  test("exactly the limit is an exact total; one more is the limit, not exact, and no page count", async () => {
    const user = await owner();
    await manyTokens(user.id, TOKEN_LIST_COUNT_LIMIT, now);
    const atLimit = await listTokens(user.id, { perPage: 100 }, now);
    expect(atLimit).toMatchObject({ total: TOKEN_LIST_COUNT_LIMIT, totalIsExact: true, pageCount: TOKEN_LIST_COUNT_LIMIT / 100, hasNextPage: true });
    expect(await listTokens(user.id, { perPage: 100, page: TOKEN_LIST_COUNT_LIMIT / 100 }, now)).toMatchObject({ hasNextPage: false });

    await manyTokens(user.id, 1, new Date(now.getTime() - 10 * DAY));
    const over = await listTokens(user.id, { perPage: 100 }, now);
    expect(over).toMatchObject({ total: TOKEN_LIST_COUNT_LIMIT, totalIsExact: false, pageCount: null, hasNextPage: true });
    // A filter narrows the count back under the limit: bulk 00000–00009 and the one added ("bulk 00000" too).
    expect(await listTokens(user.id, { q: "bulk 0000", perPage: 100 }, now)).toMatchObject({ total: 11, totalIsExact: true, pageCount: 1 });
  });

  test("when the total is not exact, pages still run to the last token and stop there", async () => {
    const user = await owner();
    const rows = await manyTokens(user.id, TOKEN_LIST_COUNT_LIMIT + 30, now);
    const lastPage = Math.ceil(rows.length / 100);
    const last = await listTokens(user.id, { perPage: 100, page: lastPage, sort: "name", order: "asc" }, now);
    expect(last).toMatchObject({ totalIsExact: false, pageCount: null, hasNextPage: false });
    expect(last.tokens.map((t) => t.name)).toEqual(rows.slice((lastPage - 1) * 100).map((r) => r.name));
    expect(await listTokens(user.id, { perPage: 100, page: lastPage - 1, sort: "name", order: "asc" }, now)).toMatchObject({ hasNextPage: true });
    expect(await listTokens(user.id, { perPage: 100, page: lastPage + 1 }, now)).toMatchObject({ tokens: [], hasNextPage: false, totalIsExact: false });
  });

  test("the status sort is bounded too, and pages across the active and inactive parts past the limit", async () => {
    const user = await owner();
    // Every third token revoked: 344 inactive of 1,030.
    const rows = await manyTokens(user.id, TOKEN_LIST_COUNT_LIMIT + 30, now, 3);
    const newestFirst = (list: typeof rows) => [...list].reverse().map((r) => r.guid);
    const expected = [...newestFirst(rows.filter((r) => !r.revokedAt)), ...newestFirst(rows.filter((r) => r.revokedAt))];
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      const result = await listTokens(user.id, { sort: "status", order: "asc", perPage: 100, page }, now);
      expect(result).toMatchObject({ total: TOKEN_LIST_COUNT_LIMIT, totalIsExact: false, pageCount: null });
      seen.push(...result.tokens.map((t) => t.guid));
      if (!result.hasNextPage) break;
    }
    expect(seen).toEqual(expected);
  });
});

describe("query validation", () => {
  test("values outside the allow-lists are a ValidationError naming the field", async () => {
    const user = await owner();
    for (const [query, field] of [
      [{ sort: "secret" }, "sort"],
      [{ status: "revoked" }, "status"],
      [{ perPage: 1_000_000 }, "perPage"],
      [{ page: 0 }, "page"],
      [{ guid: "x' OR 1=1 --" }, "guid"],
      [{ guid: "3f2b8c1" }, "guid"],
      [{ guid: "3f2b%" }, "guid"],
      [{ q: "x".repeat(201) }, "q"],
    ] as const) {
      const error = await listTokens(user.id, query).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(Object.keys((error as ValidationError).fieldErrors)).toEqual([field]);
    }
  });
});
