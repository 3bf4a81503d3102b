import { latestEvents } from "@/lib/audit/query";
import { databaseStats, prisma } from "@/lib/db";
import { createToken, getToken } from "@/lib/tokens/service";
import { ROWS_PER_STATEMENT, UsageRecorder, type Use, type UsedToken } from "@/lib/tokens/usage";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

/** The usage batcher ("last used", hourly counts, addresses) against a real database, with its clock in the test's hand. */
useFreshDatabase();

const MINUTE = 60_000;
const T0 = Date.parse("2030-01-01T12:00:00Z");

function use(secondsAfterT0: number, ip = "192.0.2.1", userAgent = "agent"): Use {
  return { at: new Date(T0 + secondsAfterT0 * 1000), ip, userAgent };
}

function recorderAt(start = T0) {
  const clock = { now: start };
  return { clock, recorder: new UsageRecorder({ minIntervalMs: MINUTE, now: () => clock.now }) };
}

async function newToken(name = "Used"): Promise<UsedToken & { updatedAt: Date }> {
  const user = await createUser({ scopes: ["tokens:read"] });
  const { token } = await createToken(user.id, { name, scopes: ["tokens:read"] });
  return { userId: user.id, userEmail: user.email, guid: token.guid, name: token.name, updatedAt: token.updatedAt };
}

/** The "last used" part of a flush's result. */
const lastUsedPart = ({ written, failed, deferred }: { written: number; failed: number; deferred: number }) => ({ written, failed, deferred });

const lastUse = async (token: { userId: string; guid: string }) => {
  const view = await getToken(token.userId, token.guid);
  return { at: view.lastUsedAt?.toISOString() ?? null, ip: view.lastUsedIp, userAgent: view.lastUsedUserAgent };
};

test("a hundred uses of one token become one write, of the newest use", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  for (let i = 0; i < 100; i++) recorder.record(token, use(i, `192.0.2.${i + 1}`, `agent/${i}`));
  expect(lastUsedPart(await recorder.flush())).toEqual({ written: 1, failed: 0, deferred: 0 });
  expect(await lastUse(token)).toEqual({ at: use(99).at.toISOString(), ip: "192.0.2.100", userAgent: "agent/99" });
  expect(recorder.pendingCount).toBe(0);
});

test("a use reported late does not replace a newer one already recorded", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  recorder.record(token, use(10, "192.0.2.10"));
  recorder.record(token, use(5, "192.0.2.5"));
  await recorder.flush();
  expect((await lastUse(token)).ip).toBe("192.0.2.10");
});

test("each token is written at most once a minute; later uses wait for the minute to pass", async () => {
  const token = await newToken();
  const { clock, recorder } = recorderAt();
  recorder.record(token, use(0, "192.0.2.1"));
  expect((await recorder.flush()).written).toBe(1);

  clock.now = T0 + 30_000;
  recorder.record(token, use(30, "192.0.2.2"));
  expect(lastUsedPart(await recorder.flush())).toEqual({ written: 0, failed: 0, deferred: 1 });
  expect((await lastUse(token)).ip).toBe("192.0.2.1");

  clock.now = T0 + MINUTE;
  expect((await recorder.flush()).written).toBe(1);
  expect((await lastUse(token)).ip).toBe("192.0.2.2");
});

test("tokens are independent: one written this minute does not hold back another", async () => {
  const [first, second] = [await newToken(), await newToken()];
  const { clock, recorder } = recorderAt();
  recorder.record(first, use(0));
  await recorder.flush();
  clock.now = T0 + 10_000;
  recorder.record(first, use(10));
  recorder.record(second, use(10));
  expect(lastUsedPart(await recorder.flush())).toEqual({ written: 1, failed: 0, deferred: 1 });
  expect((await lastUse(second)).at).toBe(use(10).at.toISOString());
});

