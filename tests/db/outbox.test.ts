import { createServer, type Server } from "node:net";
import { databaseStats, prisma } from "@/lib/db";
import { CLAIM_MS, deliverDue, enqueueMail, MAX_ATTEMPTS, retryDelayMs } from "@/lib/mail/outbox";
import { mailTransport, smtpTransport } from "@/lib/mail/transport";
import { useFreshDatabase } from "../helpers/database";
import { recipients, startSmtp, type Mailbox } from "../helpers/smtp";
import { createUser } from "../helpers/users";

/** The outbox against a real SMTP server, with the clock in the test's hand. */
useFreshDatabase();

let mailbox: Mailbox;
beforeAll(async () => {
  mailbox = await startSmtp();
  process.env.SMTP_URL = mailbox.url;
});
afterAll(async () => {
  mailTransport().close();
  await mailbox.stop();
});
afterEach(() => mailbox.refuse(null));
// Each test sees only its own mail: what another left queued would be due at its later clock.
beforeEach(async () => void (await (await prisma()).mailOutbox.deleteMany({})));
jest.setTimeout(60_000);

const MINUTE = 60_000;
let era = 0;
/** Each test in its own stretch of time, its mail due before nothing else's. */
async function queue(count = 1): Promise<{ now: Date; to: string; ids: string[] }> {
  const now = new Date(Date.UTC(2032, 0, 1) + era++ * 30 * 24 * 60 * MINUTE);
  const user = await createUser();
  const db = await prisma();
  for (let i = 0; i < count; i++) {
    await enqueueMail(db, { userId: user.id, kind: "token.expiring", to: user.email, mail: { subject: `Mail ${i} to ${user.email}`, text: `Text ${i}`, html: `<p>HTML ${i}</p>` } }, now);
  }
  const rows = await db.mailOutbox.findMany({ where: { userId: user.id }, select: { id: true }, orderBy: { subject: "asc" } });
  return { now, to: user.email, ids: rows.map((r) => r.id) };
}
const row = async (id: string) =>
  (await prisma()).mailOutbox.findUniqueOrThrow({ where: { id }, select: { attempts: true, nextAttemptAt: true, sentAt: true, failedAt: true, lastError: true, claimedUntil: true } });
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

test("the backoff doubles from a minute and stops growing at six hours", () => {
  expect([1, 2, 3, 8, 9, 10, 11].map(retryDelayMs)).toEqual([1, 2, 4, 128, 256, 360, 360].map((m) => m * MINUTE));
});

test("a transient refusal (4xx) is retried after the backoff, and the mail is delivered once the server accepts", async () => {
  const { now, to, ids } = await queue();
  mailbox.refuse({ code: 451, message: "Try again later" });
  expect(await deliverDue(now)).toEqual({ sent: 0, failed: 1, gaveUp: 0 });
  expect(await row(ids[0]!)).toEqual({ attempts: 1, nextAttemptAt: at(now, MINUTE), sentAt: null, failedAt: null, lastError: expect.stringContaining("451 Try again later"), claimedUntil: null });
  // Not due before its time, even with the server accepting again.
  mailbox.refuse(null);
  expect(await deliverDue(at(now, MINUTE - 1))).toEqual({ sent: 0, failed: 0, gaveUp: 0 });
  mailbox.refuse({ code: 421, message: "Busy" });
  expect(await deliverDue(at(now, MINUTE))).toEqual({ sent: 0, failed: 1, gaveUp: 0 });
  expect(await row(ids[0]!)).toMatchObject({ attempts: 2, nextAttemptAt: at(now, 3 * MINUTE), lastError: expect.stringContaining("421 Busy") });
  mailbox.refuse(null);
  expect(await deliverDue(at(now, 3 * MINUTE))).toEqual({ sent: 1, failed: 0, gaveUp: 0 });
  expect(await row(ids[0]!)).toMatchObject({ attempts: 3, sentAt: at(now, 3 * MINUTE), failedAt: null });
  expect(mailbox.to(to).map((m) => [m.subject, m.text?.trim(), recipients(m)])).toEqual([[`Mail 0 to ${to}`, "Text 0", [to]]]);
  expect(await deliverDue(at(now, 60 * MINUTE))).toEqual({ sent: 0, failed: 0, gaveUp: 0 });
});

test("a permanent refusal (5xx to the message) is given up at once, not retried for days", async () => {
  const { now, to, ids } = await queue();
  mailbox.refuse({ code: 550, message: "No such user" });
  expect(await deliverDue(now)).toEqual({ sent: 0, failed: 0, gaveUp: 1 });
  expect(await row(ids[0]!)).toEqual({ attempts: 1, nextAttemptAt: now, sentAt: null, failedAt: now, lastError: expect.stringContaining("550 No such user"), claimedUntil: null });
  mailbox.refuse(null);
  expect(await deliverDue(at(now, 24 * 60 * MINUTE))).toEqual({ sent: 0, failed: 0, gaveUp: 0 });
  expect(mailbox.to(to)).toEqual([]);
});

