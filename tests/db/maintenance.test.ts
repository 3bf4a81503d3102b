import { Client } from "pg";
import { recordEvent, SYSTEM } from "@/lib/audit/events";
import { latestEvents } from "@/lib/audit/query";
import { databaseStats, prisma } from "@/lib/db";
import { LOOKBACK_MS, MAINTENANCE_LOCK, runMaintenance } from "@/lib/jobs/maintenance";
import { createToken, deleteToken, revokeToken, rotateToken, updateToken } from "@/lib/tokens/service";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

/** The maintenance job against a real database, with the clock in the test's hand. */
useFreshDatabase();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SETTINGS = { auditRetentionDays: 400, usageRetentionDays: 90 };
const onPostgres = process.env.TEST_POSTGRES_URL ? test : test.skip;
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

// Each test lives in its own stretch of time, after anything another test in this file did.
let era = 0;
async function freshEra(): Promise<Date> {
  const base = new Date(Date.UTC(2031, 0, 1) + era++ * 60 * DAY);
  const db = await prisma();
  await db.jobsState.update({ where: { id: 1 }, data: { eventsThrough: base } });
  return base;
}

const run = (now: Date, options: Parameters<typeof runMaintenance>[1] = {}) => runMaintenance(now, { settings: SETTINGS, ...options });

async function tokenUntil(start: Date, validTo: Date | null, name = "Deploy key") {
  const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
  const { token } = await createToken(user.id, { name, scopes: ["tokens:read"], validTo: validTo?.toISOString() ?? null }, start);
  return { userId: user.id, guid: token.guid };
}

// The events time derives (the token service records the others: created, rotated, …).
const eventsOf = (guid: string) => latestEvents({ targetToken: guid, actions: ["token.expired", "token.overlap_ended"] });