test("the shutdown flush writes everything pending, minute or not", async () => {
  const token = await newToken();
  const { clock, recorder } = recorderAt();
  recorder.record(token, use(0));
  await recorder.flush();
  clock.now = T0 + 5_000;
  recorder.record(token, use(5, "192.0.2.55"));
  expect(lastUsedPart(await recorder.flush({ force: true }))).toEqual({ written: 1, failed: 0, deferred: 0 });
  expect((await lastUse(token)).ip).toBe("192.0.2.55");
});

test("an older use never overwrites a newer one written by another instance", async () => {
  const token = await newToken();
  const here = recorderAt().recorder;
  const elsewhere = recorderAt().recorder;
  elsewhere.record(token, use(20, "192.0.2.20"));
  await elsewhere.flush();
  here.record(token, use(10, "192.0.2.10"));
  await here.flush();
  expect(await lastUse(token)).toMatchObject({ at: use(20).at.toISOString(), ip: "192.0.2.20" });
});

test("recording a use is not editing the token: updatedAt stays", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  recorder.record(token, use(0));
  await recorder.flush();
  expect((await getToken(token.userId, token.guid)).updatedAt).toEqual(token.updatedAt);
});

test("flushes are counted as background queries, apart from the ones requests wait for", async () => {
  const tokens = [await newToken(), await newToken(), await newToken()];
  const { recorder } = recorderAt();
  for (const token of tokens) recorder.record(token, use(0));
  const before = databaseStats();
  expect((await recorder.flush()).written).toBe(3);
  const afterFlush = databaseStats();
  // Three "last used" updates, then one statement each for all counters, all addresses (with
  // their events, in a transaction that the new-address notices share: one more), and the trim
  // that new addresses call for.
  expect(afterFlush.backgroundQueries - before.backgroundQueries).toBe(7);
  expect(afterFlush.queries - before.queries).toBe(7);

  // A query on behalf of a request is counted, and not as background.
  await getToken(tokens[0]!.userId, tokens[0]!.guid);
  const afterRead = databaseStats();
  expect(afterRead.queries - afterFlush.queries).toBeGreaterThanOrEqual(1);
  expect(afterRead.backgroundQueries).toBe(afterFlush.backgroundQueries);
});

test("values longer than their columns are cut, not refused", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  recorder.record(token, use(0, "192.0.2.1", "x".repeat(1000)));
  expect((await recorder.flush()).written).toBe(1);
  expect((await lastUse(token)).userAgent).toBe("x".repeat(256));
  expect((await addressesOf(token)).map((a) => a.userAgent)).toEqual(["x".repeat(256)]);
});

test("a database error keeps the uses for the next flush and throws to no one", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  const db = await prisma();
  const logged = jest.spyOn(console, "error").mockImplementation(() => undefined);
  // A real failure from the real database: the column the write needs is briefly not there.
  await db.$executeRawUnsafe("ALTER TABLE tokens RENAME COLUMN last_used_ip TO last_used_ip_away");
  try {
    recorder.record(token, use(0, "192.0.2.77"));
    expect(lastUsedPart(await recorder.flush())).toEqual({ written: 0, failed: 1, deferred: 0 });
    expect(recorder.pendingCount).toBe(1);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining("will retry"), expect.anything());
  } finally {
    await db.$executeRawUnsafe("ALTER TABLE tokens RENAME COLUMN last_used_ip_away TO last_used_ip");
    logged.mockRestore();
  }
  expect(lastUsedPart(await recorder.flush())).toEqual({ written: 1, failed: 0, deferred: 0 });
  expect((await lastUse(token)).ip).toBe("192.0.2.77");
});

// Hourly counts, addresses and the "new address" event.

const usageOf = async (token: { guid: string }) =>
  (await (await prisma()).tokenUsage.findMany({ where: { tokenGuid: token.guid }, orderBy: [{ hour: "asc" }, { source: "asc" }] })).map(
    ({ hour, source, answered, refusedScope, refusedRate }) => ({ hour: hour.toISOString(), source, answered, refusedScope, refusedRate }),
  );

