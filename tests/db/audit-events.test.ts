import { recordEvent, SYSTEM } from "@/lib/audit/events";
import { latestEvents } from "@/lib/audit/query";
import { prisma } from "@/lib/db";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

useFreshDatabase();

const NOW = new Date("2031-03-01T12:00:00.000Z");
const CLIENT = { address: "192.0.2.7", key: "192.0.2.7", userAgent: "Jest" };

test("an event keeps its actor, address, user agent, target and details, and reads back as written", async () => {
  const user = await createUser({ name: "Ada" });
  const guid = "0b9e7a52-3c1d-4e8f-9a6b-2d4c6e8f0a1b";
  await recordEvent(
    await prisma(),
    { kind: "token", userId: user.id, tokenGuid: guid, client: CLIENT },
    { action: "token.created", targetUser: user.id, targetToken: guid, details: { name: "CI" } },
    NOW,
  );
  const [event] = await latestEvents({ targetUser: user.id });
  expect(event).toEqual({
    id: expect.any(String),
    occurredAt: NOW.toISOString(),
    action: "token.created",
    title: "Token created",
    actor: { kind: "token", userId: user.id, label: null, tokenGuid: guid },
    target: { userId: user.id, tokenGuid: guid, scope: null },
    details: { name: "CI" },
    ip: "192.0.2.7",
    userAgent: "Jest",
  });
});

test("a system event with a dedupe key is recorded once, however often (and by however many instances) it is attempted", async () => {
  const user = await createUser({ name: "Ada" });
  const event = { action: "token.expired", targetUser: user.id, dedupeKey: `token.expired:${user.id}:2031-03-01T12:00:00.000Z` } as const;
  const db = await prisma();
  const attempts = await Promise.all([recordEvent(db, SYSTEM, event, NOW), recordEvent(db, SYSTEM, event, NOW), recordEvent(db, SYSTEM, event, NOW)]);
  expect(attempts.filter(Boolean)).toEqual([true]);
  expect(await db.auditEvent.count({ where: { targetUser: user.id } })).toBe(1);
});

test("events without a key are all recorded, newest first", async () => {
  const user = await createUser({ name: "Ada" });
  const db = await prisma();
  for (const minutes of [1, 3, 2]) {
    await recordEvent(db, { kind: "person", userId: user.id }, { action: "user.signed_in", targetUser: user.id }, new Date(NOW.getTime() + minutes * 60_000));
  }
  const events = await latestEvents({ targetUser: user.id, actions: ["user.signed_in"] });
  expect(events.map((e) => e.occurredAt)).toEqual([3, 2, 1].map((m) => new Date(NOW.getTime() + m * 60_000).toISOString()));
});