describe("token.expired", () => {
  test("is recorded once when the end passes: by one of two runs at the same moment, and not again later", async () => {
    const base = await freshEra();
    const end = at(base, HOUR);
    const token = await tokenUntil(base, end);
    expect(await run(at(end, -1))).toMatchObject({ expired: 0 });
    expect(await eventsOf(token.guid)).toEqual([]);

    const now = at(end, MINUTE);
    const results = await Promise.all([run(now), run(now)]);
    expect(results.reduce((sum, r) => sum + (r?.expired ?? 0), 0)).toBe(1);
    expect(await run(at(now, DAY))).toMatchObject({ expired: 0 });
    expect(await eventsOf(token.guid)).toEqual([
      {
        id: expect.any(String),
        occurredAt: end.toISOString(),
        action: "token.expired",
        title: "Token expired",
        actor: { kind: "system", userId: null, label: null, tokenGuid: null },
        target: { userId: token.userId, tokenGuid: token.guid, scope: null },
        details: { name: "Deploy key", validTo: end.toISOString() },
        ip: null,
        userAgent: null,
      },
    ]);
  });

  test("an end that passes exactly at the run's moment counts; one a millisecond later waits", async () => {
    const base = await freshEra();
    const end = at(base, HOUR);
    const [now, soon] = [await tokenUntil(base, end), await tokenUntil(base, at(end, 1))];
    await run(end);
    expect((await eventsOf(now.guid)).map((e) => e.action)).toEqual(["token.expired"]);
    expect(await eventsOf(soon.guid)).toEqual([]);
  });

  test("a token extended after it expired and expiring again gets a second event", async () => {
    const base = await freshEra();
    const first = at(base, HOUR);
    const token = await tokenUntil(base, first);
    await run(at(first, MINUTE));
    const second = at(first, DAY);
    await updateToken(token.userId, token.guid, { validTo: second.toISOString() }, at(first, 2 * MINUTE));
    expect(await run(at(first, 3 * MINUTE))).toMatchObject({ expired: 0 });
    await run(at(second, MINUTE));
    expect((await eventsOf(token.guid)).map((e) => [e.action, e.details.validTo])).toEqual([
      ["token.expired", second.toISOString()],
      ["token.expired", first.toISOString()],
    ]);
  });

  test("a revoked token, a live one, one that never expires and a scheduled one get none", async () => {
    const base = await freshEra();
    const revoked = await tokenUntil(base, at(base, HOUR));
    await revokeToken(revoked.userId, revoked.guid, at(base, 10 * MINUTE));
    const live = await tokenUntil(base, at(base, 30 * DAY));
    const forever = await tokenUntil(base, null);
    const user = await createUser({ scopes: ["tokens:read"] });
    const { token: scheduled } = await createToken(
      user.id,
      { name: "Later", scopes: ["tokens:read"], validFrom: at(base, 10 * DAY).toISOString(), validTo: at(base, 20 * DAY).toISOString() },
      base,
    );
    expect(await run(at(base, 2 * DAY))).toMatchObject({ expired: 0 });
    for (const guid of [revoked.guid, live.guid, forever.guid, scheduled.guid]) {
      expect((await eventsOf(guid)).filter((e) => e.action === "token.expired")).toEqual([]);
    }
  });

  test("after days without a run, every expiry of the gap is recorded once, read in batches", async () => {
    const base = await freshEra();
    await run(base);
    // Five tokens over three days, two of them ending at the same instant (the keyset breaks the tie).
    const ends = [at(base, DAY), at(base, DAY), at(base, 2 * DAY), at(base, 2 * DAY + HOUR), at(base, 3 * DAY)];
    const tokens = [];
    for (const end of ends) tokens.push(await tokenUntil(base, end));
    const now = at(base, 4 * DAY);
    expect(await run(now, { eventBatch: 2 })).toMatchObject({ expired: 5 });
    expect(await run(now, { eventBatch: 2 })).toMatchObject({ expired: 0 });
    for (const [i, token] of tokens.entries()) {
      expect((await eventsOf(token.guid)).map((e) => e.occurredAt)).toEqual([ends[i]!.toISOString()]);
    }
  });

  test("reads back a margin before the last run, so an end set late in the past is still found", async () => {
    const base = await freshEra();
    const token = await tokenUntil(base, at(base, DAY));
    await run(at(base, 10 * MINUTE));
    // An edit setting the end 30 s before its own moment (within the dialog's grace), committed after the last run.
    await updateToken(token.userId, token.guid, { validTo: at(base, 9 * MINUTE + 30_000).toISOString() }, at(base, 10 * MINUTE));
    expect(await run(at(base, 15 * MINUTE))).toMatchObject({ expired: 1 });
  });

  test("an expiry before the margin behind the watermark is history from before the job: not recorded", async () => {
    const base = await freshEra();
    const token = await tokenUntil(at(base, -2 * DAY), at(base, -LOOKBACK_MS - 1));
    expect(await run(at(base, MINUTE))).toMatchObject({ expired: 0 });
    expect(await eventsOf(token.guid)).toEqual([]);
  });
});

describe("token.overlap_ended", () => {
  test("is recorded once when the rotation's overlap ends by time, and not before", async () => {
    const base = await freshEra();
    const token = await tokenUntil(base, null, "Rotating");
    await rotateToken(token.userId, token.guid, { overlapSeconds: 3600 }, base);
    const end = at(base, HOUR);
    expect(await run(at(end, -1))).toMatchObject({ overlapsEnded: 0 });
    expect(await eventsOf(token.guid)).toEqual([]);
    const results = await Promise.all([run(end), run(end)]);
    expect(results.reduce((sum, r) => sum + (r?.overlapsEnded ?? 0), 0)).toBe(1);
    await run(at(end, DAY));
    expect(await eventsOf(token.guid)).toEqual([
      expect.objectContaining({
        occurredAt: end.toISOString(),
        action: "token.overlap_ended",
        title: "Rotation overlap ended",
        actor: { kind: "system", userId: null, label: null, tokenGuid: null },
        target: { userId: token.userId, tokenGuid: token.guid, scope: null },
        details: { name: "Rotating", endedAt: end.toISOString() },
      }),
    ]);
  });

  test("a second rotation's longer overlap is the one that ends; the first secret's end is no event", async () => {
    const base = await freshEra();
    const token = await tokenUntil(base, null);
    await rotateToken(token.userId, token.guid, { overlapSeconds: 3600 }, base);
    await rotateToken(token.userId, token.guid, { overlapSeconds: 7200 }, at(base, 10 * MINUTE));
    expect(await run(at(base, 2 * HOUR))).toMatchObject({ overlapsEnded: 0 });
    const end = at(base, 2 * HOUR + 10 * MINUTE);
    expect(await run(end)).toMatchObject({ overlapsEnded: 1 });
    expect((await eventsOf(token.guid)).map((e) => e.details)).toEqual([{ name: "Deploy key", endedAt: end.toISOString() }]);
  });

  test("an overlap cut short by a revocation or by the token's own end is no overlap event", async () => {
    const base = await freshEra();
    const revoked = await tokenUntil(base, null);
    await rotateToken(revoked.userId, revoked.guid, { overlapSeconds: 3600 }, base);
    await revokeToken(revoked.userId, revoked.guid, at(base, 10 * MINUTE));
    const ending = await tokenUntil(base, at(base, 30 * MINUTE));
    await rotateToken(ending.userId, ending.guid, { overlapSeconds: 3600 }, base);
    await run(at(base, 2 * HOUR));
    expect(await eventsOf(revoked.guid)).toEqual([]);
    expect((await eventsOf(ending.guid)).map((e) => e.action)).toEqual(["token.expired"]);
  });
});

