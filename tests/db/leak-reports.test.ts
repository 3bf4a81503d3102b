import { prisma } from "@/lib/db";
import type { Client } from "@/lib/client";
import { deliverDue } from "@/lib/mail/outbox";
import { LEAK_REVOCATION_REASON, parseLeakReport, processLeakReport } from "@/lib/tokens/leaks";
import { generateSecret } from "@/lib/tokens/secret";
import { createToken, getToken, revokeToken, rotateToken } from "@/lib/tokens/service";
import { verifySecret } from "@/lib/tokens/verify";
import { useFreshDatabase } from "../helpers/database";
import { recipients, useMailbox } from "../helpers/smtp";
import { createUser } from "../helpers/users";

/** A leak report, worked through on the database: what it revokes, records and tells, once. */
useFreshDatabase();

const NOW = new Date("2031-05-01T12:00:00.000Z");
const HOUR = 3_600_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);
const reporter: Client = { address: "203.0.113.9", key: "203.0.113.9", userAgent: "scan-secrets.mjs" };

const mailbox = useMailbox();

const report = (credentials: string[], source?: string) => parseLeakReport({ credentials, ...(source && { source }) });

test("a real active token is revoked with the reason, recorded once as the system with the reporter's address, its owner told once; the report row keeps counts, never secrets", async () => {
  const owner = await createUser();
  const leaked = await createToken(owner.id, { name: "Gist <deploy>", scopes: ["tokens:read"] }, at(-HOUR));
  const kept = await createToken(owner.id, { name: "Untouched", scopes: ["tokens:read"] }, at(-HOUR));
  // Cached as valid first, so that the revocation must reach the verification cache.
  expect((await verifySecret(leaked.secret, NOW)).ok).toBe(true);
  const source = "https://gist.example/someone/abc";

  const first = await processLeakReport(report([leaked.secret, leaked.secret, "tgp_not-a-secret", generateSecret()], source), reporter, NOW);
  expect(first.revoked).toEqual([leaked.token.guid]);
  expect(await verifySecret(leaked.secret, NOW)).toEqual({ ok: false, reason: "revoked" });
  expect((await verifySecret(kept.secret, NOW)).ok).toBe(true);
  expect(await getToken(owner.id, leaked.token.guid, NOW)).toMatchObject({ status: "revoked", revokedAt: NOW, validTo: NOW, revokedBy: "system", revocationReason: LEAK_REVOCATION_REASON });

  // Reported again (alone and beside another real one): nothing more for the first.
  const again = await processLeakReport(report([leaked.secret]), reporter, at(1000));
  expect(again.revoked).toEqual([]);

  const db = await prisma();
  const events = await db.auditEvent.findMany({ where: { action: "token.reported_leaked" }, select: { actorKind: true, actorUserId: true, targetUser: true, targetToken: true, ip: true, userAgent: true, details: true, occurredAt: true } });
  expect(events).toEqual([
    {
      actorKind: "system",
      actorUserId: null,
      targetUser: owner.id,
      targetToken: leaked.token.guid,
      ip: "203.0.113.9",
      userAgent: "scan-secrets.mjs",
      details: { name: "Gist <deploy>", reportId: first.reportId, source },
      occurredAt: NOW,
    },
  ]);
  expect(await db.leakReport.findMany({ orderBy: { receivedAt: "asc" } })).toEqual([
    { id: first.reportId, receivedAt: NOW, ip: "203.0.113.9", userAgent: "scan-secrets.mjs", source, submitted: 4, revoked: 1 },
    { id: again.reportId, receivedAt: at(1000), ip: "203.0.113.9", userAgent: "scan-secrets.mjs", source: null, submitted: 1, revoked: 0 },
  ]);
  expect(await db.notification.findMany({ where: { userId: owner.id }, select: { kind: true, tokenGuid: true, title: true } })).toEqual([
    { kind: "token.leaked", tokenGuid: leaked.token.guid, title: "Your token “Gist <deploy>” was reported as leaked and revoked" },
  ]);

  expect(await deliverDue(at(2000))).toEqual({ sent: 1, failed: 0, gaveUp: 0 });
  const mail = await mailbox.waitFor((m) => recipients(m).includes(owner.email));
  expect(mail.subject).toBe("Your token “Gist <deploy>” was reported as leaked and revoked");
  expect(mail.text).toContain(`Someone found its secret (${source}) and reported it.`);
  expect(mail.text).toContain(`Create a similar token: http://tollgate.test:3000/settings/tokens?similar=${leaked.token.guid}`);
  expect(mail.html).toContain("Gist &lt;deploy&gt;");
  expect(mail.text).not.toContain(leaked.secret);
  expect(mailbox.to(owner.email)).toHaveLength(1);
});

