import { randomUUID } from "node:crypto";
import { latestEvents } from "@/lib/audit/query";
import { describeEvent } from "@/lib/audit/describe";
import { prisma } from "@/lib/db";
import { ValidationError } from "@/lib/errors";
import { listNotifications, markAllRead, markRead, NOTIFICATIONS_PER_PAGE, pageOf, unreadCount, UNREAD_SHOWN_MAX } from "@/lib/notifications/inbox";
import { notificationSettings, setNotifyNewAddress } from "@/lib/notifications/settings";
import { expiringSoon } from "@/lib/tokens/expiring";
import { createToken, revokeToken } from "@/lib/tokens/service";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

/** The bell's inbox: counts, pages and marking read, each on the reader's own notices only. */
useFreshDatabase();

const BASE = new Date("2031-05-01T12:00:00.000Z");
const minutes = (n: number) => new Date(BASE.getTime() + n * 60_000);

/** `count` notices for the user, one a minute from BASE, titled "N 0", "N 1", …; returns their ids oldest first. */
async function seed(userId: string, count: number, prefix = "N"): Promise<string[]> {
  const db = await prisma();
  const rows = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), userId, kind: "token.expiring", title: `${prefix} ${i}`, body: `body ${i}`, link: "/settings/tokens", createdAt: minutes(i) }));
  await db.notification.createMany({ data: rows });
  return rows.map((r) => r.id);
}

test("the unread count counts only the reader's unread notices, and stops one past what the bell shows", async () => {
  const [ada, bob] = [await createUser(), await createUser()];
  expect(await unreadCount(ada.id)).toBe(0);
  const ids = await seed(ada.id, 3);
  await seed(bob.id, 2);
  expect(await unreadCount(ada.id)).toBe(3);
  expect(await markRead(ada.id, [ids[0]], BASE)).toBe(1);
  expect(await unreadCount(ada.id)).toBe(2);
  expect(await unreadCount(bob.id)).toBe(2);

  const many = await createUser();
  await seed(many.id, UNREAD_SHOWN_MAX + 5);
  expect(await unreadCount(many.id)).toBe(UNREAD_SHOWN_MAX + 1);
});

test("pages are newest first, never overlap, and count total and unread; a page past the end is empty", async () => {
  const ada = await createUser();
  const ids = await seed(ada.id, NOTIFICATIONS_PER_PAGE + 3);
  await seed((await createUser()).id, 4, "Other");
  // Two at the same instant are ordered by id, so neither page repeats or skips one.
  const db = await prisma();
  await db.notification.update({ where: { id: ids[1] }, data: { createdAt: minutes(2) } });
  await markRead(ada.id, [ids[5]!, ids[6]!], BASE);

  const first = await listNotifications(ada.id, 1);
  const second = await listNotifications(ada.id, 2);
  expect({ total: first.total, unread: first.unread, pageCount: first.pageCount, shown: [first.notices.length, second.notices.length] }).toEqual({
    total: NOTIFICATIONS_PER_PAGE + 3,
    unread: NOTIFICATIONS_PER_PAGE + 1,
    pageCount: 2,
    shown: [NOTIFICATIONS_PER_PAGE, 3],
  });
  const all = [...first.notices, ...second.notices];
  expect(new Set(all.map((n) => n.id)).size).toBe(NOTIFICATIONS_PER_PAGE + 3);
  expect(all.every((n) => n.title.startsWith("N "))).toBe(true);
  const times = all.map((n) => n.createdAt.getTime());
  expect(times).toEqual([...times].sort((a, b) => b - a));
  expect(first.notices[0]).toEqual({ id: ids.at(-1), kind: "token.expiring", title: `N ${ids.length - 1}`, body: `body ${ids.length - 1}`, link: "/settings/tokens", createdAt: minutes(ids.length - 1), readAt: null });
  expect(all.filter((n) => n.readAt !== null).map((n) => n.id).sort()).toEqual([ids[5], ids[6]].sort());

  expect((await listNotifications(ada.id, 3)).notices).toEqual([]);
  expect(await listNotifications((await createUser()).id, 1)).toEqual({ notices: [], page: 1, pageCount: 1, total: 0, unread: 0 });
});

test("marking read touches only the reader's own notices: another's id, a malformed one or too many change nothing", async () => {
  const [ada, bob] = [await createUser(), await createUser()];
  const adas = await seed(ada.id, 2);
  const bobs = await seed(bob.id, 2);
  expect(await markRead(ada.id, [bobs[0]], BASE)).toBe(0);
  expect(await markRead(ada.id, ["not-a-uuid"], BASE)).toBe(0);
  expect(await markRead(ada.id, "nope", BASE)).toBe(0);
  expect(await markRead(ada.id, [], BASE)).toBe(0);
  expect(await markRead(ada.id, Array.from({ length: 101 }, () => adas[0]), BASE)).toBe(0);
  expect(await unreadCount(bob.id)).toBe(2);
  expect(await unreadCount(ada.id)).toBe(2);

  // Mixed: only the reader's own is marked, and marking again changes nothing (nor its time).
  expect(await markRead(ada.id, [adas[0], bobs[1]], minutes(10))).toBe(1);
  expect(await markRead(ada.id, [adas[0]], minutes(20))).toBe(0);
  const db = await prisma();
  expect((await db.notification.findUniqueOrThrow({ where: { id: adas[0] } })).readAt).toEqual(minutes(10));
  expect((await db.notification.findUniqueOrThrow({ where: { id: bobs[1] } })).readAt).toBeNull();
});