const addressesOf = async (token: { guid: string }) =>
  (await (await prisma()).tokenAddress.findMany({ where: { tokenGuid: token.guid }, orderBy: { lastSeenAt: "desc" } })).map(
    ({ ip, firstSeenAt, lastSeenAt, uses, userAgent }) => ({ ip, firstSeen: firstSeenAt.toISOString(), lastSeen: lastSeenAt.toISOString(), uses, userAgent }),
  );

const newAddressEvents = async (token: { userId: string; guid: string }) =>
  (await latestEvents({ targetToken: token.guid, actions: ["token.new_address"] }, 1000)).reverse();

const HOUR = "2030-01-01T12:00:00.000Z";
const counted = (answered: number, more: { hour?: string; source?: string; refusedScope?: number; refusedRate?: number } = {}) => ({
  hour: more.hour ?? HOUR,
  source: more.source ?? "",
  answered,
  refusedScope: more.refusedScope ?? 0,
  refusedRate: more.refusedRate ?? 0,
});

test("N uses in an hour are N in that hour's row, written by one flush", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  for (let i = 0; i < 250; i++) recorder.record(token, use(i));
  expect(recorder.pendingRows).toEqual({ counters: 1, addresses: 1 });
  const result = await recorder.flush();
  expect(result.counters).toEqual({ written: 1, failed: 0, dropped: 0 });
  expect(await usageOf(token)).toEqual([counted(250)]);
  expect(recorder.pendingRows).toEqual({ counters: 0, addresses: 0 });
  // Nothing pending, nothing written again.
  expect((await recorder.flush()).counters).toEqual({ written: 0, failed: 0, dropped: 0 });
  expect(await usageOf(token)).toEqual([counted(250)]);
});

test("counts are written on every flush and add to what is stored; the once-a-minute rule is for last used only", async () => {
  const token = await newToken();
  const { clock, recorder } = recorderAt();
  recorder.record(token, use(0));
  await recorder.flush();
  clock.now = T0 + 5_000;
  recorder.record(token, use(5));
  recorder.record(token, use(6));
  const second = await recorder.flush();
  expect(lastUsedPart(second)).toEqual({ written: 0, failed: 0, deferred: 1 });
  expect(second.counters.written).toBe(1);
  expect(await usageOf(token)).toEqual([counted(3)]);
});

test("uses either side of an hour's start are counted in their own hours", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  const at = (iso: string): Use => ({ at: new Date(iso), ip: "192.0.2.1", userAgent: "agent" });
  recorder.record(token, at("2030-01-01T12:59:59.999Z"));
  recorder.record(token, at("2030-01-01T12:00:00.000Z"));
  recorder.record(token, at("2030-01-01T13:00:00.000Z"));
  recorder.record(token, at("2030-01-01T13:00:00.001Z"), "refusedScope");
  expect((await recorder.flush()).counters.written).toBe(2);
  expect(await usageOf(token)).toEqual([counted(2), counted(1, { hour: "2030-01-01T13:00:00.000Z", refusedScope: 1 })]);
});

test("each outcome has its column, and each introspecting token its own row", async () => {
  const [token, service, other] = [await newToken(), await newToken("Service"), await newToken("Other service")];
  const { recorder } = recorderAt();
  recorder.record(token, use(0));
  recorder.record(token, use(1), "refusedScope");
  recorder.record(token, use(2), "refusedScope");
  recorder.count(token.guid, use(3).at, "refusedRate");
  for (let i = 0; i < 4; i++) recorder.count(token.guid, use(4).at, "answered", service.guid);
  recorder.count(token.guid, use(5).at, "answered", other.guid);
  expect((await recorder.flush()).counters).toEqual({ written: 3, failed: 0, dropped: 0 });
  expect(await usageOf(token)).toEqual(
    [counted(1, { refusedScope: 2, refusedRate: 1 }), counted(4, { source: service.guid }), counted(1, { source: other.guid })].sort((a, b) =>
      a.source < b.source ? -1 : 1,
    ),
  );
  // Counting alone touches neither "last used" nor the addresses.
  expect(await addressesOf(token)).toEqual([{ ip: "192.0.2.1", firstSeen: use(0).at.toISOString(), lastSeen: use(2).at.toISOString(), uses: 3, userAgent: "agent" }]);
  expect(await usageOf(service)).toEqual([]);
});

