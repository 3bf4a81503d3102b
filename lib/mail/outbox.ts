import "server-only";
import { mailConfig } from "@/lib/config";
import { inBackground, prisma, type Prisma } from "@/lib/db";
import { loggable } from "@/lib/errors";
import type { RenderedMail } from "./render";
import { isConnectionFailure, isPermanentRefusal, mailTransport, type MailTransport } from "./transport";

/**
 * Mail goes through a table (mail_outbox; docs/notifications.md, "The outbox"): a change writes its
 * mail in its own transaction, so a rolled-back change sends nothing and a committed one is never
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

/** Attempts before a mail is given up on (failed_at set): the waits between them add up to about 20 hours. */
export const MAX_ATTEMPTS = 12;
const FIRST_RETRY_MS = 60_000;
const LONGEST_RETRY_MS = 6 * 3600_000;
/**
 * How long an instance holds the mails it took: one that dies mid-send lets them go after this.
 * A batch stops sending well before (CLAIM_USE_MS), so that no claim runs out while its mail is sent.
 */
export const CLAIM_MS = 5 * 60_000;
const CLAIM_USE_MS = 2 * 60_000;
const BATCH = 20;
/** Sent and given-up mail is deleted this long after it was queued (the maintenance job, pruneMail). */
export const MAIL_RETENTION_DAYS = 30;

/** The wait before attempt `attempts + 1`, after `attempts` failures: 1, 2, 4, … 256 minutes, then 6 hours. */
export function retryDelayMs(attempts: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

type Claimed = { id: string; to: string; subject: string; text: string; html: string; attempts: number };

/** Mails sent, failed and to be retried, given up (failed_at). Mails claimed but let go untried count in none. */
export type DeliveryResult = { sent: number; failed: number; gaveUp: number };

// This instance's counters since it started (GET /api/metrics).
const totals = ((globalThis as unknown as { tollgateMailTotals?: { sent: number; retried: number; gaveUp: number } }).tollgateMailTotals ??= {
  sent: 0,
  retried: 0,
  gaveUp: 0,
});

export function mailStats(): { transport: "smtp" | "log"; sent: number; retried: number; gaveUp: number } {
  return { transport: mailConfig().smtpUrl ? "smtp" : "log", ...totals };
}

/**
 * Sends what is due at `now`, a batch at a time, until nothing is. Each instance claims rows
 * (SKIP LOCKED, so two instances never take the same one) before sending, and marks each sent
 * or schedules its retry. A mail whose send succeeded but whose marking failed may be sent again:
 * at least once, never lost. `signal` (shutdown) stops it after the mail being sent.
 */
export async function deliverDue(now = new Date(), transport: MailTransport = mailTransport(), signal?: AbortSignal): Promise<DeliveryResult> {
  const db = await prisma();
  const result: DeliveryResult = { sent: 0, failed: 0, gaveUp: 0 };
  while (!signal?.aborted) {
    const started = Date.now();
    const claimed = await inBackground(
      () => db.$queryRaw<Claimed[]>`
        UPDATE mail_outbox SET claimed_until = ${new Date(now.getTime() + CLAIM_MS)}
        WHERE id IN (
          SELECT id FROM mail_outbox
          WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ${now} AND (claimed_until IS NULL OR claimed_until < ${now})
          ORDER BY next_attempt_at, id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
        RETURNING id::text AS id, "to", subject, text, html, attempts`,
    );
    let stop = false;
    for (const [index, mail] of claimed.entries()) {
      // The server unreachable, a shutdown, or a batch so slow that its claim could run out: the
      // rest are let go untried, for this or another instance's next poll.
      if (stop || signal?.aborted || Date.now() - started > CLAIM_USE_MS) {
        const rest = claimed.slice(index).map((m) => m.id);
        await inBackground(() => db.mailOutbox.updateMany({ where: { id: { in: rest } }, data: { claimedUntil: null } }));
        return result;
      }
      try {
        await transport.send(mail);
        await inBackground(() => db.mailOutbox.update({ where: { id: mail.id }, data: { sentAt: now, attempts: mail.attempts + 1, claimedUntil: null } }));
        result.sent++;
        totals.sent++;
      } catch (error) {
        const attempts = mail.attempts + 1;
        const gaveUp = attempts >= MAX_ATTEMPTS || isPermanentRefusal(error);
        stop = isConnectionFailure(error);
        await inBackground(() =>
          db.mailOutbox.update({
            where: { id: mail.id },
            data: {
              attempts,
              claimedUntil: null,
              lastError: String((error as Error)?.message ?? error).slice(0, 1000),
              ...(gaveUp ? { failedAt: now } : { nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)) }),
            },
          }),
        );
        if (gaveUp) {
          result.gaveUp++;
          totals.gaveUp++;
        } else {
          result.failed++;
          totals.retried++;
        }
      }
    }
    if (stop || claimed.length < BATCH) return result;
  }
  return result;
}

/**
 * Deletes sent and given-up mail queued before `cutoff`, `batch` rows per statement (the
 * maintenance job). Mail still to send is kept however old.
 */
export async function pruneMail(db: Pick<Prisma.TransactionClient, "$executeRaw">, cutoff: Date, batch: number, stopped: () => boolean): Promise<number> {
  let total = 0;
  while (!stopped()) {
    const count = await db.$executeRaw`
      DELETE FROM mail_outbox WHERE id = ANY(ARRAY(
        SELECT id FROM mail_outbox WHERE created_at < ${cutoff} AND (sent_at IS NOT NULL OR failed_at IS NOT NULL) LIMIT ${batch}))`;
    total += count;
    if (count < batch) break;
  }
  return total;
}

type Schedule = { timer?: NodeJS.Timeout; running?: Promise<void>; controller: AbortController };
const holder = globalThis as unknown as { tollgateMailDelivery?: Schedule };

/** Starts this process's sender (instrumentation.ts): a poll every MAIL_POLL_SECONDS, never two at once. */
export function startMailDelivery(): void {
  if (holder.tollgateMailDelivery) return;
  const { pollMs } = mailConfig();
  const state: Schedule = { controller: new AbortController() };
  holder.tollgateMailDelivery = state;
  const schedule = () => {
    if (state.controller.signal.aborted) return;
    state.timer = setTimeout(() => {
      state.running = deliverDue(new Date(), mailTransport(), state.controller.signal)
        .then(({ sent, failed, gaveUp }) => {
          if (failed || gaveUp) console.error(`Mail: ${failed} mail(s) could not be sent and will be retried; ${gaveUp} given up.`);
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

/** Stops polling and waits for the mail being sent (shutdown); what is not sent stays queued. */
export async function stopMailDelivery(): Promise<void> {
  const state = holder.tollgateMailDelivery;
  if (!state) return;
  state.controller.abort();
  clearTimeout(state.timer);
  if (state.running) {
    console.log("Mail: stopping; waiting for the mail being sent.");
    await state.running;
  }
  mailTransport().close();
}
