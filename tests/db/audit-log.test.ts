import { recordEvent, SYSTEM, type EventActor } from "@/lib/audit/events";
import { eventFilterOf, everyEvent, listEvents, type EventFilter, type EventReach } from "@/lib/audit/query";
import { prisma } from "@/lib/db";
import { ValidationError } from "@/lib/errors";
import { eventQuerySchema, eventQueryFromSearchParams, OWN_LOG_PARAMETERS } from "@/lib/validation/audit-events";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

useFreshDatabase();

/**
 * The logs' reader (lib/audit/query.ts): filters, keyset pages that cover every event exactly once
 * whatever the page size (ties on the instant included), and a person's log holding only theirs.
 */
const T0 = Date.parse("2031-03-01T00:00:00.000Z");
const MINUTE = 60_000;
const at = (minutes: number) => new Date(T0 + minutes * MINUTE);
const CLIENT = { address: "192.0.2.7", key: "192.0.2.7", userAgent: "Jest" };
const TOKEN_A = "0b9e7a52-3c1d-4e8f-9a6b-2d4c6e8f0a1b";
const TOKEN_B = "1c8f6b41-2d0e-4f7a-8b5c-3e5d7f9a1b2c";

let ada: { id: string; email: string };
let grace: { id: string; email: string };
/** Every event recorded, by id: who it concerns, its instant. */
const recorded: { id?: string; targetUser: string | null; at: Date; action: string; token?: string; actorToken?: string }[] = [];

async function record(actor: EventActor, event: Parameters<typeof recordEvent>[2], when: Date) {
  await recordEvent(await prisma(), actor, event, when);
  recorded.push({ targetUser: event.targetUser ?? null, at: when, action: event.action, token: event.targetToken ?? undefined, actorToken: "tokenGuid" in actor ? (actor.tokenGuid ?? undefined) : undefined });
}

beforeAll(async () => {
  ada = await createUser({ name: "Ada" });
  grace = await createUser({ name: "Grace" });
  const adaPerson: EventActor = { kind: "person", userId: ada.id, label: ada.email, client: CLIENT };
  const adaToken: EventActor = { kind: "token", userId: ada.id, tokenGuid: TOKEN_A, client: CLIENT };
  const admin: EventActor = { kind: "administrator", userId: grace.id, label: grace.email, tokenGuid: null, client: CLIENT };
  // 30 of Ada's events over 30 minutes, five of them at one instant (the id breaks the tie), and Grace's in between.
  for (let i = 0; i < 25; i++) {
    const kind = i % 5;
    if (kind === 0) await record(adaPerson, { action: "user.signed_in", targetUser: ada.id }, at(i));
    else if (kind === 1) await record(adaPerson, { action: "token.created", targetUser: ada.id, targetToken: TOKEN_A, details: { name: "CI" } }, at(i));
    else if (kind === 2) await record(adaToken, { action: "token.created", targetUser: ada.id, targetToken: TOKEN_B, details: { name: "Deploy" } }, at(i));
    else if (kind === 3) await record(admin, { action: "token.revoked_by_admin", targetUser: ada.id, targetToken: TOKEN_B, details: { name: "Deploy", reason: "leaked" } }, at(i));
    else await record(SYSTEM, { action: "token.expired", targetUser: ada.id, targetToken: TOKEN_A, details: { name: "CI" } }, at(i));
    await record({ kind: "person", userId: grace.id }, { action: "user.signed_in", targetUser: grace.id }, at(i));
  }
  for (let i = 0; i < 5; i++) await record(adaPerson, { action: "user.sign_in_failed", targetUser: ada.id }, at(40));
  await record(admin, { action: "policy.changed", details: { before: {}, after: {} } }, at(41));
});

/** Every page of a filter, walking forward by nextCursor: the ids in order. */
async function walk(filter: EventFilter, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await listEvents(filter, { cursor, limit });
    ids.push(...page.events.map((e) => e.id));
    pages++;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { ids, pages };
}

async function allMatching(where: Parameters<Awaited<ReturnType<typeof prisma>>["auditEvent"]["findMany"]>[0]) {
  const rows = await (await prisma()).auditEvent.findMany({ ...where, orderBy: [{ occurredAt: "desc" }, { id: "desc" }] });
  return rows.map((r) => r.id);
}