test("two instances' counts add up, also when they flush at once", async () => {
  const token = await newToken();
  const here = recorderAt().recorder;
  const elsewhere = recorderAt().recorder;
  for (let i = 0; i < 30; i++) here.record(token, use(i, "192.0.2.1"));
  for (let i = 0; i < 12; i++) elsewhere.record(token, use(i, "192.0.2.2"));
  await Promise.all([here.flush(), elsewhere.flush()]);
  for (let i = 0; i < 5; i++) here.record(token, use(40 + i, "192.0.2.2"));
  await here.flush();
  expect(await usageOf(token)).toEqual([counted(47)]);
  expect((await addressesOf(token)).map(({ ip, uses }) => ({ ip, uses }))).toEqual([
    { ip: "192.0.2.2", uses: 17 },
    { ip: "192.0.2.1", uses: 30 },
  ]);
});

test("a failed write keeps the counts and addresses, and what arrives meanwhile is added to them", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  const db = await prisma();
  const logged = jest.spyOn(console, "error").mockImplementation(() => undefined);
  await db.$executeRawUnsafe("ALTER TABLE token_usage RENAME COLUMN refused_rate TO refused_rate_away");
  await db.$executeRawUnsafe("ALTER TABLE token_addresses RENAME COLUMN uses TO uses_away");
  try {
    for (let i = 0; i < 3; i++) recorder.record(token, use(i, "192.0.2.1", `agent/${i}`));
    const failed = await recorder.flush();
    expect(failed.counters).toEqual({ written: 0, failed: 1, dropped: 0 });
    expect(failed.addresses).toEqual({ written: 0, failed: 1, dropped: 0, added: 0 });
    expect(logged).toHaveBeenCalledWith(expect.stringContaining("will retry"), expect.anything());
    for (let i = 3; i < 5; i++) recorder.record(token, use(i, "192.0.2.1", `agent/${i}`));
    recorder.count(token.guid, use(5).at, "refusedRate");
    expect(recorder.pendingRows).toEqual({ counters: 1, addresses: 1 });
  } finally {
    await db.$executeRawUnsafe("ALTER TABLE token_usage RENAME COLUMN refused_rate_away TO refused_rate");
    await db.$executeRawUnsafe("ALTER TABLE token_addresses RENAME COLUMN uses_away TO uses");
    logged.mockRestore();
  }
  const retried = await recorder.flush();
  expect(retried.counters).toEqual({ written: 1, failed: 0, dropped: 0 });
  expect(retried.addresses).toEqual({ written: 1, failed: 0, dropped: 0, added: 1 });
  expect(await usageOf(token)).toEqual([counted(5, { refusedRate: 1 })]);
  expect(await addressesOf(token)).toEqual([{ ip: "192.0.2.1", firstSeen: use(0).at.toISOString(), lastSeen: use(4).at.toISOString(), uses: 5, userAgent: "agent/4" }]);
  expect(await newAddressEvents(token)).toHaveLength(1);
});