test("mark all as read marks every unread notice of the reader's, on every page, and nobody else's", async () => {
  const [ada, bob] = [await createUser(), await createUser()];
  const adas = await seed(ada.id, NOTIFICATIONS_PER_PAGE + 2);
  await seed(bob.id, 3);
  await markRead(ada.id, [adas[0]], BASE);
  expect(await markAllRead(ada.id, minutes(60))).toBe(NOTIFICATIONS_PER_PAGE + 1);
  expect(await unreadCount(ada.id)).toBe(0);
  expect(await unreadCount(bob.id)).toBe(3);
  expect(await markAllRead(ada.id)).toBe(0);
  const db = await prisma();
  expect((await db.notification.findUniqueOrThrow({ where: { id: adas[0] } })).readAt).toEqual(BASE);
});

test("a page number from the URL: a positive integer, else the first page", () => {
  expect(["2", "1", "0", "-1", "x", "1.5", "9999999", undefined, ["2"]].map(pageOf)).toEqual([2, 1, 1, 1, 1, 1, 1, 1, 1]);
});

test("the new-address mail is off by default; changing it is recorded with before and after, setting it again records nothing", async () => {
  const ada = await createUser();
  expect(await notificationSettings(ada.id)).toEqual({ notifyNewAddress: false });
  expect(await setNotifyNewAddress({ userId: ada.id, email: ada.email }, true, BASE)).toEqual({ notifyNewAddress: true });
  expect(await setNotifyNewAddress(ada.id, true, minutes(1))).toEqual({ notifyNewAddress: true });
  expect(await notificationSettings(ada.id)).toEqual({ notifyNewAddress: true });
  expect(await setNotifyNewAddress(ada.id, false, minutes(2))).toEqual({ notifyNewAddress: false });
  await expect(setNotifyNewAddress(ada.id, "yes")).rejects.toBeInstanceOf(ValidationError);

  const events = await latestEvents({ targetUser: ada.id }, 10);
  const changes = events.filter((e) => e.action === "user.notifications_changed");
  expect(changes.map((e) => ({ at: e.occurredAt, details: e.details, words: describeEvent(e, { userId: ada.id }) }))).toEqual([
    { at: minutes(2).toISOString(), details: { before: { notifyNewAddress: true }, after: { notifyNewAddress: false } }, words: "Turned off mail when a token is used from a new address" },
    { at: BASE.toISOString(), details: { before: { notifyNewAddress: false }, after: { notifyNewAddress: true } }, words: "Turned on mail when a token is used from a new address" },
  ]);
  expect(changes.map((e) => e.actor.kind)).toEqual(["person", "person"]);
});

test("the banner's tokens: active ones ending within 7 days, soonest first, the first few and how many", async () => {
  const ada = await createUser({ scopes: ["tokens:read"] });
  const now = new Date();
  const at = (hours: number) => new Date(now.getTime() + hours * 3_600_000).toISOString();
  const make = async (name: string, validTo: string | null, validFrom?: string) =>
    (await createToken(ada.id, { name, scopes: ["tokens:read"], validTo, validFrom: validFrom ?? null }, now)).token;
  const inThree = await make("in 3 days", at(72));
  const inOne = await make("in 1 day", at(24));
  const edge = await make("in exactly 7 days", at(7 * 24));
  await make("in 8 days", at(8 * 24));
  await make("never", null);
  const revoked = await make("revoked", at(48));
  await revokeToken(ada.id, revoked.guid, now);
  await make("scheduled", at(100), at(50));
  await createToken((await createUser({ scopes: ["tokens:read"] })).id, { name: "someone else's", scopes: ["tokens:read"], validTo: at(24) }, now);

  const soon = await expiringSoon(ada.id, now);
  expect({ total: soon.total, names: soon.tokens.map((t) => t.name), guids: soon.tokens.map((t) => t.guid) }).toEqual({
    total: 3,
    names: ["in 1 day", "in 3 days", "in exactly 7 days"],
    guids: [inOne.guid, inThree.guid, edge.guid],
  });
  const first = await expiringSoon(ada.id, now, 2);
  expect({ total: first.total, names: first.tokens.map((t) => t.name) }).toEqual({ total: 3, names: ["in 1 day", "in 3 days"] });
});
