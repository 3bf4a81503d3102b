import { deleteUser, disableUser } from "@/lib/admin/users";
import { prisma } from "@/lib/db";
import { runMaintenance } from "@/lib/jobs/maintenance";
import { sendReminders } from "@/lib/jobs/reminders";
import { deliverDue } from "@/lib/mail/outbox";
import { createToken, deleteToken, revokeToken, revokeTokenAsAdmin, rotateToken, updateToken } from "@/lib/tokens/service";
import { useFreshDatabase } from "../helpers/database";
import { useMailbox } from "../helpers/smtp";
import { createUser } from "../helpers/users";

/** Reminders before expiry and the notice at expiry, on a real database and a real SMTP server, with the clock pinned. */
useFreshDatabase();

const SITE = "http://tollgate.test:3000";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SETTINGS = { auditRetentionDays: 400, usageRetentionDays: 90 };
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

const mailbox = useMailbox(SITE);

// Each test lives in its own stretch of time (a year apart), after anything another test did; the job
// last ran at its start, and the mail other tests left unsent is gone.
let era = 0;
async function freshEra(): Promise<Date> {
  const base = new Date(Date.UTC(2031, 0, 1) + era++ * 365 * DAY);
  const db = await prisma();
  await db.mailOutbox.deleteMany({ where: { sentAt: null } });
  await db.jobsState.upsert({ where: { id: 1 }, create: { id: 1, eventsThrough: base }, update: { eventsThrough: base } });
  return base;
}

const run = async (now: Date) => (await runMaintenance(now, { settings: SETTINGS }))!.reminders;

async function tokenUntil(start: Date, validTo: Date | null, name = "Deploy key") {
  const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
  const { token } = await createToken(user.id, { name, scopes: ["tokens:read"], validTo: validTo?.toISOString() ?? null }, start);
  return { user, userId: user.id, guid: token.guid };
}

/** The token's reminders and expiry notices in the app, oldest first: [kind, title]. */
async function noticesOf(guid: string) {
  const rows = await (await prisma()).notification.findMany({ where: { tokenGuid: guid, kind: { in: ["token.expiring", "token.expired"] } }, orderBy: { createdAt: "asc" }, select: { kind: true, title: true } });
  return rows.map((r) => [r.kind, r.title]);
}
const queuedFor = async (userId: string) => (await prisma()).mailOutbox.count({ where: { userId, sentAt: null } });

