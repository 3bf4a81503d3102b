import { randomUUID } from "node:crypto";
import { COUNT_LIMIT, NO_POLICY_NOTICE, listAllTokens, type InventoryPage } from "@/lib/admin/token-inventory";
import { prisma } from "@/lib/db";
import { ConflictError, NotFoundError, ValidationError } from "@/lib/errors";
import { createToken, getToken, revokeToken, revokeTokenAsAdmin, rotateToken } from "@/lib/tokens/service";
import type { AdminActor } from "@/lib/admin/actor";
import type { InventoryQuery } from "@/lib/validation/admin-tokens";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

useFreshDatabase();

const NOW = new Date("2030-06-01T12:00:00.000Z");
const SECOND = 1000;
const DAY = 86_400_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);

type Row = { name: string; createdAt?: Date; validFrom?: Date; validTo?: Date | null; revokedAt?: Date | null; lastUsedAt?: Date | null; scopes?: string[] };

/** Tokens written as they would be after time has passed: the inventory reads what is stored. */
async function seed(userId: string, rows: Row[]): Promise<string[]> {
  const db = await prisma();
  const guids = rows.map(() => randomUUID());
  await db.token.createMany({
    data: rows.map((row, i) => ({
      guid: guids[i]!,
      userId,
      name: row.name,
      partial: "tgp_AbCd…9xYz",
      createdAt: row.createdAt ?? at(-100 * DAY),
      validFrom: row.validFrom ?? row.createdAt ?? at(-100 * DAY),
      validTo: row.validTo ?? null,
      revokedAt: row.revokedAt ?? null,
      lastUsedAt: row.lastUsedAt ?? null,
    })),
  });
  await db.tokenScope.createMany({ data: rows.flatMap((row, i) => (row.scopes ?? ["tokens:read"]).map((scopeName) => ({ tokenGuid: guids[i]!, scopeName }))) });
  return guids;
}

async function list(query: Partial<InventoryQuery>, now = NOW): Promise<InventoryPage> {
  return listAllTokens(query, now);
}
const names = async (query: Partial<InventoryQuery>, now = NOW) => (await list(query, now)).tokens.map((t) => t.name);
const sortedNames = async (query: Partial<InventoryQuery>) => (await names({ perPage: 100, ...query })).sort();

async function setPolicies(policies: { maxTokenLifetimeDays?: number | null; maxRotationOverlapSeconds?: number | null }) {
  const db = await prisma();
  await db.deploymentSettings.update({ where: { id: 1 }, data: { maxTokenLifetimeDays: null, maxRotationOverlapSeconds: null, ...policies } });
}