describe("a change before the job's next run that would hide what time did", () => {
  test("an expired token extended or deleted before the run still has its expiry, once", async () => {
    const base = await freshEra();
    const end = at(base, HOUR);
    const [extended, deleted] = [await tokenUntil(base, end), await tokenUntil(base, end)];
    await updateToken(extended.userId, extended.guid, { validTo: at(end, DAY).toISOString() }, at(end, MINUTE));
    await deleteToken(deleted.userId, deleted.guid, at(end, MINUTE));
    expect(await run(at(end, 2 * MINUTE))).toMatchObject({ expired: 0 });
    for (const token of [extended, deleted]) {
      expect((await eventsOf(token.guid)).map((e) => [e.action, e.occurredAt, e.details.validTo])).toEqual([["token.expired", end.toISOString(), end.toISOString()]]);
    }
  });

  test("a rotation that drops the secrets whose overlap ended records the end (the latest of them) first, once; a live overlap is not one", async () => {
    const base = await freshEra();
    const token = await tokenUntil(base, at(base, 30 * DAY));
    await rotateToken(token.userId, token.guid, { overlapSeconds: 3600 }, base);
    await rotateToken(token.userId, token.guid, { overlapSeconds: 3600 }, at(base, 10 * MINUTE));
    expect(await eventsOf(token.guid)).toEqual([]);
    await rotateToken(token.userId, token.guid, { overlapSeconds: 3600 }, at(base, 2 * HOUR));
    expect(await run(at(base, 2 * HOUR + MINUTE))).toMatchObject({ overlapsEnded: 0 });
    expect((await eventsOf(token.guid)).map((e) => [e.action, e.occurredAt])).toEqual([["token.overlap_ended", at(base, 70 * MINUTE).toISOString()]]);
  });

  test("a change that fails records nothing of it either", async () => {
    const base = await freshEra();
    const end = at(base, HOUR);
    const token = await tokenUntil(base, end);
    await expect(updateToken(token.userId, token.guid, { validTo: "not a date" }, at(end, MINUTE))).rejects.toThrow();
    expect(await eventsOf(token.guid)).toEqual([]);
  });
});

