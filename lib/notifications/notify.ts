import "server-only";
import { mailConfig } from "@/lib/config";
import type { Prisma } from "@/lib/db";
import { enqueueMail } from "@/lib/mail/outbox";
import { renderMail } from "@/lib/mail/render";
import type { Message } from "./messages";

type Writer = Pick<Prisma.TransactionClient, "notification" | "mailOutbox">;

export type Recipient = { id: string; email: string };

export type NotifyOptions = {
  /** Exactly once: a second notice with the same key (another instance's sweep, a retry) adds nothing and sends nothing. */
  dedupeKey?: string;
  /** Whether it goes by mail too (default: yes). */
  mail?: boolean;
};

/**
 * Tells a person: a notice in the app (the bell) and, unless told otherwise, a mail through the
 * outbox; both in the caller's transaction, so a change that rolls back tells nobody. Answers
 * false when the dedupe key was used before.
 */
export async function notify(db: Writer, to: Recipient, message: Message, options: NotifyOptions = {}, now = new Date()): Promise<boolean> {
  const { count } = await db.notification.createMany({
    data: [
      {
        userId: to.id,
        kind: message.kind,
        tokenGuid: message.tokenGuid,
        title: message.title.slice(0, 200),
        body: message.body,
        link: message.link,
        createdAt: now,
        dedupeKey: options.dedupeKey ?? null,
      },
    ],
    skipDuplicates: options.dedupeKey !== undefined,
  });
  if (count === 0) return false;
  if (options.mail !== false) {
    await enqueueMail(db, { userId: to.id, kind: message.kind, to: to.email, mail: renderMail(message.mail, mailConfig().siteUrl), dedupeKey: options.dedupeKey }, now);
  }
  return true;
}