describe("filters at their boundaries", () => {
  let owner: string;
  beforeAll(async () => {
    owner = (await createUser({ name: "Filter Owner" })).id;
    await seed(owner, [
      { name: "used 30 days ago", lastUsedAt: at(-30 * DAY) },
      { name: "used 30 days ago less 1 ms", lastUsedAt: at(-30 * DAY + 1) },
      { name: "never used, created 30 days ago", createdAt: at(-30 * DAY) },
      { name: "never used, created 29 days ago", createdAt: at(-29 * DAY) },
      { name: "used 90 days ago", lastUsedAt: at(-90 * DAY) },
      { name: "used 365 days ago", lastUsedAt: at(-365 * DAY), createdAt: at(-400 * DAY) },
      { name: "expires in 7 days", validTo: at(7 * DAY), lastUsedAt: at(-DAY) },
      { name: "expires in 7 days and 1 ms", validTo: at(7 * DAY + 1), lastUsedAt: at(-DAY) },
      { name: "expires in 1 ms", validTo: at(1), lastUsedAt: at(-DAY) },
      { name: "expired now", validTo: NOW, lastUsedAt: at(-DAY) },
      { name: "expires in 30 days", validTo: at(30 * DAY), lastUsedAt: at(-DAY) },
      { name: "revoked, would expire in 2 days", validTo: at(2 * DAY), revokedAt: at(-DAY), lastUsedAt: at(-DAY) },
      { name: "starts now", validFrom: NOW, lastUsedAt: at(-DAY) },
      { name: "starts in 1 ms", validFrom: at(1), lastUsedAt: at(-DAY), scopes: ["tokens:write"] },
    ]);
  });
  const mine = (query: Partial<InventoryQuery>) => sortedNames({ owner, ...query });

  test("unused for N days: a last use (or, never used, the creation) exactly N days ago counts", async () => {
    const unused30 = await mine({ unused: "30" });
    expect(unused30).toEqual(["never used, created 30 days ago", "used 30 days ago", "used 365 days ago", "used 90 days ago"]);
    expect(await mine({ unused: "90" })).toEqual(["used 365 days ago", "used 90 days ago"]);
    expect(await mine({ unused: "365" })).toEqual(["used 365 days ago"]);
    expect(await mine({ unused: "never" })).toEqual(["never used, created 29 days ago", "never used, created 30 days ago"]);
  });

  test("expiring within N days: a validTo exactly N days away counts, one already reached does not, nor a revoked token", async () => {
    expect(await mine({ expiring: "7" })).toEqual(["expires in 1 ms", "expires in 7 days"]);
    expect(await mine({ expiring: "30" })).toEqual(["expires in 1 ms", "expires in 30 days", "expires in 7 days", "expires in 7 days and 1 ms"]);
  });

  test("status as statusOf says: valid-from now is active, valid-to now is expired", async () => {
    expect(await mine({ status: "revoked" })).toEqual(["revoked, would expire in 2 days"]);
    expect(await mine({ status: "expired" })).toEqual(["expired now"]);
    expect(await mine({ status: "scheduled" })).toEqual(["starts in 1 ms"]);
    expect(await mine({ status: "inactive" })).toEqual(["expired now", "revoked, would expire in 2 days", "starts in 1 ms"]);
    const active = await mine({ status: "active" });
    expect(active).toContain("starts now");
    expect(active).toContain("expires in 1 ms");
    expect(active).toHaveLength(11);
    const all = await list({ owner, perPage: 100 });
    for (const token of all.tokens) {
      expect((await list({ owner, status: token.status, perPage: 100 })).tokens.map((t) => t.guid)).toContain(token.guid);
    }
  });

  test("scope, and filters together", async () => {
    expect(await mine({ scope: "tokens:write" })).toEqual(["starts in 1 ms"]);
    expect(await mine({ scope: "tokens:write", status: "active" })).toEqual([]);
    expect(await mine({ expiring: "7", unused: "30" })).toEqual([]);
  });
});

describe("the owner filter", () => {
  let ada: string;
  beforeAll(async () => {
    const a = await createUser({ name: "Ada Lovelace-Inventory" });
    const b = await createUser({ name: "Grace 100%_Hopper" });
    ada = a.id;
    await seed(a.id, [{ name: "ada's" }]);
    await seed(b.id, [{ name: "grace's" }]);
    const db = await prisma();
    await db.user.update({ where: { id: a.id }, data: { email: `ada.inventory-${a.id.slice(0, 8)}@example.com` } });
  });

  test("part of the email or the name, whatever the case; a user id exactly", async () => {
    expect(await sortedNames({ owner: "LOVELACE-inventory" })).toEqual(["ada's"]);
    expect(await sortedNames({ owner: "ADA.INVENTORY-" })).toEqual(["ada's"]);
    expect(await sortedNames({ owner: ada.toUpperCase() })).toEqual(["ada's"]);
    expect(await sortedNames({ owner: randomUUID() })).toEqual([]);
  });

  test("% and _ are literal characters", async () => {
    expect(await sortedNames({ owner: "100%_h" })).toEqual(["grace's"]);
    expect(await sortedNames({ owner: "0%h" })).toEqual([]);
    expect(await sortedNames({ owner: "e_1" })).toEqual([]);
  });

  test("each token names its owner", async () => {
    const [token] = (await list({ owner: ada })).tokens;
    expect(token!.owner).toEqual({ id: ada, email: expect.stringMatching(/^ada\.inventory-/), name: "Ada Lovelace-Inventory" });
  });
});