test("revoked, expired and unknown secrets change nothing; a scheduled token is revoked before it can start", async () => {
  const owner = await createUser();
  const revoked = await createToken(owner.id, { name: "Revoked", scopes: ["tokens:read"] }, at(-2 * HOUR));
  await revokeToken(owner.id, revoked.token.guid, at(-HOUR));
  const expired = await createToken(owner.id, { name: "Expired", scopes: ["tokens:read"], validTo: at(-HOUR).toISOString() }, at(-2 * HOUR));
  const scheduled = await createToken(owner.id, { name: "Later", scopes: ["tokens:read"], validFrom: at(HOUR).toISOString() }, NOW);

  const result = await processLeakReport(report([revoked.secret, expired.secret, scheduled.secret, generateSecret()]), reporter, NOW);
  expect(result.revoked).toEqual([scheduled.token.guid]);
  expect(await getToken(owner.id, revoked.token.guid, NOW)).toMatchObject({ status: "revoked", revokedAt: at(-HOUR), revokedBy: "owner", revocationReason: null });
  expect(await getToken(owner.id, expired.token.guid, NOW)).toMatchObject({ status: "expired", revokedAt: null, revocationReason: null });
  expect(await getToken(owner.id, scheduled.token.guid, at(2 * HOUR))).toMatchObject({ status: "revoked", revocationReason: LEAK_REVOCATION_REASON });
  expect(await (await prisma()).leakReport.findUnique({ where: { id: result.reportId }, select: { submitted: true, revoked: true } })).toEqual({ submitted: 4, revoked: 1 });
});

test("a secret a rotation replaced revokes its token during the overlap, and nothing once the overlap has ended; two secrets of one token revoke it once", async () => {
  const owner = await createUser();
  const first = await createToken(owner.id, { name: "Overlapping", scopes: ["tokens:read"] }, at(-HOUR));
  const rotated = await rotateToken(owner.id, first.token.guid, { overlapSeconds: 3600 }, NOW);
  const done = await createToken(owner.id, { name: "Rotated long ago", scopes: ["tokens:read"] }, at(-3 * HOUR));
  await rotateToken(owner.id, done.token.guid, { overlapSeconds: 60 }, at(-2 * HOUR));

  const result = await processLeakReport(report([first.secret, rotated.secret, done.secret]), reporter, at(1000));
  expect(result.revoked).toEqual([first.token.guid]);
  expect(await getToken(owner.id, done.token.guid, at(1000))).toMatchObject({ status: "active" });
  expect(await (await prisma()).auditEvent.count({ where: { action: "token.reported_leaked", targetToken: first.token.guid } })).toBe(1);
});

test("the report's shape: 1 to 1,000 strings, a source of at most 2,048 characters, nothing else", () => {
  const fields = (input: unknown) => {
    try {
      parseLeakReport(input);
      return null;
    } catch (error) {
      return Object.keys((error as { fieldErrors: object }).fieldErrors);
    }
  };
  expect(fields({ credentials: Array(1000).fill("x"), source: "s".repeat(2048) })).toBeNull();
  expect(fields({ credentials: [] })).toEqual(["credentials"]);
  expect(fields({ credentials: Array(1001).fill("x") })).toEqual(["credentials"]);
  expect(fields({ credentials: ["x", 1] })).toEqual(["credentials"]);
  expect(fields({ credentials: ["x"], source: "s".repeat(2049) })).toEqual(["source"]);
  expect(fields({ credentials: ["x"], secrets: [] })).not.toBeNull();
  expect(fields({})).toEqual(["credentials"]);
});