test("uses noted while a flush is writing stay pending for the next one", async () => {
  const token = await newToken();
  let reads = 0;
  // The recorder reads its clock when a flush starts and after each "last used" write: by the
  // second read the counters and addresses of this flush are written, and a request arrives.
  const recorder = new UsageRecorder({
    minIntervalMs: MINUTE,
    now: () => {
      if (++reads === 2) recorder.record(token, use(30, "192.0.2.9", "late"));
      return T0;
    },
  });
  recorder.record(token, use(0, "192.0.2.1"));
  const first = await recorder.flush();
  expect(first.counters.written).toBe(1);
  expect(reads).toBe(2);
  expect(await usageOf(token)).toEqual([counted(1)]);
  expect(recorder.pendingRows).toEqual({ counters: 1, addresses: 1 });
  expect(recorder.pendingCount).toBe(1);

  await recorder.flush({ force: true });
  expect(await usageOf(token)).toEqual([counted(2)]);
  expect((await addressesOf(token)).map((a) => a.ip)).toEqual(["192.0.2.9", "192.0.2.1"]);
  expect((await lastUse(token)).ip).toBe("192.0.2.9");
});

test("a token deleted before the flush loses its counts and addresses without holding back anyone else's", async () => {
  const [kept, deleted] = [await newToken("Kept"), await newToken("Deleted")];
  const { recorder } = recorderAt();
  recorder.record(kept, use(0, "192.0.2.1"));
  recorder.record(deleted, use(0, "192.0.2.1"));
  recorder.count(kept.guid, use(1).at, "answered", deleted.guid); // a source is no foreign key
  await (await prisma()).token.delete({ where: { guid: deleted.guid } });
  const result = await recorder.flush();
  expect(result.counters).toEqual({ written: 2, failed: 0, dropped: 1 });
  expect(result.addresses).toEqual({ written: 1, failed: 0, dropped: 1, added: 1 });
  expect(lastUsedPart(result)).toEqual({ written: 2, failed: 0, deferred: 0 });
  expect(await usageOf(kept)).toEqual([counted(1), counted(1, { source: deleted.guid })]);
  expect(recorder.pendingRows).toEqual({ counters: 0, addresses: 0 });
  expect(await newAddressEvents(deleted)).toEqual([]);
});

test("an address keeps its first and last sighting, its count and its latest user agent, across flushes and instances", async () => {
  const token = await newToken();
  const here = recorderAt().recorder;
  const slower = recorderAt().recorder;
  here.record(token, use(10, "192.0.2.1", "first"));
  here.record(token, use(20, "192.0.2.1", "second"));
  here.record(token, use(15, "192.0.2.1", "reported late"));
  await here.flush();
  expect(await addressesOf(token)).toEqual([{ ip: "192.0.2.1", firstSeen: use(10).at.toISOString(), lastSeen: use(20).at.toISOString(), uses: 3, userAgent: "second" }]);
  // Another instance's older uses: counted, but they move neither the last sighting nor its agent.
  slower.record(token, use(5, "192.0.2.1", "older"));
  await slower.flush();
  expect(await addressesOf(token)).toEqual([{ ip: "192.0.2.1", firstSeen: use(5).at.toISOString(), lastSeen: use(20).at.toISOString(), uses: 4, userAgent: "second" }]);
});

test("a use without an address is counted and has no address row", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  recorder.record(token, { at: use(0).at, ip: null, userAgent: "agent" });
  expect(recorder.pendingRows).toEqual({ counters: 1, addresses: 0 });
  await recorder.flush();
  expect(await usageOf(token)).toEqual([counted(1)]);
  expect(await addressesOf(token)).toEqual([]);
});