describe("retention", () => {
  const NOW = new Date("2033-06-01T12:00:00.000Z");

  test("deletes audit events older than AUDIT_RETENTION_DAYS and nothing at or within the limit", async () => {
    const user = await createUser();
    const db = await prisma();
    const cutoff = at(NOW, -400 * DAY);
    for (const when of [at(cutoff, -1), cutoff, at(cutoff, 1)]) {
      await recordEvent(db, SYSTEM, { action: "user.signed_in", targetUser: user.id, details: { at: when.toISOString() } }, when);
    }
    const result = await run(NOW);
    expect(result?.deleted.auditEvents).toBeGreaterThanOrEqual(1);
    expect((await latestEvents({ targetUser: user.id })).map((e) => e.occurredAt)).toEqual([at(cutoff, 1).toISOString(), cutoff.toISOString()]);
  });

  test("deletes usage hours wholly older than USAGE_RETENTION_DAYS, and addresses last seen before it", async () => {
    const token = await tokenUntil(at(NOW, -200 * DAY), null);
    const db = await prisma();
    const cutoff = at(NOW, -90 * DAY); // on the hour: 12:00
    const hours = [at(cutoff, -2 * HOUR), at(cutoff, -HOUR), cutoff, at(cutoff, HOUR)];
    await db.tokenUsage.createMany({ data: hours.map((hour) => ({ tokenGuid: token.guid, hour, answered: 1 })) });
    const seen = { older: at(cutoff, -1), exactly: cutoff, younger: at(cutoff, 1) };
    await db.tokenAddress.createMany({
      data: Object.entries(seen).map(([ip, lastSeenAt]) => ({ tokenGuid: token.guid, ip, firstSeenAt: at(cutoff, -DAY), lastSeenAt, uses: 1 })),
    });
    await run(NOW);
    // The 11:00 hour ends exactly at the limit: all of it is older. The 12:00 hour is not.
    expect((await db.tokenUsage.findMany({ where: { tokenGuid: token.guid }, orderBy: { hour: "asc" } })).map((u) => u.hour)).toEqual([cutoff, at(cutoff, HOUR)]);
    expect((await db.tokenAddress.findMany({ where: { tokenGuid: token.guid }, orderBy: { ip: "asc" } })).map((a) => a.ip)).toEqual(["exactly", "younger"]);
  });

  test("deletes the change feed's records of who introspected what not refreshed within USAGE_RETENTION_DAYS, deleted tokens' included, and only those", async () => {
    const service = await tokenUntil(at(NOW, -200 * DAY), null, "Gateway");
    const kept = await tokenUntil(at(NOW, -200 * DAY), null);
    const db = await prisma();
    const cutoff = at(NOW, -90 * DAY);
    const gone = "00000000-0000-4000-8000-000000000001"; // a deleted token: no foreign key keeps or removes its row
    const rows = [
      { tokenGuid: kept.guid, userId: kept.userId, introspectedAt: cutoff },
      { tokenGuid: gone, userId: kept.userId, introspectedAt: at(cutoff, -1) },
      { tokenGuid: "00000000-0000-4000-8000-000000000002", userId: kept.userId, introspectedAt: at(cutoff, 1) },
    ];
    await db.introspectedToken.createMany({ data: rows.map((r) => ({ serviceTokenGuid: service.guid, ...r })) });
    const result = await run(NOW);
    expect(result?.deleted.introspections).toBe(1);
    const left = await db.introspectedToken.findMany({ where: { serviceTokenGuid: service.guid }, orderBy: { introspectedAt: "asc" } });
    expect(left.map((r) => r.introspectedAt)).toEqual([cutoff, at(cutoff, 1)]);
  });

  test("the two limits are independent: a short audit retention leaves usage alone, and the other way round", async () => {
    const user = await createUser();
    const token = await tokenUntil(at(NOW, -10 * DAY), null);
    const db = await prisma();
    const twoDaysAgo = at(NOW, -2 * DAY);
    await recordEvent(db, SYSTEM, { action: "user.signed_in", targetUser: user.id }, twoDaysAgo);
    await db.tokenUsage.create({ data: { tokenGuid: token.guid, hour: twoDaysAgo, answered: 1 } });
    await runMaintenance(NOW, { settings: { auditRetentionDays: 400, usageRetentionDays: 1 } });
    expect([await db.auditEvent.count({ where: { targetUser: user.id } }), await db.tokenUsage.count({ where: { tokenGuid: token.guid } })]).toEqual([1, 0]);
    await db.tokenUsage.create({ data: { tokenGuid: token.guid, hour: twoDaysAgo, answered: 1 } });
    await runMaintenance(NOW, { settings: { auditRetentionDays: 1, usageRetentionDays: 400 } });
    expect([await db.auditEvent.count({ where: { targetUser: user.id } }), await db.tokenUsage.count({ where: { tokenGuid: token.guid } })]).toEqual([0, 1]);
  });

  test("deletes password reset links a day after they stopped working, used or not, and keeps younger ones", async () => {
    const user = await createUser();
    const db = await prisma();
    const dayAgo = at(NOW, -DAY);
    const links = { older: at(dayAgo, -1), exactly: dayAgo, younger: at(dayAgo, 1) };
    await db.passwordReset.createMany({
      data: Object.entries(links).map(([name, expiresAt]) => ({ hash: name.padEnd(64, "0"), userId: user.id, createdAt: at(expiresAt, -HOUR), expiresAt, usedAt: name === "older" ? at(expiresAt, -MINUTE) : null })),
    });
    expect((await run(NOW))?.deleted.passwordResets).toBeGreaterThanOrEqual(1);
    expect((await db.passwordReset.findMany({ where: { userId: user.id }, orderBy: { expiresAt: "asc" } })).map((r) => r.hash)).toEqual([
      "exactly".padEnd(64, "0"),
      "younger".padEnd(64, "0"),
    ]);
  });

  test("a backlog is deleted in batches, all of it, and the young rows stay", async () => {
    const user = await createUser();
    const db = await prisma();
    const old = at(NOW, -500 * DAY);
    for (let i = 0; i < 10; i++) await recordEvent(db, SYSTEM, { action: "user.signed_in", targetUser: user.id }, at(old, i));
    await recordEvent(db, SYSTEM, { action: "user.signed_in", targetUser: user.id }, at(NOW, -DAY));
    const result = await run(NOW, { pruneBatch: 3 });
    expect(result?.deleted.auditEvents).toBeGreaterThanOrEqual(10);
    expect((await latestEvents({ targetUser: user.id })).map((e) => e.occurredAt)).toEqual([at(NOW, -DAY).toISOString()]);
  });
});