describe("breaks policy", () => {
  let owner: string;
  let rotated: { long: string; short: string };
  beforeAll(async () => {
    owner = (await createUser({ name: "Policy Owner", scopes: ["tokens:read", "tokens:write"] })).id;
    const created = at(-10 * DAY);
    await seed(owner, [
      { name: "30 days exactly", createdAt: created, validTo: at(20 * DAY) },
      { name: "30 days and 1 ms", createdAt: created, validTo: at(20 * DAY + 1) },
      // Counted from valid-from when the token starts after its creation.
      { name: "scheduled, 30 days from its start", createdAt: created, validFrom: at(5 * DAY), validTo: at(35 * DAY) },
      { name: "scheduled, 31 days from its start", createdAt: created, validFrom: at(5 * DAY), validTo: at(36 * DAY) },
      { name: "never expires", createdAt: created },
      { name: "revoked, never expired", createdAt: created, revokedAt: at(-DAY) },
      { name: "expired, 60 days long", createdAt: at(-90 * DAY), validTo: at(-30 * DAY) },
    ]);
    const rotate = async (name: string, overlapSeconds: number) => {
      const { token } = await createToken(owner, { name, scopes: ["tokens:read"], validTo: at(10 * DAY).toISOString() }, at(-DAY));
      await rotateToken(owner, token.guid, { overlapSeconds }, at(-60 * SECOND));
      // The new secret's creation is the rotation's moment, which the database's clock wrote.
      const db = await prisma();
      await db.tokenSecret.updateMany({ where: { tokenGuid: token.guid, expiresAt: null }, data: { createdAt: at(-60 * SECOND) } });
      return token.guid;
    };
    rotated = { long: await rotate("rotated with 2 h overlap", 7200), short: await rotate("rotated with 1 h overlap", 3600) };
  });
  afterAll(() => setPolicies({}));
  const breaking = () => sortedNames({ owner, breaksPolicy: "true" });

  test("with no policy set, nothing breaks one, and the answer says so", async () => {
    await setPolicies({});
    const page = await list({ owner, breaksPolicy: "true" });
    expect(page.tokens).toEqual([]);
    expect(page.notices).toEqual([NO_POLICY_NOTICE]);
    expect((await list({ owner })).notices).toEqual([]);
    expect((await list({ owner, perPage: 100 })).tokens.every((t) => !t.breaksPolicy)).toBe(true);
  });

  test("maximum lifetime: a validTo beyond max(validFrom, createdAt) + the days, or none at all; only active and scheduled tokens", async () => {
    await setPolicies({ maxTokenLifetimeDays: 30 });
    expect(await breaking()).toEqual(["30 days and 1 ms", "never expires", "scheduled, 31 days from its start"]);
    const page = await list({ owner, perPage: 100 });
    expect(page.tokens.filter((t) => t.breaksPolicy).map((t) => t.name).sort()).toEqual(await breaking());
    expect(page.notices).toEqual([]);
  });

  test("maximum rotation overlap: a previous secret that works longer after its rotation than allowed", async () => {
    await setPolicies({ maxRotationOverlapSeconds: 3600 });
    expect(await breaking()).toEqual(["rotated with 2 h overlap"]);
    await setPolicies({ maxRotationOverlapSeconds: 3599 });
    expect(await breaking()).toEqual(["rotated with 1 h overlap", "rotated with 2 h overlap"]);
    // Once the overlap is over, nothing breaks the policy any more.
    expect(await names({ owner, breaksPolicy: "true" }, at(2 * 3600 * SECOND))).toEqual([]);
    expect(rotated.long).not.toEqual(rotated.short);
  });

  test("either policy", async () => {
    await setPolicies({ maxTokenLifetimeDays: 30, maxRotationOverlapSeconds: 3600 });
    expect(await breaking()).toEqual(["30 days and 1 ms", "never expires", "rotated with 2 h overlap", "scheduled, 31 days from its start"]);
  });
});

