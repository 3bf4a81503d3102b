import { recordEvent, SYSTEM } from "@/lib/audit/events";
import { latestEvents } from "@/lib/audit/query";
import { prisma } from "@/lib/db";
import { createToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { createTestDatabase, startServer, type TestDatabase } from "../helpers/server";

jest.setTimeout(180_000);

/** The server runs the maintenance job by itself: a token expiring while it runs gets its event, and old rows go. */
const DAY = 24 * 3600_000;

test("a bad retention setting stops the server at start with the reason", async () => {
  const started = startServer({ env: { AUDIT_RETENTION_DAYS: "forever" }, waitFor: "live" });
  const error = await started.then(
    async (server) => {
      await server.stop();
      return undefined;
    },
    (e: unknown) => e as Error,
  );
  expect(error?.message).toMatch(/^The server exited while starting:/);
  expect(error?.message).toContain("Tollgate cannot start: Invalid configuration: AUDIT_RETENTION_DAYS: must be a whole number of days");
});

describe("a running server", () => {
  let database: TestDatabase;
  afterAll(() => database?.drop());

  test("records a token's expiry once and deletes what is past retention, on its own timer", async () => {
    database = await createTestDatabase();
    const seeded = await database.use(async () => {
      const now = new Date();
      const owner = await createUser({ scopes: ["tokens:read"] });
      // Ends two seconds from now: while the server starts, or soon after.
      const { token } = await createToken(owner.id, { name: "Short-lived", scopes: ["tokens:read"], validTo: new Date(now.getTime() + 2000).toISOString() }, now);
      const db = await prisma();
      await recordEvent(db, SYSTEM, { action: "user.signed_in", targetUser: owner.id, details: { when: "old" } }, new Date(now.getTime() - 401 * DAY));
      await recordEvent(db, SYSTEM, { action: "user.signed_in", targetUser: owner.id, details: { when: "recent" } }, new Date(now.getTime() - 399 * DAY));
      await db.tokenUsage.create({ data: { tokenGuid: token.guid, hour: new Date(Math.floor((now.getTime() - 100 * DAY) / 3600_000) * 3600_000), answered: 1 } });
      return { ownerId: owner.id, guid: token.guid, validTo: token.validTo!.toISOString() };
    });

    const server = await startServer({ database, env: { MAINTENANCE_INTERVAL_SECONDS: "0.2" } });
    try {
      // The job says what it did; a generous deadline, polled, never a fixed sleep.
      const deadline = Date.now() + 60_000;
      while (!/Maintenance: recorded 1 expired token/.test(server.output()) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(server.output()).toMatch(/Maintenance: recorded 1 expired token/);
    } finally {
      await server.stop();
    }
    expect(server.output()).not.toMatch(/Maintenance failed|gave up/);

    await database.use(async () => {
      // The job's event and the young one it must keep (the token's creation is the token service's).
      const events = await latestEvents({ targetUser: seeded.ownerId, actions: ["token.expired", "user.signed_in"] });
      expect(events.map((e) => [e.action, e.actor.kind, e.target.tokenGuid, e.details])).toEqual([
        ["token.expired", "system", seeded.guid, { name: "Short-lived", validTo: seeded.validTo }],
        ["user.signed_in", "system", null, { when: "recent" }],
      ]);
      expect(await (await prisma()).tokenUsage.count({ where: { tokenGuid: seeded.guid } })).toBe(0);
    });
  });
});