test(`transient failures are given up after ${MAX_ATTEMPTS} attempts`, async () => {
  const { now, to, ids } = await queue();
  mailbox.refuse({ code: 450, message: "Mailbox busy" });
  let t = now;
  for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
    expect(await deliverDue(t)).toEqual({ sent: 0, failed: 1, gaveUp: 0 });
    t = at(t, retryDelayMs(attempt));
    expect((await row(ids[0]!)).nextAttemptAt).toEqual(t);
  }
  expect(await deliverDue(t)).toEqual({ sent: 0, failed: 0, gaveUp: 1 });
  expect(await row(ids[0]!)).toMatchObject({ attempts: MAX_ATTEMPTS, failedAt: t });
  mailbox.refuse(null);
  expect(await deliverDue(at(t, 7 * 24 * 60 * MINUTE))).toEqual({ sent: 0, failed: 0, gaveUp: 0 });
  expect(mailbox.to(to)).toEqual([]);
});

test("a server that is down fails the first mail of the batch and leaves the rest unclaimed, untried", async () => {
  const { now, ids } = await queue(3);
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", resolve));
  const port = (dead.address() as { port: number }).port;
  await new Promise((resolve) => dead.close(resolve));
  const transport = smtpTransport(`smtp://127.0.0.1:${port}`, "tollgate@example.test");
  expect(await deliverDue(now, transport)).toEqual({ sent: 0, failed: 1, gaveUp: 0 });
  // All three are equally due (ties go by id, a random uuid): whichever went first is the one tried.
  const rows = await Promise.all(ids.map(row));
  const tried = rows.filter((r) => r.attempts > 0);
  expect(tried).toEqual([expect.objectContaining({ attempts: 1, lastError: expect.stringContaining("ECONNREFUSED"), claimedUntil: null })]);
  expect(rows.filter((r) => r.attempts === 0)).toEqual([1, 2].map(() => ({ attempts: 0, nextAttemptAt: now, sentAt: null, failedAt: null, lastError: null, claimedUntil: null })));
});

test("a server that hangs is given up on within the transport's timeouts, and the mail retried", async () => {
  const { now, ids } = await queue();
  const sockets: import("node:net").Socket[] = [];
  const silent: Server = createServer((socket) => void sockets.push(socket)); // accepts, never greets
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const transport = smtpTransport(`smtp://127.0.0.1:${(silent.address() as { port: number }).port}`, "tollgate@example.test", { connectionMs: 500, greetingMs: 500, socketMs: 1000 });
  const started = Date.now();
  expect(await deliverDue(now, transport)).toEqual({ sent: 0, failed: 1, gaveUp: 0 });
  expect(Date.now() - started).toBeLessThan(5000);
  expect(await row(ids[0]!)).toMatchObject({ attempts: 1, nextAttemptAt: at(now, MINUTE), lastError: expect.stringMatching(/greeting|timeout/i) });
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

test("a claim left by an instance that died is taken over once it expires, not before", async () => {
  const { now, to, ids } = await queue();
  const db = await prisma();
  await db.mailOutbox.update({ where: { id: ids[0]! }, data: { claimedUntil: at(now, CLAIM_MS) } });
  expect(await deliverDue(at(now, CLAIM_MS - 1))).toEqual({ sent: 0, failed: 0, gaveUp: 0 });
  expect(await deliverDue(at(now, CLAIM_MS + 1))).toEqual({ sent: 1, failed: 0, gaveUp: 0 });
  expect(mailbox.to(to)).toHaveLength(1);
});

test("two deliveries at once (two connections on PostgreSQL) send every mail exactly once", async () => {
  const { now, to } = await queue(45);
  const sentBy = [0, 0];
  const real = mailTransport();
  const counting = (i: number) => ({ ...real, send: async (mail: Parameters<typeof real.send>[0]) => void (await real.send(mail), sentBy[i]!++) });
  const results = await Promise.all([deliverDue(now, counting(0)), deliverDue(now, counting(1))]);
  expect(results[0]!.sent + results[1]!.sent).toBe(45);
  expect(sentBy[0]! + sentBy[1]!).toBe(45);
  const subjects = mailbox.to(to).map((m) => m.subject);
  expect(subjects).toHaveLength(45);
  expect(new Set(subjects).size).toBe(45);
  if (process.env.TEST_POSTGRES_URL) expect(Math.min(...sentBy)).toBeGreaterThan(0);
});

test("a poll's queries, with mail to send and without, are all counted as background work (no request waits for them)", async () => {
  const { now, to } = await queue(2);
  for (const [at, sent] of [[now, 2], [new Date(now.getTime() + MINUTE), 0]] as const) {
    const before = databaseStats();
    expect(await deliverDue(at)).toEqual({ sent, failed: 0, gaveUp: 0 });
    const after = databaseStats();
    expect(after.queries - before.queries).toBeGreaterThan(0);
    expect(after.backgroundQueries - before.backgroundQueries).toBe(after.queries - before.queries);
  }
  expect(mailbox.to(to).length).toBe(2);
});