describe("reminders before expiry", () => {
  test("30, 7 and 1 days before and at the end: each once across repeated runs, and received as mail with both bodies and the token's links", async () => {
    const base = await freshEra();
    const end = at(base, 40 * DAY);
    const token = await tokenUntil(base, end, "Deploy <prod>");
    expect(await run(at(end, -30 * DAY - MINUTE))).toBe(0);
    for (const days of [30, 7, 1]) {
      const crossed = at(end, -days * DAY + MINUTE);
      expect(await run(crossed)).toBe(1);
      expect(await run(at(crossed, 5 * MINUTE))).toBe(0);
      expect(await run(at(crossed, 30 * MINUTE))).toBe(0);
    }
    expect(await run(at(end, MINUTE))).toBe(1);
    expect(await run(at(end, 10 * MINUTE))).toBe(0);
    expect(await run(at(end, 3 * DAY))).toBe(0);
    expect(await noticesOf(token.guid)).toEqual([
      ["token.expiring", "Your token “Deploy <prod>” expires in 30 days"],
      ["token.expiring", "Your token “Deploy <prod>” expires in 7 days"],
      ["token.expiring", "Your token “Deploy <prod>” expires in 1 day"],
      ["token.expired", "Your token “Deploy <prod>” has expired"],
    ]);

    expect(await deliverDue(at(end, 3 * DAY))).toMatchObject({ sent: 4, failed: 0 });
    const mails = mailbox.to(token.user.email);
    // The outbox sends in no particular order.
    expect(mails.map((m) => m.subject).sort()).toEqual([
      "Your token “Deploy <prod>” expires in 1 day",
      "Your token “Deploy <prod>” expires in 30 days",
      "Your token “Deploy <prod>” expires in 7 days",
      "Your token “Deploy <prod>” has expired",
    ]);
    const page = `${SITE}/settings/tokens/${token.guid}`;
    const first = mails.find((m) => m.subject?.endsWith("30 days"));
    const expired = mails.find((m) => m.subject?.endsWith("has expired"));
    expect(first!.text).toBe(
      [
        "Your token “Deploy <prod>” expires in 30 days",
        "",
        `It stops working at ${end.toISOString().slice(0, 16).replace("T", " ")} UTC.`,
        "",
        "Rotate it for a new secret with a new expiry, or extend it on its page.",
        "",
        `Open the token: ${page}`,
        `Rotate: ${page}?rotate=1`,
        "",
        "-- ",
        `You receive this because you have an account at Tollgate (${SITE}).`,
        "",
      ].join("\n"),
    );
    expect(first!.html).toContain("Deploy &lt;prod&gt;");
    expect(first!.html).toContain(`href="${page}"`);
    expect(first!.html).toContain(`href="${page}?rotate=1"`);
    expect(expired!.text).toContain(`Create a similar token: ${SITE}/settings/tokens?similar=${token.guid}`);
    expect(expired!.html).toContain(`href="${SITE}/settings/tokens?similar=${token.guid}"`);
    expect(await deliverDue(at(end, 4 * DAY))).toMatchObject({ sent: 0 });
  });

  test("after an outage the nearest threshold reached is told, once, saying how long is really left; older crossings are not", async () => {
    const base = await freshEra();
    const [nearest, late] = [await tokenUntil(base, at(base, 10 * DAY)), await tokenUntil(base, at(base, 12 * DAY))];
    const expiredLongAgo = await tokenUntil(base, at(base, 20 * HOUR));
    // The job's last run was at base; the next one nine and a half days later.
    const now = at(base, 9 * DAY + 12 * HOUR);
    expect(await run(now)).toBe(2);
    // 7 and 1 days before its end both passed in the gap: only the 1-day one.
    expect(await noticesOf(nearest.guid)).toEqual([["token.expiring", "Your token “Deploy key” expires in 1 day"]]);
    // 7 days before its end was 4.5 days ago: told with the 2.5 days that are left (rounded).
    expect(await noticesOf(late.guid)).toEqual([["token.expiring", "Your token “Deploy key” expires in 3 days"]]);
    // Its end passed more than a week ago: stale news.
    expect(await noticesOf(expiredLongAgo.guid)).toEqual([]);
    expect(await run(at(now, HOUR))).toBe(0);
  });

  test("a threshold the token was made inside of, or reached within an hour of its making, is not told; the next one is", async () => {
    const base = await freshEra();
    const inside = await tokenUntil(base, at(base, 5 * DAY));
    const justOver = await tokenUntil(base, at(base, 7 * DAY + 30 * MINUTE));
    const wellOver = await tokenUntil(base, at(base, 7 * DAY + 2 * HOUR));
    const shortLived = await tokenUntil(base, at(base, 50 * MINUTE));
    const forever = await tokenUntil(base, null);
    for (let now = at(base, 5 * MINUTE); now <= at(base, 3 * HOUR); now = at(now, 5 * MINUTE)) await run(now);
    expect(await noticesOf(inside.guid)).toEqual([]);
    expect(await noticesOf(justOver.guid)).toEqual([]);
    expect(await noticesOf(wellOver.guid)).toEqual([["token.expiring", "Your token “Deploy key” expires in 7 days"]]);
    // Made to last less than an hour: its end is what its maker chose a moment ago.
    expect(await noticesOf(shortLived.guid)).toEqual([]);
    await run(at(base, 4 * DAY + 1));
    expect(await noticesOf(inside.guid)).toEqual([["token.expiring", "Your token “Deploy key” expires in 1 day"]]);
    await run(at(base, 5 * DAY + MINUTE));
    expect((await noticesOf(inside.guid)).map(([kind]) => kind)).toEqual(["token.expiring", "token.expired"]);
    await run(at(base, 300 * DAY));
    expect(await noticesOf(forever.guid)).toEqual([]);
  });

  test("boundaries: a threshold reached exactly at the run counts, a millisecond later waits; exactly an hour after the making is not told, a millisecond more is", async () => {
    const base = await freshEra();
    const hourExactly = await tokenUntil(base, at(base, 7 * DAY + HOUR));
    const hourAndMore = await tokenUntil(base, at(base, 7 * DAY + HOUR + 1));
    const now = at(base, HOUR + 1);
    expect(await run(at(now, -1))).toBe(0);
    expect(await run(now)).toBe(1);
    expect(await noticesOf(hourExactly.guid)).toEqual([]);
    expect(await noticesOf(hourAndMore.guid)).toEqual([["token.expiring", "Your token “Deploy key” expires in 7 days"]]);
  });

  test("two sweeps at the same moment tell each token once (separate connections on PostgreSQL)", async () => {
    const base = await freshEra();
    const tokens = [];
    for (let i = 0; i < 6; i++) tokens.push(await tokenUntil(base, at(base, 8 * DAY + i * MINUTE)));
    const db = await prisma();
    const now = at(base, DAY + 10 * MINUTE);
    const counts = await Promise.all([sendReminders(db, base, now, 2, () => false), sendReminders(db, base, now, 2, () => false), run(now)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(6);
    for (const token of tokens) {
      expect(await noticesOf(token.guid)).toHaveLength(1);
      expect(await queuedFor(token.userId)).toBe(1);
    }
  });
});

describe("a rotated or extended token starts afresh", () => {
  test("rotated with a new end: its thresholds are told again; rotated keeping its end: what was told is not repeated, the next one is", async () => {
    const base = await freshEra();
    const renewed = await tokenUntil(base, at(base, 40 * DAY));
    const kept = await tokenUntil(base, at(base, 40 * DAY));
    expect(await run(at(base, 10 * DAY + MINUTE))).toBe(2);
    await rotateToken(kept.userId, kept.guid, {}, at(base, 10 * DAY + 10 * MINUTE));
    expect(await run(at(base, 10 * DAY + 15 * MINUTE))).toBe(0);
    await rotateToken(renewed.userId, renewed.guid, { validTo: at(base, 50 * DAY).toISOString() }, at(base, 11 * DAY));
    expect(await run(at(base, 20 * DAY + MINUTE))).toBe(1);
    expect(await noticesOf(renewed.guid)).toEqual([
      ["token.expiring", "Your token “Deploy key” expires in 30 days"],
      ["token.expiring", "Your token “Deploy key” expires in 30 days"],
    ]);
    expect(await noticesOf(kept.guid)).toEqual([["token.expiring", "Your token “Deploy key” expires in 30 days"]]);
    await run(at(base, 33 * DAY + MINUTE));
    expect((await noticesOf(kept.guid)).map(([, title]) => title!.slice(-7))).toEqual(["30 days", " 7 days"]);
  });

  test("extended: the reminder queued for the old end is withdrawn, and the new end's thresholds are told", async () => {
    const base = await freshEra();
    const token = await tokenUntil(base, at(base, 10 * DAY));
    await run(at(base, 3 * DAY + MINUTE));
    expect(await queuedFor(token.userId)).toBe(1);
    await updateToken(token.userId, token.guid, { validTo: at(base, 20 * DAY).toISOString() }, at(base, 3 * DAY + 2 * MINUTE));
    expect(await queuedFor(token.userId)).toBe(0);
    expect(await run(at(base, 3 * DAY + 5 * MINUTE))).toBe(0);
    expect(await run(at(base, 13 * DAY + MINUTE))).toBe(1);
    expect(await deliverDue(at(base, 13 * DAY + 2 * MINUTE))).toMatchObject({ sent: 1 });
    expect(mailbox.to(token.user.email).map((m) => [m.subject, m.text?.split("\n")[2]])).toEqual([
      ["Your token “Deploy key” expires in 7 days", `It stops working at ${at(base, 20 * DAY).toISOString().slice(0, 16).replace("T", " ")} UTC.`],
    ]);
  });

  test("an expiry the edit or rotation moves away before the job saw it is told by the change, once; a deletion tells nothing", async () => {
    const base = await freshEra();
    const end = at(base, 2 * DAY);
    const [edited, rotated, deleted] = [await tokenUntil(base, end), await tokenUntil(base, end), await tokenUntil(base, end)];
    const later = at(end, 10 * DAY).toISOString();
    await updateToken(edited.userId, edited.guid, { validTo: later }, at(end, MINUTE));
    await rotateToken(rotated.userId, rotated.guid, { validTo: later }, at(end, MINUTE));
    await deleteToken(deleted.userId, deleted.guid, at(end, MINUTE));
    expect(await run(at(end, 2 * MINUTE))).toBe(0);
    for (const token of [edited, rotated]) expect(await noticesOf(token.guid)).toEqual([["token.expired", "Your token “Deploy key” has expired"]]);
    expect(await noticesOf(deleted.guid)).toEqual([]);
    expect(await queuedFor(deleted.userId)).toBe(0);
  });
});

describe("a revoked or deleted token, or a disabled account, gets none", () => {
  test("revoked or deleted before the threshold: nothing; after it, before the mail went: the queued mail is withdrawn", async () => {
    const base = await freshEra();
    const admin = await createUser();
    const by = { userId: admin.id, email: admin.email, tokenGuid: null, ip: null, userAgent: null };
    const end = at(base, 10 * DAY);
    const early = [await tokenUntil(base, end), await tokenUntil(base, end)];
    await revokeToken(early[0]!.userId, early[0]!.guid, at(base, DAY));
    await deleteToken(early[1]!.userId, early[1]!.guid, at(base, DAY));
    const queued = [await tokenUntil(base, end), await tokenUntil(base, end), await tokenUntil(base, end)];
    const kept = await tokenUntil(base, end);
    expect(await run(at(base, 3 * DAY + MINUTE))).toBe(4);
    for (const token of [...queued, kept]) expect(await queuedFor(token.userId)).toBe(1);
    await revokeToken(queued[0]!.userId, queued[0]!.guid, at(base, 3 * DAY + 2 * MINUTE));
    await revokeTokenAsAdmin(by, queued[1]!.guid, { reason: "No longer needed" }, at(base, 3 * DAY + 2 * MINUTE));
    await deleteToken(queued[2]!.userId, queued[2]!.guid, at(base, 3 * DAY + 2 * MINUTE));
    // The kept reminder, and the administrator's revocation telling its owner (a notice of its own, not a reminder).
    expect(await deliverDue(at(base, 3 * DAY + 3 * MINUTE))).toMatchObject({ sent: 2 });
    for (const token of [...early, queued[0]!, queued[2]!]) expect(mailbox.to(token.user.email)).toEqual([]);
    expect(mailbox.to(queued[1]!.user.email).map((mail) => mail.subject)).toEqual(["An administrator revoked your token “Deploy key”"]);
    expect(mailbox.to(kept.user.email)).toHaveLength(1);
    for (let day = 4; day <= 12; day++) await run(at(base, day * DAY));
    for (const token of early) expect(await noticesOf(token.guid)).toEqual([]);
    for (const token of queued) expect(await noticesOf(token.guid)).toHaveLength(1);
    expect(await noticesOf(kept.guid)).toHaveLength(3);
  });

  test("a reminder an instance is sending at the moment of the revocation is already on its way: it stays", async () => {
    const base = await freshEra();
    const token = await tokenUntil(base, at(base, 10 * DAY));
    const now = at(base, 3 * DAY + MINUTE);
    expect(await run(now)).toBe(1);
    const db = await prisma();
    await db.mailOutbox.updateMany({ where: { userId: token.userId }, data: { claimedUntil: at(now, 2 * MINUTE) } });
    await revokeToken(token.userId, token.guid, at(now, MINUTE));
    expect(await queuedFor(token.userId)).toBe(1);
    await db.mailOutbox.updateMany({ where: { userId: token.userId }, data: { claimedUntil: null } });
    await revokeTokenAsAdmin(
      { userId: token.userId, email: token.user.email, tokenGuid: null, ip: null, userAgent: null },
      (await tokenUntil(base, at(base, 10 * DAY))).guid,
      { reason: "Unrelated" },
      at(now, MINUTE),
    );
    // Another token's revocation withdraws only that token's reminders.
    expect(await queuedFor(token.userId)).toBe(1);
  });

  test("a disabled account's tokens get none, and what was queued for them is withdrawn; a deleted account's too", async () => {
    const base = await freshEra();
    const admin = await createUser();
    const by = { userId: admin.id, email: admin.email, tokenGuid: null, ip: null, userAgent: null };
    const end = at(base, 10 * DAY);
    const [disabled, deleted] = [await tokenUntil(base, end), await tokenUntil(base, end)];
    expect(await run(at(base, 3 * DAY + MINUTE))).toBe(2);
    await disableUser(by, disabled.userId, at(base, 3 * DAY + 2 * MINUTE));
    await deleteUser(by, deleted.userId, at(base, 3 * DAY + 2 * MINUTE));
    const db = await prisma();
    expect(await db.mailOutbox.count({ where: { to: { in: [disabled.user.email, deleted.user.email] } } })).toBe(0);
    for (let day = 4; day <= 12; day++) await run(at(base, day * DAY));
    expect(await noticesOf(disabled.guid)).toHaveLength(1);
    expect(await deliverDue(at(base, 13 * DAY))).toMatchObject({ sent: 0 });
  });
});