describe("pages by cursor", () => {
  test.each([1, 4, 5, 7, 30, 100])("with %i a page, the pages hold every one of Ada's events once, newest first", async (limit) => {
    const expected = await allMatching({ where: { targetUser: ada.id } });
    expect(expected).toHaveLength(30);
    const { ids, pages } = await walk({ targetUser: ada.id }, limit);
    expect(ids).toEqual(expected);
    expect(pages).toBe(Math.max(1, Math.ceil(30 / limit)));
  });

  test("prevCursor walks back to the same pages, and the first page has none", async () => {
    const first = await listEvents({ targetUser: ada.id }, { limit: 7 });
    expect(first.prevCursor).toBeNull();
    const second = await listEvents({ targetUser: ada.id }, { cursor: first.nextCursor!, limit: 7 });
    const third = await listEvents({ targetUser: ada.id }, { cursor: second.nextCursor!, limit: 7 });
    const back = await listEvents({ targetUser: ada.id }, { cursor: third.prevCursor!, limit: 7 });
    expect(back.events.map((e) => e.id)).toEqual(second.events.map((e) => e.id));
    const front = await listEvents({ targetUser: ada.id }, { cursor: back.prevCursor!, limit: 7 });
    expect(front.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(front.prevCursor).toBeNull();
  });

  test("the last page has no nextCursor; an empty filter answers no events and no cursors", async () => {
    const page = await listEvents({ targetUser: ada.id }, { limit: 30 });
    expect(page.nextCursor).toBeNull();
    expect(await listEvents({ targetUser: ada.id, actions: ["user.password_changed"] }, { limit: 10 })).toEqual({ events: [], nextCursor: null, prevCursor: null });
  });

  test.each(["nonsense", Buffer.from('{"t":"x","id":"y","d":"next"}').toString("base64url"), Buffer.from("[]").toString("base64url")])(
    "a cursor Tollgate did not give out (%s) is a validation error on cursor",
    async (cursor) => {
      const error = await listEvents({ targetUser: ada.id }, { cursor, limit: 5 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(Object.keys((error as ValidationError).fieldErrors)).toEqual(["cursor"]);
    },
  );

  test("everyEvent (the exports) reads the same events as the pages, across its batches", async () => {
    const ids: string[] = [];
    for await (const event of everyEvent({ targetUser: ada.id }, 4)) ids.push(event.id);
    expect(ids).toEqual(await allMatching({ where: { targetUser: ada.id } }));
  });
});

describe("filters", () => {
  const resolve = async (params: Record<string, string>, reach: EventReach) => (await eventFilterOf(eventQuerySchema.parse(params), reach)).filter;

  test("a person's log is only their own events, whatever user the query names", async () => {
    for (const user of ["", grace.id, "all", "example.com"]) {
      const filter = await resolve({ user }, { own: ada.id });
      const { ids } = await walk(filter, 50);
      expect(ids).toEqual(await allMatching({ where: { targetUser: ada.id } }));
    }
  });

  test("an administrator's log covers every account, events about no account included; user narrows it by id or email", async () => {
    expect((await walk(await resolve({}, { everyone: true }), 100)).ids).toEqual(await allMatching({}));
    expect((await walk(await resolve({ user: "all" }, { everyone: true }), 100)).ids).toHaveLength(56);
    expect((await walk(await resolve({ user: grace.id }, { everyone: true }), 100)).ids).toEqual(await allMatching({ where: { targetUser: grace.id } }));
    expect((await walk(await resolve({ user: grace.email.toUpperCase() }, { everyone: true }), 100)).ids).toEqual(await allMatching({ where: { targetUser: grace.id } }));
  });

  test("a kind is its group of actions; actions may be listed", async () => {
    const tokens = await walk(await resolve({ action: "tokens" }, { own: ada.id }), 100);
    expect(tokens.ids).toEqual(await allMatching({ where: { targetUser: ada.id, action: { startsWith: "token." } } }));
    const account = await walk(await resolve({ action: "account" }, { own: ada.id }), 100);
    expect(account.ids).toEqual(await allMatching({ where: { targetUser: ada.id, action: { in: ["user.signed_in", "user.sign_in_failed"] } } }));
    const admin = await walk(await resolve({ action: "admin" }, { everyone: true }), 100);
    expect(admin.ids).toEqual(await allMatching({ where: { action: { in: ["token.revoked_by_admin", "policy.changed"] } } }));
    const two = await walk(await resolve({ action: "token.expired,user.sign_in_failed" }, { own: ada.id }), 100);
    expect(two.ids).toHaveLength(10);
  });

  test("token: events about it or made with it; actorToken: made with it", async () => {
    const about = await walk(await resolve({ token: TOKEN_A }, { own: ada.id }), 100);
    expect(about.ids).toEqual(await allMatching({ where: { OR: [{ targetToken: TOKEN_A }, { actorToken: TOKEN_A }] } }));
    expect(about.ids).toHaveLength(15);
    const madeWith = await walk(await resolve({ actorToken: TOKEN_A.toUpperCase() }, { own: ada.id }), 100);
    expect(madeWith.ids).toEqual(await allMatching({ where: { actorToken: TOKEN_A } }));
  });

  test("actor: who did it, by id or email", async () => {
    const byGrace = await walk(await resolve({ actor: grace.email }, { own: ada.id }), 100);
    expect(byGrace.ids).toEqual(await allMatching({ where: { targetUser: ada.id, actorUserId: grace.id } }));
    expect(byGrace.ids).toHaveLength(5);
  });

  test("from is inclusive, to exclusive; a date alone is a whole day in the reader's zone", async () => {
    const range = await walk(await resolve({ from: at(5).toISOString(), to: at(10).toISOString() }, { own: ada.id }), 100);
    expect(range.ids).toEqual(await allMatching({ where: { targetUser: ada.id, occurredAt: { gte: at(5), lt: at(10) } } }));
    expect(range.ids).toHaveLength(5);
    // The events are at 00:00–00:40 UTC on 1 March, which is the evening of 28 February in New York (UTC-5).
    const count = async (params: Record<string, string>, zone: string) => (await walk((await eventFilterOf(eventQuerySchema.parse(params), { own: ada.id }, zone)).filter, 100)).ids.length;
    expect(await count({ from: "2031-03-01", to: "2031-03-01" }, "UTC")).toBe(30);
    expect(await count({ to: "2031-02-28" }, "UTC")).toBe(0);
    expect(await count({ from: "2031-03-01" }, "America/New_York")).toBe(0);
    expect(await count({ from: "2031-02-28", to: "2031-02-28" }, "America/New_York")).toBe(30);
  });

  test("to at or before from is refused on to", async () => {
    const error = await eventFilterOf(eventQuerySchema.parse({ from: "2031-03-02", to: "2031-03-01" }), { own: ada.id }).catch((e: unknown) => e);
    expect((error as ValidationError).fieldErrors).toEqual({ to: ["to must come after from."] });
  });

  test("an email matching no account matches nothing, and says so", async () => {
    const { filter, notices } = await eventFilterOf(eventQuerySchema.parse({ user: "nobody-here" }), { everyone: true });
    expect((await walk(filter, 10)).ids).toEqual([]);
    expect(notices).toEqual(["No account has an email containing “nobody-here”."]);
  });
});

describe("the query", () => {
  test.each([
    [{ action: "tokens,nonsense" }, "action"],
    [{ token: "3f2b8c1e" }, "token"],
    [{ from: "2031-03-01T00:00:00" }, "from"],
    [{ to: "yesterday" }, "to"],
    [{ from: "2031-02-31" }, "from"],
    [{ limit: "0" }, "limit"],
    [{ limit: "101" }, "limit"],
    [{ limit: "2.5" }, "limit"],
  ])("%j is refused on %s", (params, field) => {
    const parsed = eventQuerySchema.safeParse(params);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path[0])).toEqual([field]);
  });

  test("limits 1 and 100 are accepted, 50 is the default", () => {
    expect(eventQuerySchema.parse({ limit: "1" }).limit).toBe(1);
    expect(eventQuerySchema.parse({ limit: "100" }).limit).toBe(100);
    expect(eventQuerySchema.parse({}).limit).toBe(50);
  });

  test("the page drops a bad value with a notice, and reads only the parameters it offers", () => {
    const { query, ignored } = eventQueryFromSearchParams({ action: "bogus", user: grace.id, token: TOKEN_A }, OWN_LOG_PARAMETERS);
    expect(query).toMatchObject({ action: "", user: "", token: TOKEN_A });
    expect(ignored).toHaveLength(1);
    expect(ignored[0]).toMatch(/^The action “bogus” was ignored\./);
  });
});
