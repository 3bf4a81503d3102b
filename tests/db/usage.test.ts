import { databaseStats, prisma } from "@/lib/db";
import { createToken, getToken } from "@/lib/tokens/service";
import { UsageRecorder, type Use } from "@/lib/tokens/usage";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

/** The "last used" batcher against a real database, with its clock in the test's hand. */
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

async function newToken() {
  const user = await createUser({ scopes: ["tokens:read"] });
  const { token } = await createToken(user.id, { name: "Used", scopes: ["tokens:read"] });
  return { userId: user.id, guid: token.guid, updatedAt: token.updatedAt };
}

const lastUse = async (token: { userId: string; guid: string }) => {
  const view = await getToken(token.userId, token.guid);
  return { at: view.lastUsedAt?.toISOString() ?? null, ip: view.lastUsedIp, userAgent: view.lastUsedUserAgent };
};

test("a hundred uses of one token become one write, of the newest use", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  for (let i = 0; i < 100; i++) recorder.record(token.guid, use(i, `192.0.2.${i + 1}`, `agent/${i}`));
  expect(await recorder.flush()).toEqual({ written: 1, failed: 0, deferred: 0 });
  expect(await lastUse(token)).toEqual({ at: use(99).at.toISOString(), ip: "192.0.2.100", userAgent: "agent/99" });
  expect(recorder.pendingCount).toBe(0);
});

test("a use reported late does not replace a newer one already recorded", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  recorder.record(token.guid, use(10, "192.0.2.10"));
  recorder.record(token.guid, use(5, "192.0.2.5"));
  await recorder.flush();
  expect((await lastUse(token)).ip).toBe("192.0.2.10");
});

test("each token is written at most once a minute; later uses wait for the minute to pass", async () => {
  const token = await newToken();
  const { clock, recorder } = recorderAt();
  recorder.record(token.guid, use(0, "192.0.2.1"));
  expect((await recorder.flush()).written).toBe(1);

  clock.now = T0 + 30_000;
  recorder.record(token.guid, use(30, "192.0.2.2"));
  expect(await recorder.flush()).toEqual({ written: 0, failed: 0, deferred: 1 });
  expect((await lastUse(token)).ip).toBe("192.0.2.1");

  clock.now = T0 + MINUTE;
  expect((await recorder.flush()).written).toBe(1);
  expect((await lastUse(token)).ip).toBe("192.0.2.2");
});

test("tokens are independent: one written this minute does not hold back another", async () => {
  const [first, second] = [await newToken(), await newToken()];
  const { clock, recorder } = recorderAt();
  recorder.record(first.guid, use(0));
  await recorder.flush();
  clock.now = T0 + 10_000;
  recorder.record(first.guid, use(10));
  recorder.record(second.guid, use(10));
  expect(await recorder.flush()).toEqual({ written: 1, failed: 0, deferred: 1 });
  expect((await lastUse(second)).at).toBe(use(10).at.toISOString());
});

test("the shutdown flush writes everything pending, minute or not", async () => {
  const token = await newToken();
  const { clock, recorder } = recorderAt();
  recorder.record(token.guid, use(0));
  await recorder.flush();
  clock.now = T0 + 5_000;
  recorder.record(token.guid, use(5, "192.0.2.55"));
  expect(await recorder.flush({ force: true })).toEqual({ written: 1, failed: 0, deferred: 0 });
  expect((await lastUse(token)).ip).toBe("192.0.2.55");
});

test("an older use never overwrites a newer one written by another instance", async () => {
  const token = await newToken();
  const here = recorderAt().recorder;
  const elsewhere = recorderAt().recorder;
  elsewhere.record(token.guid, use(20, "192.0.2.20"));
  await elsewhere.flush();
  here.record(token.guid, use(10, "192.0.2.10"));
  await here.flush();
  expect(await lastUse(token)).toMatchObject({ at: use(20).at.toISOString(), ip: "192.0.2.20" });
});

test("recording a use is not editing the token: updatedAt stays", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  recorder.record(token.guid, use(0));
  await recorder.flush();
  expect((await getToken(token.userId, token.guid)).updatedAt).toEqual(token.updatedAt);
});

test("flushes are counted as background queries, apart from the ones requests wait for", async () => {
  const tokens = [await newToken(), await newToken(), await newToken()];
  const { recorder } = recorderAt();
  for (const token of tokens) recorder.record(token.guid, use(0));
  const before = databaseStats();
  expect((await recorder.flush()).written).toBe(3);
  const afterFlush = databaseStats();
  expect(afterFlush.backgroundQueries - before.backgroundQueries).toBe(3);
  expect(afterFlush.queries - before.queries).toBe(3);

  // A query on behalf of a request is counted, and not as background.
  await getToken(tokens[0]!.userId, tokens[0]!.guid);
  const afterRead = databaseStats();
  expect(afterRead.queries - afterFlush.queries).toBeGreaterThanOrEqual(1);
  expect(afterRead.backgroundQueries).toBe(afterFlush.backgroundQueries);
});

test("values longer than their columns are cut, not refused", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  recorder.record(token.guid, use(0, "192.0.2.1", "x".repeat(1000)));
  expect((await recorder.flush()).written).toBe(1);
  expect((await lastUse(token)).userAgent).toBe("x".repeat(256));
});

test("a database error keeps the uses for the next flush and throws to no one", async () => {
  const token = await newToken();
  const { recorder } = recorderAt();
  const db = await prisma();
  const logged = jest.spyOn(console, "error").mockImplementation(() => undefined);
  // A real failure from the real database: the column the write needs is briefly not there.
  await db.$executeRawUnsafe("ALTER TABLE tokens RENAME COLUMN last_used_ip TO last_used_ip_away");
  try {
    recorder.record(token.guid, use(0, "192.0.2.77"));
    await expect(recorder.flush()).resolves.toEqual({ written: 0, failed: 1, deferred: 0 });
    expect(recorder.pendingCount).toBe(1);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining("will retry"), expect.anything());
  } finally {
    await db.$executeRawUnsafe("ALTER TABLE tokens RENAME COLUMN last_used_ip_away TO last_used_ip");
    logged.mockRestore();
  }
  expect(await recorder.flush()).toEqual({ written: 1, failed: 0, deferred: 0 });
  expect((await lastUse(token)).ip).toBe("192.0.2.77");
});
