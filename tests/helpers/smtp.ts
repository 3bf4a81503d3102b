import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/**
 * A real SMTP server on a loopback port (the smtp-server package), for tests that send mail: the
 * application is given `url` as SMTP_URL, and every message it receives is parsed and kept.
 */
export type Mailbox = {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  url: string;
  port: number;
  messages: ParsedMail[];
  /** Mail to this address (all mail without one), in the order received. */
  to(address?: string): ParsedMail[];
  /** Resolves with the first received message that matches (waiting for it up to `timeoutMs`). */
  waitFor(match: (mail: ParsedMail) => boolean, timeoutMs?: number): Promise<ParsedMail>;
  /** Refuses every message with this SMTP reply while set (to test retries); null accepts again. */
  refuse(reply: { code: number; message: string } | null): void;
  stop(): Promise<void>;
};

export const recipients = (mail: ParsedMail): string[] =>
  (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((group) => group.value.map((v) => v.address ?? ""));

export async function startSmtp(): Promise<Mailbox> {
  const messages: ParsedMail[] = [];
  const waiters = new Set<() => void>();
  let refusal: { code: number; message: string } | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          if (refusal) {
            const error = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
            callback(error);
            return;
          }
          messages.push(mail);
          for (const wake of waiters) wake();
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    to: (address) => (address ? messages.filter((m) => recipients(m).includes(address)) : [...messages]),
    refuse: (reply) => void (refusal = reply),
    waitFor: (match, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`No matching mail within ${timeoutMs} ms; received: ${messages.map((m) => `${recipients(m).join(",")} “${m.subject}”`).join("; ") || "none"}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * For tests that send mail from their own process (db tests): one mailbox for the whole file, with
 * SMTP_URL and the site's address pointed at it before the first mail, closed afterwards.
 */
export function useMailbox(siteUrl = "http://tollgate.test:3000"): Mailbox {
  let box: Mailbox | undefined;
  beforeAll(async () => {
    box = await startSmtp();
    process.env.SMTP_URL = box.url;
    process.env.TOLLGATE_SITE_URL = siteUrl;
  });
  afterAll(async () => {
    const { mailTransport } = await import("@/lib/mail/transport");
    mailTransport().close();
    await box?.stop();
  });
  return new Proxy({} as Mailbox, {
    get(_, key: keyof Mailbox) {
      if (!box) throw new Error("The mailbox starts in beforeAll: use it inside a test.");
      const value = box[key];
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(box) : value;
    },
  });
}
