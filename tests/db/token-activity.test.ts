import { prisma } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { tokenAddresses, tokenUsage, type UsageBucket } from "@/lib/tokens/activity";
import { createToken, deleteToken } from "@/lib/tokens/service";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

/** The readers of a token's page and usage route, on rows inserted as the usage counter writes them. */
useFreshDatabase();

const HOUR = 3600_000;
const DAY = 24 * HOUR;
// Mid-hour, so that the current hour's start and "now" differ.
const NOW = new Date("2031-03-10T12:34:56.789Z");
const THIS_HOUR = Date.parse("2031-03-10T12:00:00Z");
const TODAY = Date.parse("2031-03-10T00:00:00Z");

async function newToken(name = "Deploy") {
  const user = await createUser({ scopes: ["tokens:read", "tokens:introspect"] });
  const { token } = await createToken(user.id, { name, scopes: ["tokens:read"] });
  return { userId: user.id, guid: token.guid };
}

type Counts = { answered?: number; refusedScope?: number; refusedRate?: number; source?: string };
async function insertUsage(guid: string, hour: string | number, counts: Counts) {
  const db = await prisma();
  await db.tokenUsage.create({ data: { tokenGuid: guid, hour: new Date(hour), source: "", ...counts } });
}

const zeros = (count: number, first: number, size: number): UsageBucket[] =>
  Array.from({ length: count }, (_, i) => ({ start: new Date(first + i * size), answered: 0, refusedScope: 0, refusedRate: 0 }));

/** The buckets expected: zeros everywhere but where `set` says, by start. */
function expected(first: number, count: number, size: number, set: Record<string, Partial<UsageBucket>>): UsageBucket[] {
  const buckets = zeros(count, first, size);
  for (const [start, counts] of Object.entries(set)) {
    const bucket = buckets.find((b) => b.start.getTime() === Date.parse(start));
    if (!bucket) throw new Error(`no bucket starts at ${start}`);
    Object.assign(bucket, counts);
  }
  return buckets;
}
const FIRST_HOUR = THIS_HOUR - 167 * HOUR;
const FIRST_DAY = TODAY - 89 * DAY;

test("a token never used has every bucket, all zero: 168 UTC hours ending with this one, 90 UTC days ending today", async () => {
  const token = await newToken();
  const usage = await tokenUsage(token.userId, token.guid, NOW);
  expect(usage).toEqual({
    hourly: zeros(168, FIRST_HOUR, HOUR),
    daily: zeros(90, FIRST_DAY, DAY),
    totals: { hourly: { answered: 0, refusedScope: 0, refusedRate: 0 }, daily: { answered: 0, refusedScope: 0, refusedRate: 0 } },
    sources: [],
  });
  expect(usage.hourly[0]!.start.toISOString()).toBe("2031-03-03T13:00:00.000Z");
  expect(usage.daily[0]!.start.toISOString()).toBe("2030-12-11T00:00:00.000Z");
});

test("rows land in their hour and their UTC day, summed over sources; the windows' edges are exact", async () => {
  const token = await newToken();
  const service = "6f2b3c4d-5e6f-4a70-9b8c-9d0e1f2a3b4c";
  await insertUsage(token.guid, THIS_HOUR, { answered: 2, refusedScope: 1 });
  await insertUsage(token.guid, THIS_HOUR, { answered: 5, refusedRate: 3, source: service });
  // The first hour of the hourly window, and the one just before it (in the daily window only).
  await insertUsage(token.guid, "2031-03-03T13:00:00Z", { answered: 7 });
  await insertUsage(token.guid, "2031-03-03T12:00:00Z", { answered: 11 });
  // Either side of today's UTC midnight.
  await insertUsage(token.guid, "2031-03-09T23:00:00Z", { refusedScope: 4 });
  await insertUsage(token.guid, "2031-03-10T00:00:00Z", { refusedRate: 6 });
  // The first day of the daily window, and the last hour before it.
  await insertUsage(token.guid, "2030-12-11T00:00:00Z", { answered: 13 });
  await insertUsage(token.guid, "2030-12-10T23:00:00Z", { answered: 1000 });
  // A counter ahead of the clock (another instance's clock runs fast) is not shown yet.
  await insertUsage(token.guid, "2031-03-10T13:00:00Z", { answered: 2000 });

  const usage = await tokenUsage(token.userId, token.guid, NOW);
  expect(usage.hourly).toEqual(
    expected(FIRST_HOUR, 168, HOUR, {
      "2031-03-10T12:00:00Z": { answered: 7, refusedScope: 1, refusedRate: 3 },
      "2031-03-10T00:00:00Z": { refusedRate: 6 },
      "2031-03-09T23:00:00Z": { refusedScope: 4 },
      "2031-03-03T13:00:00Z": { answered: 7 },
    }),
  );
  expect(usage.daily).toEqual(
    expected(FIRST_DAY, 90, DAY, {
      "2031-03-10T00:00:00Z": { answered: 7, refusedScope: 1, refusedRate: 9 },
      "2031-03-09T00:00:00Z": { refusedScope: 4 },
      "2031-03-03T00:00:00Z": { answered: 18 },
      "2030-12-11T00:00:00Z": { answered: 13 },
    }),
  );
  expect(usage.totals).toEqual({ hourly: { answered: 14, refusedScope: 5, refusedRate: 9 }, daily: { answered: 38, refusedScope: 5, refusedRate: 9 } });

  // An hour later the window has moved on by one bucket: the oldest hour is gone, a new one is there.
  const later = await tokenUsage(token.userId, token.guid, new Date(NOW.getTime() + HOUR));
  expect(later.hourly.at(-1)).toEqual({ start: new Date("2031-03-10T13:00:00Z"), answered: 2000, refusedScope: 0, refusedRate: 0 });
  expect(later.hourly[0]!.start.toISOString()).toBe("2031-03-03T14:00:00.000Z");
  expect(later.totals.hourly.answered).toBe(14 - 7 + 2000);
});

