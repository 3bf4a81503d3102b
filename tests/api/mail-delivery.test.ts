import { prisma } from "@/lib/db";
import { createToken } from "@/lib/tokens/service";
import { apiClient } from "./http";
import { createTestDatabase, freePort, startServer, type TestDatabase } from "../helpers/server";
import { createUser } from "../helpers/users";

jest.setTimeout(120_000);

/**
 * Mail on a running server without a mail server to reach: with no SMTP_URL (the embedded quick
 * start) the mail is written to the server log and the notice is in the app; with an SMTP_URL
 * nobody listens on, the request that queued the mail answers as ever and the mail waits in the
 * outbox for its retry. A leak report is the change that tells (it needs no sign-in).
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

function seeded() {
  return database.use(async () => {
    const owner = await createUser({ scopes: ["tokens:read"] });
    const { token, secret } = await createToken(owner.id, { name: "Pasted in a chat", scopes: ["tokens:read"] });
    return { ownerId: owner.id, email: owner.email, guid: token.guid, secret };
  });
}

async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const SUBJECT = "Your token “Pasted in a chat” was reported as leaked and revoked";

test("without SMTP_URL the mail goes to the server log, links and all, and the notice is in the app", async () => {
  const seed = await seeded();
  const server = await startServer({ database, env: { MAIL_POLL_SECONDS: "0.2" } });
  try {
    const reply = await apiClient(server.baseUrl)("POST", "/api/v1/credentials/revoke", { body: { credentials: [seed.secret] } });
    expect(reply.status).toBe(202);
    const logged = await until("the mail in the log", () => server.output().includes(`Mail (no SMTP_URL set) to ${seed.email}: ${SUBJECT}`));
    expect(logged).toBe(true);
    expect(server.output()).toContain(`Open the token: ${server.baseUrl}/settings/tokens/${seed.guid}`);
  } finally {
    await server.stop();
  }
  await database.use(async () => {
    const db = await prisma();
    expect(await db.notification.findMany({ where: { userId: seed.ownerId }, select: { kind: true, title: true, readAt: true } })).toEqual([
      { kind: "token.leaked", title: SUBJECT, readAt: null },
    ]);
    expect(await db.mailOutbox.findMany({ where: { userId: seed.ownerId }, select: { kind: true, attempts: true, failedAt: true, sentAt: true } })).toEqual([
      { kind: "token.leaked", attempts: 1, failedAt: null, sentAt: expect.any(Date) },
    ]);
  });
});

test("with a mail server that is down, the request answers as ever and the mail waits for its retry", async () => {
  const seed = await seeded();
  const deadPort = await freePort();
  const server = await startServer({ database, env: { SMTP_URL: `smtp://127.0.0.1:${deadPort}`, MAIL_POLL_SECONDS: "0.2" } });
  try {
    const call = apiClient(server.baseUrl);
    expect((await call("POST", "/api/v1/credentials/revoke", { body: { credentials: [seed.secret] } })).status).toBe(202);
    await until("the failed attempt", () => server.output().includes("could not be sent and will be retried"));
    // Other requests go on meanwhile: the revocation holds.
    expect((await call("GET", "/api/v1/me", { token: seed.secret })).status).toBe(401);
  } finally {
    await server.stop();
  }
  await database.use(async () => {
    const [mail] = await (await prisma()).mailOutbox.findMany({ where: { userId: seed.ownerId } });
    expect(mail).toMatchObject({ kind: "token.leaked", attempts: 1, sentAt: null, failedAt: null, claimedUntil: null, lastError: expect.stringMatching(/ECONNREFUSED/) });
    // The next attempt is a minute later (the backoff's first step), not at the next poll.
    expect(mail!.nextAttemptAt.getTime()).toBeGreaterThan(mail!.createdAt.getTime() + 50_000);
  });
});
