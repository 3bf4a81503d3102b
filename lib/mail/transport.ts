import "server-only";
import nodemailer from "nodemailer";
import { mailConfig } from "@/lib/config";
import type { RenderedMail } from "./render";

export type OutgoingMail = RenderedMail & { to: string };

/** What sends one mail: SMTP when SMTP_URL is set, the server log otherwise. A rejection is retried by the outbox. */
export type MailTransport = { kind: "smtp" | "log"; send(mail: OutgoingMail): Promise<void>; close(): void };

const holder = globalThis as unknown as { tollgateMailTransport?: MailTransport };

/** The process's transport (one SMTP connection pool, built on first use). */
export function mailTransport(): MailTransport {
  holder.tollgateMailTransport ??= createTransport(mailConfig());
  return holder.tollgateMailTransport;
}

function createTransport({ smtpUrl, from }: { smtpUrl: string | null; from: string }): MailTransport {
  if (!smtpUrl) {
    // The embedded quick start has no mail server: the mail is readable in the log, links and all.
    return {
      kind: "log",
      send: async (mail) => console.log(`Mail (no SMTP_URL set) to ${mail.to}: ${mail.subject}\n${mail.text}`),
      close: () => {},
    };
  }
  // A bounded wait: a mail server that hangs must not hold a sending slot for minutes.
  const smtp = nodemailer.createTransport(smtpUrl, { from, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    kind: "smtp",
    send: async (mail) => {
      await smtp.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
    close: () => smtp.close(),
  };
}