describe("sorting", () => {
  let owner: string;
  beforeAll(async () => {
    owner = (await createUser()).id;
    await seed(owner, [
      { name: "bravo", createdAt: at(-3 * DAY), lastUsedAt: at(-2 * DAY), validTo: at(5 * DAY) },
      { name: "Alpha", createdAt: at(-2 * DAY), lastUsedAt: null, validTo: null },
      { name: "charlie", createdAt: at(-1 * DAY), lastUsedAt: at(-1 * DAY), validTo: at(3 * DAY) },
      { name: "delta", createdAt: at(-4 * DAY), lastUsedAt: null, validTo: at(-2 * DAY) },
      { name: "echo", createdAt: at(-5 * DAY), revokedAt: at(-DAY), validTo: at(-DAY), lastUsedAt: at(-3 * DAY) },
      { name: "foxtrot", createdAt: at(-6 * DAY), validFrom: at(DAY), lastUsedAt: null },
    ]);
  });
  const sorted = (sort: InventoryQuery["sort"], order: InventoryQuery["order"]) => names({ owner, sort, order });

  test("by creation", async () => {
    expect(await sorted("created", "desc")).toEqual(["charlie", "Alpha", "bravo", "delta", "echo", "foxtrot"]);
    expect(await sorted("created", "asc")).toEqual(["foxtrot", "echo", "delta", "bravo", "Alpha", "charlie"]);
  });

  test("by name, ignoring case", async () => {
    expect(await sorted("name", "asc")).toEqual(["Alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]);
    expect(await sorted("name", "desc")).toEqual(["foxtrot", "echo", "delta", "charlie", "bravo", "Alpha"]);
  });

  test("by last use: never used counts as the oldest use (ordered by creation among them)", async () => {
    expect(await sorted("lastUsed", "asc")).toEqual(["foxtrot", "delta", "Alpha", "echo", "bravo", "charlie"]);
    expect(await sorted("lastUsed", "desc")).toEqual(["charlie", "bravo", "echo", "Alpha", "delta", "foxtrot"]);
  });

  test("by expiry: never expires counts as the latest (ordered by creation among them)", async () => {
    expect(await sorted("expires", "asc")).toEqual(["delta", "echo", "charlie", "bravo", "foxtrot", "Alpha"]);
    expect(await sorted("expires", "desc")).toEqual(["Alpha", "foxtrot", "bravo", "charlie", "echo", "delta"]);
  });

  test("by status: active, scheduled, expired, revoked (newest first within each)", async () => {
    expect(await sorted("status", "asc")).toEqual(["charlie", "Alpha", "bravo", "foxtrot", "delta", "echo"]);
    expect(await sorted("status", "desc")).toEqual(["echo", "delta", "foxtrot", "charlie", "Alpha", "bravo"]);
  });

  test("by owner email", async () => {
    const users = [await createUser(), await createUser(), await createUser()];
    const db = await prisma();
    const emails = ["sort-b@example.org", "sort-a@example.org", "sort-c@example.org"];
    for (const [i, user] of users.entries()) {
      await db.user.update({ where: { id: user.id }, data: { email: emails[i]!, name: "Sort Owner" } });
      await seed(user.id, [{ name: `of ${emails[i]}` }]);
    }
    expect(await names({ owner: "sort owner", sort: "owner", order: "asc" })).toEqual(["of sort-a@example.org", "of sort-b@example.org", "of sort-c@example.org"]);
    expect(await names({ owner: "sort owner", sort: "owner", order: "desc" })).toEqual(["of sort-c@example.org", "of sort-b@example.org", "of sort-a@example.org"]);
  });
});

describe("cursor pagination", () => {
  let owner: string;
  let guids: string[];
  beforeAll(async () => {
    owner = (await createUser()).id;
    // 25 tokens created at the same instant, 12 of them never used: ties and NULLs on every page boundary.
    guids = await seed(
      owner,
      Array.from({ length: 25 }, (_, i) => ({ name: `tie ${String(i).padStart(2, "0")}`, createdAt: at(-DAY), lastUsedAt: i % 2 ? null : at(-DAY), validTo: i % 3 ? null : at(DAY) })),
    );
  });

  async function walkAll(query: Partial<InventoryQuery>): Promise<{ forward: string[]; pages: InventoryPage[] }> {
    const pages: InventoryPage[] = [];
    let cursor = "";
    do {
      const page = await list({ owner, perPage: 10, ...query, cursor });
      pages.push(page);
      cursor = page.nextCursor ?? "";
    } while (cursor && pages.length < 10);
    return { forward: pages.flatMap((p) => p.tokens.map((t) => t.guid)), pages };
  }

  test.each(["created", "name", "status", "lastUsed", "expires", "owner"] as const)("by %s, each way: every token once, and back again", async (sort) => {
    for (const order of ["asc", "desc"] as const) {
      const { forward, pages } = await walkAll({ sort, order });
      expect(pages.map((p) => p.tokens.length)).toEqual([10, 10, 5]);
      expect(new Set(forward).size).toBe(25);
      expect([...forward].sort()).toEqual([...guids].sort());
      expect(pages[0]!.prevCursor).toBeNull();
      expect(pages[2]!.nextCursor).toBeNull();
      // The whole list in one page is the same order.
      expect((await list({ owner, sort, order, perPage: 50 })).tokens.map((t) => t.guid)).toEqual(forward);
      // Back from the last page: the middle page, then the first.
      const middle = await list({ owner, sort, order, perPage: 10, cursor: pages[2]!.prevCursor! });
      expect(middle.tokens.map((t) => t.guid)).toEqual(forward.slice(10, 20));
      const start = await list({ owner, sort, order, perPage: 10, cursor: middle.prevCursor! });
      expect(start.tokens.map((t) => t.guid)).toEqual(forward.slice(0, 10));
      expect(start.prevCursor).toBeNull();
      expect(start.nextCursor).not.toBeNull();
    }
  });

  test("back from a page that starts early gives the first page whole", async () => {
    const { forward } = await walkAll({});
    const firstTen = await list({ owner, perPage: 10 });
    const fromEleven = await list({ owner, perPage: 20, cursor: firstTen.nextCursor! });
    expect(fromEleven.tokens.map((t) => t.guid)).toEqual(forward.slice(10, 25));
    expect(fromEleven.nextCursor).toBeNull();
    const back = await list({ owner, perPage: 20, cursor: fromEleven.prevCursor! });
    expect(back.tokens.map((t) => t.guid)).toEqual(forward.slice(0, 20));
    expect(back.prevCursor).toBeNull();
  });

  test("a cursor from elsewhere, or of another sort or order, is refused", async () => {
    const page = await list({ owner, perPage: 10 });
    await expect(list({ owner, perPage: 10, sort: "name", cursor: page.nextCursor! })).rejects.toThrow(ValidationError);
    await expect(list({ owner, perPage: 10, order: "asc", cursor: page.nextCursor! })).rejects.toThrow(ValidationError);
    for (const cursor of ["nonsense", Buffer.from('{"sort":"created"}').toString("base64url"), Buffer.from("[]").toString("base64url")]) {
      await expect(list({ cursor })).rejects.toMatchObject({ fieldErrors: { cursor: [expect.stringContaining("not one Tollgate gave out")] } });
    }
    const forged = { sort: "created", order: "desc", dir: "next", segment: 0, key: ["yesterday", guids[0]] };
    await expect(list({ cursor: Buffer.from(JSON.stringify(forged)).toString("base64url") })).rejects.toThrow(ValidationError);
  });

  test("unknown values are refused, naming the parameter", async () => {
    await expect(list({ status: "lost" as never })).rejects.toMatchObject({ fieldErrors: { status: [expect.stringContaining("status must be one of")] } });
    await expect(list({ unused: "31" as never })).rejects.toMatchObject({ fieldErrors: { unused: [expect.any(String)] } });
    await expect(list({ sort: "secret" as never })).rejects.toMatchObject({ fieldErrors: { sort: [expect.any(String)] } });
    await expect(list({ perPage: 1000 as never })).rejects.toMatchObject({ fieldErrors: { perPage: [expect.any(String)] } });
  });

  test("no secret or hash in an answer, only the partial", async () => {
    const page = await list({ perPage: 100 });
    const text = JSON.stringify(page);
    const db = await prisma();
    const hashes = await db.tokenSecret.findMany({ select: { hash: true } });
    for (const { hash } of hashes) expect(text).not.toContain(hash);
    expect(Object.keys(page.tokens[0]!)).not.toContain("secrets");
  });
});

describe("the bounded count", () => {
  let owner: string;
  beforeAll(async () => {
    owner = (await createUser()).id;
    const db = await prisma();
    await db.$executeRaw`
      INSERT INTO tokens (guid, user_id, name, partial, valid_from, created_at, updated_at)
      SELECT gen_random_uuid(), ${owner}::uuid, 'bulk ' || i, 'tgp_bulk', ${NOW}::timestamptz, ${NOW}::timestamptz - make_interval(secs => i), ${NOW}::timestamptz
      FROM generate_series(1, ${COUNT_LIMIT}) AS i`;
  }, 60_000);

  test("exact up to the limit, then 'more than'", async () => {
    const exact = await list({ owner, perPage: 10 });
    expect({ total: exact.total, totalIsExact: exact.totalIsExact }).toEqual({ total: COUNT_LIMIT, totalIsExact: true });
    await seed(owner, [{ name: "one more" }]);
    const over = await list({ owner, perPage: 10 });
    expect({ total: over.total, totalIsExact: over.totalIsExact }).toEqual({ total: COUNT_LIMIT, totalIsExact: false });
    const few = await list({ owner, unused: "never", status: "active", perPage: 10, scope: "tokens:read" });
    expect({ total: few.total, totalIsExact: few.totalIsExact }).toEqual({ total: 1, totalIsExact: true });
  });
});

describe("an administrator revokes a token", () => {
  let admin: AdminActor;
  let ownerId: string;
  beforeAll(async () => {
    const adminUser = await createUser({ name: "The Admin" });
    admin = { userId: adminUser.id, email: adminUser.email, tokenGuid: null, ip: "203.0.113.9", userAgent: "jest" };
    ownerId = (await createUser({ scopes: ["tokens:read", "tokens:write"] })).id;
  });
  const fresh = async (extra: { validFrom?: Date; validTo?: Date } = {}, now = NOW) =>
    (await createToken(ownerId, { name: "to revoke", scopes: ["tokens:read"], validFrom: extra.validFrom?.toISOString(), validTo: extra.validTo?.toISOString() }, now)).token.guid;

  test("with a reason: revoked now, by whom and why, recorded in the audit table; the owner sees it", async () => {
    const guid = await fresh({}, at(-DAY));
    const revoked = await revokeTokenAsAdmin(admin, guid.toUpperCase(), { reason: "  Leaked in a public repository  " }, NOW);
    expect(revoked).toMatchObject({ status: "revoked", revokedAt: NOW, validTo: NOW, revokedBy: "administrator", revocationReason: "Leaked in a public repository" });
    expect(await getToken(ownerId, guid, NOW)).toMatchObject({ revokedBy: "administrator", revocationReason: "Leaked in a public repository" });
    const db = await prisma();
    expect(await db.token.findUniqueOrThrow({ where: { guid }, select: { revokedById: true } })).toEqual({ revokedById: admin.userId });
    const events = await db.auditEvent.findMany({ where: { targetToken: guid, action: "token.revoked_by_admin" } });
    expect(events).toEqual([
      expect.objectContaining({
        action: "token.revoked_by_admin",
        actorKind: "administrator",
        actorUserId: admin.userId,
        actorLabel: admin.email,
        targetUser: ownerId,
        ip: "203.0.113.9",
        occurredAt: NOW,
        details: { owner: expect.stringContaining("@example.com"), name: "to revoke", reason: "Leaked in a public repository" },
      }),
    ]);
  });

  test("the reason is required, 1 to 500 characters after trimming", async () => {
    const guid = await fresh({}, at(-DAY));
    for (const input of [{}, { reason: "" }, { reason: "   " }, { reason: "x".repeat(501) }, { reason: 5 }, null, { reason: "ok", extra: 1 }]) {
      await expect(revokeTokenAsAdmin(admin, guid, input, NOW)).rejects.toThrow(ValidationError);
    }
    expect((await getToken(ownerId, guid, NOW)).status).toBe("active");
    expect((await revokeTokenAsAdmin(admin, guid, { reason: "x".repeat(500) }, NOW)).revocationReason).toHaveLength(500);
  });

  test("an already revoked token is a conflict, and keeps its first reason; expired and scheduled ones as the owner's revoke answers", async () => {
    const guid = await fresh({}, at(-DAY));
    await revokeTokenAsAdmin(admin, guid, { reason: "first" }, NOW);
    await expect(revokeTokenAsAdmin(admin, guid, { reason: "second" }, NOW)).rejects.toThrow(ConflictError);
    expect((await getToken(ownerId, guid, NOW)).revocationReason).toBe("first");
    const byOwner = await fresh({}, at(-DAY));
    await revokeToken(ownerId, byOwner, NOW);
    await expect(revokeTokenAsAdmin(admin, byOwner, { reason: "late" }, NOW)).rejects.toThrow(ConflictError);
    expect(await getToken(ownerId, byOwner, NOW)).toMatchObject({ revokedBy: "owner", revocationReason: null });

    const expiring = await fresh({ validTo: at(DAY) }, at(-DAY));
    await expect(revokeTokenAsAdmin(admin, expiring, { reason: "r" }, at(DAY))).rejects.toThrow(/already expired/);
    const scheduled = await fresh({ validFrom: at(DAY) }, NOW);
    await expect(revokeTokenAsAdmin(admin, scheduled, { reason: "r" }, NOW)).rejects.toThrow(/not valid yet/);
    const db = await prisma();
    expect(await db.auditEvent.count({ where: { targetToken: { in: [byOwner, expiring, scheduled] }, action: "token.revoked_by_admin" } })).toBe(0);
  });

  test("an unknown or malformed GUID is not found", async () => {
    await expect(revokeTokenAsAdmin(admin, randomUUID(), { reason: "r" }, NOW)).rejects.toThrow(NotFoundError);
    await expect(revokeTokenAsAdmin(admin, "not-a-guid", { reason: "r" }, NOW)).rejects.toThrow(NotFoundError);
  });

  test("a token not revoked says so", async () => {
    const guid = await fresh({}, at(-DAY));
    expect(await getToken(ownerId, guid, NOW)).toMatchObject({ revokedBy: null, revocationReason: null });
  });
});
