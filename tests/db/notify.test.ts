import { prisma } from "@/lib/db";
import { deliverDue } from "@/lib/mail/outbox";
import { expiringMessage } from "@/lib/notifications/messages";
import { notify } from "@/lib/notifications/notify";
import { useFreshDatabase } from "../helpers/database";
import { recipients, useMailbox } from "../helpers/smtp";
import { createUser } from "../helpers/users";

/** A notice reaches the app and, through the outbox, a real SMTP server: once per dedupe key. */
useFreshDatabase();

const mailbox = useMailbox();

test("a notice is in the app and, once delivered, in the mailbox, with both bodies and the token's links; the same key twice tells once", async () => {
  const user = await createUser();
  const db = await prisma();
  const now = new Date("2031-03-01T12:00:00.000Z");
  const token = { guid: "5e1a2b3c-4d5e-4f60-8a7b-8c9d0e1f2a3b", name: "Deploy <prod>" };
  const message = expiringMessage(token, 7, new Date("2031-03-08T12:00:00.000Z"));
  const key = `token.expiring:7:${token.guid}:x`;
  expect(await db.$transaction((tx) => notify(tx, user, message, { dedupeKey: key }, now))).toBe(true);
  expect(await db.$transaction((tx) => notify(tx, user, message, { dedupeKey: key }, now))).toBe(false);

  expect(await db.notification.findMany({ where: { userId: user.id }, select: { kind: true, title: true, link: true, tokenGuid: true, readAt: true } })).toEqual([
    { kind: "token.expiring", title: "Your token “Deploy <prod>” expires in 7 days", link: `/settings/tokens/${token.guid}`, tokenGuid: token.guid, readAt: null },
  ]);
  expect(await deliverDue(now)).toEqual({ sent: 1, failed: 0, gaveUp: 0 });
  const mail = await mailbox.waitFor((m) => recipients(m).includes(user.email));
  expect(mail.subject).toBe("Your token “Deploy <prod>” expires in 7 days");
  expect(mail.text).toContain(`Rotate: http://tollgate.test:3000/settings/tokens/${token.guid}?rotate=1`);
  expect(mail.html).toContain("Deploy &lt;prod&gt;");
  expect(mail.html).toContain(`href="http://tollgate.test:3000/settings/tokens/${token.guid}"`);
  expect(await deliverDue(now)).toEqual({ sent: 0, failed: 0, gaveUp: 0 });
  expect(mailbox.to(user.email)).toHaveLength(1);
});

test("a notice in a transaction that rolls back is neither shown nor sent", async () => {
  const user = await createUser();
  const db = await prisma();
  const message = expiringMessage({ guid: "6f2b3c4d-5e6f-4a70-9b8c-9d0e1f2a3b4c", name: "Gone" }, 1, new Date("2031-03-02T12:00:00.000Z"));
  await expect(
    db.$transaction(async (tx) => {
      await notify(tx, user, message);
      throw new Error("the change failed");
    }),
  ).rejects.toThrow("the change failed");
  expect(await db.notification.count({ where: { userId: user.id } })).toBe(0);
  expect(await db.mailOutbox.count({ where: { userId: user.id } })).toBe(0);
});