test("each token keeps the 20 addresses it was most recently used from", async () => {
  const [token, neighbour] = [await newToken(), await newToken()];
  const { recorder } = recorderAt();
  for (let i = 1; i <= 19; i++) recorder.record(neighbour, use(i, `198.51.100.${i}`));
  for (let i = 1; i <= 25; i++) recorder.record(token, use(i, `192.0.2.${i}`));
  expect((await recorder.flush()).addresses).toEqual({ written: 44, failed: 0, dropped: 0, added: 44 });
  const ipsOf = async (t: typeof token) => (await addressesOf(t)).map((a) => a.ip);
  const range = (from: number, to: number, prefix = "192.0.2.") => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${to - i}`);
  expect(await ipsOf(token)).toEqual(range(6, 25));
  expect(await ipsOf(neighbour)).toHaveLength(19);

  // One more: the oldest kept goes. A known one seen again: nothing goes.
  recorder.record(token, use(30, "192.0.2.26"));
  recorder.record(token, use(31, "192.0.2.7"));
  await recorder.flush();
  expect(await ipsOf(token)).toEqual(["192.0.2.7", "192.0.2.26", ...range(8, 25)]);
});

test("the first use from an address records one event; later uses of it none; a forgotten address is new again", async () => {
  const token = await newToken("Deploy key");
  const here = recorderAt().recorder;
  const elsewhere = recorderAt().recorder;
  here.record(token, use(10, "192.0.2.1", "curl/8"));
  here.record(token, use(11, "192.0.2.1", "curl/9"));
  expect((await here.flush()).addresses.added).toBe(1);
  expect(await newAddressEvents(token)).toEqual([
    {
      id: expect.any(String),
      occurredAt: use(10).at.toISOString(),
      action: "token.new_address",
      title: "Token used from a new address",
      actor: { kind: "token", userId: token.userId, label: token.userEmail, tokenGuid: token.guid },
      target: { userId: token.userId, tokenGuid: token.guid, scope: null },
      details: { name: "Deploy key", ip: "192.0.2.1", userAgent: "curl/8" },
      ip: "192.0.2.1",
      userAgent: "curl/8",
    },
  ]);

  // Known, on this instance and on another; then a new one seen by both instances at once.
  here.record(token, use(20, "192.0.2.1"));
  elsewhere.record(token, use(21, "192.0.2.1"));
  here.record(token, use(22, "192.0.2.2"));
  elsewhere.record(token, use(23, "192.0.2.2"));
  const [a, b] = await Promise.all([here.flush(), elsewhere.flush()]);
  expect(a.addresses.added + b.addresses.added).toBe(1);
  expect((await newAddressEvents(token)).map((e) => e.details.ip)).toEqual(["192.0.2.1", "192.0.2.2"]);

  // Pushed out of the 20 kept, an address is not known any more: its next use is new again.
  for (let i = 0; i < 20; i++) here.record(token, use(100 + i, `198.51.100.${i}`));
  await here.flush();
  expect((await addressesOf(token)).map((a) => a.ip)).not.toContain("192.0.2.1");
  here.record(token, use(200, "192.0.2.1"));
  expect((await here.flush()).addresses.added).toBe(1);
  expect((await newAddressEvents(token)).filter((e) => e.details.ip === "192.0.2.1")).toHaveLength(2);
});

test("more rows than one statement takes are written by several, every one of them", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  const n = 2 * ROWS_PER_STATEMENT + 1;
  for (let i = 0; i < n; i++) recorder.count(token.guid, use(0).at, "answered", `source-${i}`);
  for (let i = 0; i < n; i++) recorder.record(token, use(i, `10.0.${Math.floor(i / 200)}.${i % 200}`));
  const before = databaseStats().backgroundQueries;
  const result = await recorder.flush();
  // Counters: n + 1 rows (the token's own and n sources), three statements; addresses: n rows,
  // three statements, each in a transaction (one more each), and the trim; one "last used".
  expect(databaseStats().backgroundQueries - before).toBe(3 + 3 * 2 + 1 + 1);
  expect(result.counters).toEqual({ written: n + 1, failed: 0, dropped: 0 });
  expect(result.addresses).toEqual({ written: n, failed: 0, dropped: 0, added: n });
  const usage = await usageOf(token);
  expect(usage).toHaveLength(n + 1);
  expect(usage.reduce((sum, row) => sum + row.answered, 0)).toBe(2 * n);
  expect(await addressesOf(token)).toHaveLength(20);
  expect(await newAddressEvents(token)).toHaveLength(n);
});
