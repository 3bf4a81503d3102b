import { latestEvents } from "@/lib/audit/query";
import { prisma } from "@/lib/db";
import { createToken } from "@/lib/tokens/service";
import { apiClient } from "./http";
import { createTestDatabase, startServer, type TestDatabase } from "../helpers/server";
import { startSmtp, type Mailbox } from "../helpers/smtp";
import { createUser } from "../helpers/users";

jest.setTimeout(180_000);

/**
 * The stale-token policy on a running server: its own maintenance timer revokes a token unused for
 * 100 days (warned 10 days ago) under a 90-day policy; the owner's mail arrives and the secret is
 * refused over HTTP. The token is never used in between, which would cancel the revocation.
 */
const DAY = 86_400_000;
let database: TestDatabase;
let mailbox: Mailbox;
afterAll(async () => {
  await mailbox?.stop();
  await database?.drop();
});

test("a warned token past the policy is revoked by the server's job: mail received, 401 afterwards, the event once", async () => {
  mailbox = await startSmtp();
  database = await createTestDatabase();
  const seeded = await database.use(async () => {
    const now = Date.now();
    const owner = await createUser({ scopes: ["tokens:read"] });
    const { token, secret } = await createToken(owner.id, { name: "Old cron job", scopes: ["tokens:read"], validTo: null });
    const other = await createToken(owner.id, { name: "In use", scopes: ["tokens:read"], validTo: null });
    const db = await prisma();
    await db.token.update({
      where: { guid: token.guid },
      data: { createdAt: new Date(now - 200 * DAY), lastUsedAt: new Date(now - 100 * DAY), unusedWarnedAt: new Date(now - 10 * DAY) },
    });
    await db.deploymentSettings.upsert({ where: { id: 1 }, create: { id: 1, revokeUnusedAfterDays: 90 }, update: { revokeUnusedAfterDays: 90 } });
    return { owner: owner.email, ownerId: owner.id, guid: token.guid, secret, otherSecret: other.secret };
  });

  const server = await startServer({ database, env: { SMTP_URL: mailbox.url, MAINTENANCE_INTERVAL_SECONDS: "0.2", MAIL_POLL_SECONDS: "0.2" } });
  try {
    const mail = await mailbox.waitFor((m) => m.subject === "Your token “Old cron job” was revoked for going unused");
    expect(mail.text).toContain("It had not been used for 90 days.");
    expect(mail.text).toContain(`Create a similar token: ${server.baseUrl}/settings/tokens?similar=${seeded.guid}`);
    const call = apiClient(server.baseUrl);
    const refused = await call("GET", "/api/v1/me", { token: seeded.secret });
    expect([refused.status, refused.body?.error?.code]).toEqual([401, "invalid_token"]);
    // The owner reads it with their other token (created just now, so not stale).
    expect((await call("GET", `/api/v1/tokens/${seeded.guid}`, { token: seeded.otherSecret })).body).toMatchObject({
      status: "revoked",
      revokedBy: "system",
      revocationReason: "Not used for 90 days: the administrators' policy revokes unused tokens.",
    });
  } finally {
    await server.stop();
  }
  expect(server.output()).not.toMatch(/Maintenance failed/);
  await database.use(async () => {
    const events = await latestEvents({ targetToken: seeded.guid, actions: ["token.revoked_unused"] });
    expect(events.map((e) => [e.actor.kind, e.details.days, e.details.name])).toEqual([["system", 90, "Old cron job"]]);
  });
  expect(mailbox.to(seeded.owner)).toHaveLength(1);
});