test("exactly on an hour's first millisecond, that hour is the last bucket", async () => {
  const token = await newToken();
  await insertUsage(token.guid, THIS_HOUR, { answered: 1 });
  const usage = await tokenUsage(token.userId, token.guid, new Date(THIS_HOUR));
  expect(usage.hourly.at(-1)).toEqual({ start: new Date(THIS_HOUR), answered: 1, refusedScope: 0, refusedRate: 0 });
  const before = await tokenUsage(token.userId, token.guid, new Date(THIS_HOUR - 1));
  expect(before.hourly.at(-1)!.start.getTime()).toBe(THIS_HOUR - HOUR);
  expect(before.totals.hourly.answered).toBe(0);
});

test("sources: each service token that introspected it, named when it is the owner's own, most uses first", async () => {
  const token = await newToken();
  const { guid: own } = await createToken(token.userId, { name: "Gateway", scopes: ["tokens:introspect"] }).then((t) => t.token);
  const stranger = await newToken("Someone else's gateway");
  await insertUsage(token.guid, THIS_HOUR, { answered: 3 });
  await insertUsage(token.guid, THIS_HOUR, { answered: 1, refusedScope: 1, source: own });
  await insertUsage(token.guid, THIS_HOUR - 30 * DAY, { answered: 1, source: own });
  await insertUsage(token.guid, THIS_HOUR - 2 * HOUR, { answered: 4, refusedRate: 1, source: stranger.guid });
  // Older than the 90 days: not a source any more.
  const gone = "00000000-0000-4000-8000-00000000beef";
  await insertUsage(token.guid, FIRST_DAY - HOUR, { answered: 9, source: gone });

  const { sources } = await tokenUsage(token.userId, token.guid, NOW);
  expect(sources).toEqual([
    { guid: stranger.guid, name: null, answered: 4, refusedScope: 0, refusedRate: 1 },
    { guid: own, name: "Gateway", answered: 2, refusedScope: 1, refusedRate: 0 },
  ]);
});

test("addresses: the 20 most recently seen, newest first, with first and last seen, uses and the latest user agent", async () => {
  const token = await newToken();
  const db = await prisma();
  await db.tokenAddress.createMany({
    data: Array.from({ length: 21 }, (_, i) => ({
      tokenGuid: token.guid,
      ip: `192.0.2.${i + 1}`,
      firstSeenAt: new Date(NOW.getTime() - DAY - i * HOUR),
      lastSeenAt: new Date(NOW.getTime() - i * HOUR),
      uses: i + 1,
      userAgent: i === 0 ? null : `agent/${i}`,
    })),
  });
  const addresses = await tokenAddresses(token.userId, token.guid);
  expect(addresses.map((a) => a.ip)).toEqual(Array.from({ length: 20 }, (_, i) => `192.0.2.${i + 1}`));
  expect(addresses[0]).toEqual({ ip: "192.0.2.1", firstSeenAt: new Date(NOW.getTime() - DAY), lastSeenAt: NOW, uses: 1, userAgent: null });
  expect(addresses[19]).toEqual({
    ip: "192.0.2.20",
    firstSeenAt: new Date(NOW.getTime() - DAY - 19 * HOUR),
    lastSeenAt: new Date(NOW.getTime() - 19 * HOUR),
    uses: 20,
    userAgent: "agent/19",
  });
});

test("another user's token, a malformed GUID, an unknown one and a deleted token are all NotFound, for both readers", async () => {
  const token = await newToken();
  const other = await newToken();
  await insertUsage(other.guid, THIS_HOUR, { answered: 1 });
  const deleted = await createToken(token.userId, { name: "Gone", scopes: ["tokens:read"] });
  await deleteToken(token.userId, deleted.token.guid);
  for (const guid of [other.guid, "not-a-guid", "00000000-0000-4000-8000-000000000000", deleted.token.guid, other.guid.toUpperCase()]) {
    await expect(tokenUsage(token.userId, guid, NOW)).rejects.toThrow(NotFoundError);
    await expect(tokenAddresses(token.userId, guid)).rejects.toThrow(NotFoundError);
  }
  // Its owner reads it, by its GUID in capitals too.
  expect((await tokenUsage(other.userId, other.guid.toUpperCase(), NOW)).totals.hourly.answered).toBe(1);
});
