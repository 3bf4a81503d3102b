import "server-only";
import { mailConfig } from "@/lib/config";
import { inBackground, prisma, type Prisma } from "@/lib/db";
import { loggable } from "@/lib/errors";
import type { RenderedMail } from "./render";
import { mailTransport, type MailTransport } from "./transport";

/**
 * Mail goes through a table (mail_outbox; docs/architecture.md, "Mail"): a change writes its mail
 * in its own transaction, so a rolled-back change sends nothing and a committed one is never
 * forgotten; every instance polls for what is due and sends it, and a failure is retried later
 * with backoff. No request ever waits for the mail server.
 */

export type Outgoing = {
  userId: string | null;
  /** A NoticeKind (lib/notifications/kinds.ts) or "password.reset". */
  kind: string;
  to: string;
  mail: RenderedMail;
  /** The same key twice queues one mail: a second sweep, or a retried request, sends nothing more. */
  dedupeKey?: string;
};

type Writer = { mailOutbox: Prisma.TransactionClient["mailOutbox"] };

/** Queues one mail; answers false when its dedupe key was queued before (nothing is queued then). */
export async function enqueueMail(db: Writer, outgoing: Outgoing, now = new Date()): Promise<boolean> {
  const { count } = await db.mailOutbox.createMany({
    data: [
      {
        userId: outgoing.userId,
        kind: outgoing.kind,
        to: outgoing.to,
        subject: outgoing.mail.subject.slice(0, 300),
        text: outgoing.mail.text,
        html: outgoing.mail.html,
        dedupeKey: outgoing.dedupeKey ?? null,
        createdAt: now,
        nextAttemptAt: now,
      },
    ],
    skipDuplicates: outgoing.dedupeKey !== undefined,
  });
  return count === 1;
}

/** Attempts before a mail is given up on (failed_at set): the waits add up to about two days. */
export const MAX_ATTEMPTS = 10;
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 12 * 3600_000;
/** How long an instance holds the mails it took: one that dies mid-send lets them go after this. */
const CLAIM_MS = 120_000;
const BATCH = 20;

/** The wait before attempt `attempts + 1`, after `attempts` failures: 30 s, 1 min, 2 min, … at most 12 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

type Claimed = { id: string; to: string; subject: string; text: string; html: string; attempts: number };

export type DeliveryResult = { sent: number; failed: number; gaveUp: number };

/**
 * Sends what is due at `now`, a batch at a time, until nothing is. Each instance claims rows
 * (SKIP LOCKED, so two instances never take the same one) before sending, and marks each sent
 * or schedules its retry. A mail whose send succeeded but whose marking failed may be sent again:
 * at least once, never lost.
 */
export async function deliverDue(now = new Date(), transport: MailTransport = mailTransport()): Promise<DeliveryResult> {
  const db = await prisma();
  const result: DeliveryResult = { sent: 0, failed: 0, gaveUp: 0 };
  for (;;) {
    const claimed = await inBackground(
      () => db.$queryRaw<Claimed[]>`
        UPDATE mail_outbox SET claimed_until = ${new Date(now.getTime() + CLAIM_MS)}
        WHERE id IN (
          SELECT id FROM mail_outbox
          WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ${now} AND (claimed_until IS NULL OR claimed_until < ${now})
          ORDER BY next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
        RETURNING id::text AS id, "to", subject, text, html, attempts`,
    );
    for (const mail of claimed) {
      try {
        await transport.send(mail);
        await inBackground(() => db.mailOutbox.update({ where: { id: mail.id }, data: { sentAt: new Date(), attempts: mail.attempts + 1, claimedUntil: null } }));
        result.sent++;
      } catch (error) {
        const attempts = mail.attempts + 1;
        const gaveUp = attempts >= MAX_ATTEMPTS;
        await inBackground(() =>
          db.mailOutbox.update({
            where: { id: mail.id },
            data: {
              attempts,
              claimedUntil: null,
              lastError: String((error as Error)?.message ?? error).slice(0, 1000),
              ...(gaveUp ? { failedAt: new Date() } : { nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)) }),
            },
          }),
        );
        if (gaveUp) result.gaveUp++;
        else result.failed++;
      }
    }
    if (claimed.length < BATCH) return result;
  }
}

type Schedule = { timer?: NodeJS.Timeout; running?: Promise<void>; stopped: boolean };
const holder = globalThis as unknown as { tollgateMailDelivery?: Schedule };

/** Starts this process's sender (instrumentation.ts): a poll every MAIL_POLL_SECONDS, never two at once. */
export function startMailDelivery(): void {
  if (holder.tollgateMailDelivery) return;
  const { pollMs } = mailConfig();
  const state: Schedule = { stopped: false };
  holder.tollgateMailDelivery = state;
  const schedule = () => {
    if (state.stopped) return;
    state.timer = setTimeout(() => {
      state.running = deliverDue()
        .then(({ sent, failed, gaveUp }) => {
          if (failed || gaveUp) console.error(`Mail: ${failed} mail(s) could not be sent and will be retried; ${gaveUp} given up after ${MAX_ATTEMPTS} attempts.`);
          else if (sent) console.log(`Mail: sent ${sent} mail(s).`);
        })
        .catch((error: unknown) => console.error("Mail delivery failed; will try again.", loggable(error)))
        .finally(() => {
          state.running = undefined;
          schedule();
        });
    }, pollMs);
    state.timer.unref();
  };
  schedule();
}

/** Stops polling and waits for a batch in progress (shutdown); what is not sent stays queued. */
export async function stopMailDelivery(): Promise<void> {
  const state = holder.tollgateMailDelivery;
  if (!state) return;
  state.stopped = true;
  clearTimeout(state.timer);
  await state.running;
  mailTransport().close();
}
