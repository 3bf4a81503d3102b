import { prisma } from "@/lib/db";
import { runMaintenance } from "@/lib/jobs/maintenance";
import { enqueueMail } from "@/lib/mail/outbox";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

/** The maintenance job deletes sent and given-up mail after 30 days and read notices after the audit retention. */
useFreshDatabase();

const DAY = 24 * 3600_000;
const NOW = new Date("2032-06-01T00:00:00.000Z");
const ago = (days: number, ms = 0) => new Date(NOW.getTime() - days * DAY + ms);

test("old sent and given-up mail and old read notices go; queued mail, recent mail and unread notices stay", async () => {
  const user = await createUser();
  const db = await prisma();
  const mail = async (subject: string, created: Date, state: { sentAt?: Date; failedAt?: Date }) => {
    await enqueueMail(db, { userId: user.id, kind: "token.expiring", to: user.email, mail: { subject, text: "t", html: "h" } }, created);
    await db.mailOutbox.updateMany({ where: { subject }, data: state });
  };
  await mail("sent long ago", ago(30, -1), { sentAt: ago(30, -1) });
  await mail("given up long ago", ago(40), { failedAt: ago(39) });
  await mail("sent at the limit", ago(30), { sentAt: ago(30) });
  await mail("still queued", ago(90), {});
  const notice = (title: string, readAt: Date | null) =>
    db.notification.create({ data: { userId: user.id, kind: "token.expiring", title, createdAt: ago(500), readAt } });
  await notice("read long ago", ago(400, -1));
  await notice("read at the limit", ago(400));
  await notice("never read", null);

  const result = await runMaintenance(NOW, { settings: { auditRetentionDays: 400, usageRetentionDays: 90 } });
  expect(result).toMatchObject({ mail: { pruned: 2 }, notifications: { pruned: 1 } });
  expect((await db.mailOutbox.findMany({ where: { userId: user.id }, select: { subject: true }, orderBy: { subject: "asc" } })).map((m) => m.subject)).toEqual(["sent at the limit", "still queued"]);
  expect((await db.notification.findMany({ where: { userId: user.id }, select: { title: true }, orderBy: { title: "asc" } })).map((n) => n.title)).toEqual(["never read", "read at the limit"]);
});