describe("the run", () => {
  test("every query it makes is counted as background work", async () => {
    const base = await freshEra();
    await tokenUntil(base, at(base, HOUR));
    const before = databaseStats();
    expect(await run(at(base, 2 * HOUR))).toMatchObject({ expired: 1 });
    const after = databaseStats();
    expect(after.queries - before.queries).toBeGreaterThan(3);
    expect(after.backgroundQueries - before.backgroundQueries).toBe(after.queries - before.queries);
  });

  test("stopped before it starts, it records nothing and does not move its watermark", async () => {
    const base = await freshEra();
    const token = await tokenUntil(base, at(base, HOUR));
    const controller = new AbortController();
    controller.abort();
    expect(await run(at(base, 2 * HOUR), { signal: controller.signal })).toEqual({
      expired: 0,
      overlapsEnded: 0,
      reminders: 0,
      stale: { warned: 0, revoked: 0 },
      deleted: { auditEvents: 0, usageHours: 0, addresses: 0, introspections: 0, passwordResets: 0 },
      mail: { pruned: 0 },
      notifications: { pruned: 0 },
    });
    expect((await (await prisma()).jobsState.findUniqueOrThrow({ where: { id: 1 } })).eventsThrough).toEqual(base);
    expect(await eventsOf(token.guid)).toEqual([]);
  });

  test("two runs in one process at once: one does the work, the other answers at once", async () => {
    const base = await freshEra();
    await tokenUntil(base, at(base, HOUR));
    const results = await Promise.all([run(at(base, 2 * HOUR)), run(at(base, 2 * HOUR))]);
    // On PostgreSQL two pooled connections race for the lock; the slower may find it free again and find nothing to do.
    expect(results.filter((r) => r?.expired === 1)).toHaveLength(1);
    if (!process.env.TEST_POSTGRES_URL) expect(results.filter((r) => r === null)).toHaveLength(1);
  });

  onPostgres("while another connection (another instance) holds the lock, a run does nothing; once it is released, it runs", async () => {
    const base = await freshEra();
    const token = await tokenUntil(base, at(base, HOUR));
    const other = new Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query("SELECT pg_advisory_lock($1)", [MAINTENANCE_LOCK]);
      expect(await run(at(base, 2 * HOUR))).toBeNull();
      expect(await eventsOf(token.guid)).toEqual([]);
      await other.query("SELECT pg_advisory_unlock($1)", [MAINTENANCE_LOCK]);
      expect(await run(at(base, 2 * HOUR))).toMatchObject({ expired: 1 });
    } finally {
      await other.end();
    }
  });
});
