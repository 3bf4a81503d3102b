import "server-only";
import nodemailer from "nodemailer";
import SMTPTransport from "nodemailer/lib/smtp-transport";
import { mailConfig } from "@/lib/config";
import type { RenderedMail } from "./render";

export type OutgoingMail = RenderedMail & { to: string };

/** What sends one mail: SMTP when SMTP_URL is set, the server log otherwise. A rejection is retried by the outbox. */
export type MailTransport = { kind: "smtp" | "log"; send(mail: OutgoingMail): Promise<void>; close(): void };

/** How long one send may wait for the mail server at each step: a server that hangs holds a send this long at most. */
export type SmtpTimeouts = { connectionMs: number; greetingMs: number; socketMs: number };
export const SMTP_TIMEOUTS: SmtpTimeouts = { connectionMs: 10_000, greetingMs: 10_000, socketMs: 20_000 };

const holder = globalThis as unknown as { tollgateMailTransport?: MailTransport };

/** The process's transport, built on first use. */
export function mailTransport(): MailTransport {
  if (!holder.tollgateMailTransport) {
    const { smtpUrl, from } = mailConfig();
    holder.tollgateMailTransport = smtpUrl ? smtpTransport(smtpUrl, from) : logTransport();
  }
  return holder.tollgateMailTransport;
}

/** The embedded quick start has no mail server: the mail is readable in the log, links and all. */
export function logTransport(): MailTransport {
  return {
    kind: "log",
    send: async (mail) => console.log(`Mail (no SMTP_URL set) to ${mail.to}: ${mail.subject}\n${mail.text}`),
    close: () => {},
  };
}

export function smtpTransport(url: string, from: string, timeouts: SmtpTimeouts = SMTP_TIMEOUTS): MailTransport {
  // The options go to the transport itself: given beside a URL string, nodemailer would take them
  // as message defaults and wait minutes (its own defaults) for a server that hangs.
  const smtp = nodemailer.createTransport(
    new SMTPTransport({ url, connectionTimeout: timeouts.connectionMs, greetingTimeout: timeouts.greetingMs, socketTimeout: timeouts.socketMs }),
  );
  return {
    kind: "smtp",
    send: async (mail) => {
      await smtp.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
    close: () => smtp.close(),
  };
}

/**
 * A refusal that sending again will not change: the server's 5xx answer to the recipient or to the
 * message itself. A 5xx elsewhere (AUTH, MAIL FROM) is the deployment's configuration, and a 4xx or
 * a connection that failed is passing: those are retried (docs/notifications.md, "Retries").
 */
export function isPermanentRefusal(error: unknown): boolean {
  const { responseCode, command } = (error ?? {}) as { responseCode?: unknown; command?: unknown };
  return typeof responseCode === "number" && responseCode >= 500 && responseCode < 600 && (command === "RCPT TO" || command === "DATA");
}

/** True when the mail server could not be reached or stopped answering: every other mail of the batch would wait the same. */
export function isConnectionFailure(error: unknown): boolean {
  const { responseCode, code } = (error ?? {}) as { responseCode?: unknown; code?: unknown };
  return responseCode === undefined && (code === "ECONNECTION" || code === "ETIMEDOUT" || code === "ESOCKET" || code === "EDNS");
}
