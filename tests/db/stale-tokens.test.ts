import { latestEvents } from "@/lib/audit/query";
import { prisma } from "@/lib/db";
import { runMaintenance } from "@/lib/jobs/maintenance";
import { deliverDue } from "@/lib/mail/outbox";
import { createToken, getToken } from "@/lib/tokens/service";
import { verifySecret } from "@/lib/tokens/verify";
import { useFreshDatabase } from "../helpers/database";
import { useMailbox } from "../helpers/smtp";
import { createUser } from "../helpers/users";

/** The stale-token policy, swept by the maintenance job with the clock in the test's hand; mail read from a real SMTP server. */
useFreshDatabase();
jest.setTimeout(30_000);

const DAY = 86_400_000;
const SITE = "http://tollgate.test:3000";
const SETTINGS = { auditRetentionDays: 400, usageRetentionDays: 90 };
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

const mailbox = useMailbox(SITE);

// Each test in its own stretch of time, with only its own tokens (the sweep reads every token).
let era = 0;
async function fresh(policyDays: number | null): Promise<Date> {
  const db = await prisma();
  await db.token.deleteMany();
  await db.deploymentSettings.upsert({ where: { id: 1 }, create: { id: 1, revokeUnusedAfterDays: policyDays }, update: { revokeUnusedAfterDays: policyDays } });
  const base = new Date(Date.UTC(2032, 0, 1) + era++ * 2000 * DAY);
  await db.jobsState.upsert({ where: { id: 1 }, create: { id: 1, eventsThrough: base }, update: { eventsThrough: base } });
  return base;
}

async function tokenAt(created: Date, name = "Nightly backup") {
  const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
  const { token, secret } = await createToken(user.id, { name, scopes: ["tokens:read"], validTo: null }, created);
  // The service leaves created_at to the database's clock; the test's clock is pinned.
  await (await prisma()).token.update({ where: { guid: token.guid }, data: { createdAt: created } });
  return { user, guid: token.guid, secret };
}

const useAt = async (guid: string, when: Date) => (await prisma()).token.update({ where: { guid }, data: { lastUsedAt: when } });
const sweep = async (now: Date) => (await runMaintenance(now, { settings: SETTINGS }))!.stale;
// The policy's own notices (the reminders before expiry run in the same job).
const notices = async (userId: string) =>
  (await prisma()).notification.findMany({ where: { userId, kind: { in: ["token.unused_warning", "token.revoked_unused"] } }, orderBy: { createdAt: "asc" }, select: { kind: true, title: true, link: true, createdAt: true } });

test("a token unused for N − 7 days is warned once; at N days, a week after the warning, the system revokes it: event, notice and mail once, refused at once", async () => {
  const base = await fresh(90);
  const { user, guid, secret } = await tokenAt(base, "Nightly <backup>");
  const used = at(base, 10 * DAY);
  await useAt(guid, used);
  expect((await verifySecret(secret, at(used, 82 * DAY))).ok).toBe(true);

  expect(await sweep(at(used, 83 * DAY - 1))).toEqual({ warned: 0, revoked: 0 });
  const warnedAt = at(used, 83 * DAY);
  expect(await sweep(warnedAt)).toEqual({ warned: 1, revoked: 0 });
  expect(await sweep(at(warnedAt, 3600_000))).toEqual({ warned: 0, revoked: 0 });
  expect(await notices(user.id)).toEqual([
    { kind: "token.unused_warning", title: "Your token “Nightly <backup>” will be revoked for going unused", link: `/settings/tokens/${guid}`, createdAt: warnedAt },
  ]);
  expect(await deliverDue(warnedAt)).toMatchObject({ sent: 1 });
  const warning = await mailbox.waitFor((m) => m.subject === "Your token “Nightly <backup>” will be revoked for going unused");
  expect(warning.text).toContain("Tokens unused for 90 days are revoked here. This one will be at 2032-04-10 00:00 UTC unless it is used before then.");
  expect(warning.text).toContain(`Rotate: ${SITE}/settings/tokens/${guid}?rotate=1`);
  expect(warning.html).toContain("Nightly &lt;backup&gt;");
  expect(warning.html).toContain(`href="${SITE}/settings/tokens/${guid}"`);

  const due = at(used, 90 * DAY);
  expect(due.toISOString()).toBe("2032-04-10T00:00:00.000Z");
  expect(await sweep(at(due, -1))).toEqual({ warned: 0, revoked: 0 });
  expect((await verifySecret(secret, at(due, -1))).ok).toBe(true);
  expect(await sweep(due)).toEqual({ warned: 0, revoked: 1 });
  expect(await sweep(at(due, DAY))).toEqual({ warned: 0, revoked: 0 });

  expect(await getToken(user.id, guid, at(due, 1))).toMatchObject({
    status: "revoked",
    revokedAt: due,
    revokedBy: "system",
    revocationReason: "Not used for 90 days: the administrators' policy revokes unused tokens.",
  });
  expect(await verifySecret(secret, at(due, 1))).toMatchObject({ ok: false });
  expect(await latestEvents({ targetToken: guid, actions: ["token.revoked_unused"] })).toEqual([
    expect.objectContaining({
      occurredAt: due.toISOString(),
      action: "token.revoked_unused",
      actor: { kind: "system", userId: null, label: null, tokenGuid: null },
      target: { userId: user.id, tokenGuid: guid, scope: null },
      details: { name: "Nightly <backup>", lastUsedAt: used.toISOString(), days: 90 },
    }),
  ]);
  expect((await notices(user.id)).map((n) => [n.kind, n.title])).toEqual([
    ["token.unused_warning", "Your token “Nightly <backup>” will be revoked for going unused"],
    ["token.revoked_unused", "Your token “Nightly <backup>” was revoked for going unused"],
  ]);
  expect(await deliverDue(due)).toMatchObject({ sent: 1 });
  const revoked = await mailbox.waitFor((m) => m.subject === "Your token “Nightly <backup>” was revoked for going unused");
  expect(revoked.text).toContain("It had not been used for 90 days.");
  expect(revoked.text).toContain(`Create a similar token: ${SITE}/settings/tokens?similar=${guid}`);
  expect(revoked.text).not.toContain("Rotate:");
  expect(mailbox.to(user.email)).toHaveLength(2);
});

test("a use between the warning and the revocation cancels it; the next stretch of disuse is warned afresh", async () => {
  const base = await fresh(30);
  const { user, guid } = await tokenAt(base);
  expect(await sweep(at(base, 23 * DAY))).toEqual({ warned: 1, revoked: 0 });
  const used = at(base, 25 * DAY);
  await useAt(guid, used);
  expect(await sweep(at(base, 30 * DAY))).toEqual({ warned: 0, revoked: 0 });
  expect(await sweep(at(base, 40 * DAY))).toEqual({ warned: 0, revoked: 0 });
  expect((await getToken(user.id, guid, at(base, 40 * DAY))).status).toBe("active");
  expect(await sweep(at(used, 23 * DAY))).toEqual({ warned: 1, revoked: 0 });
  expect(await sweep(at(used, 30 * DAY))).toEqual({ warned: 0, revoked: 1 });
  expect((await notices(user.id)).map((n) => n.kind)).toEqual(["token.unused_warning", "token.unused_warning", "token.revoked_unused"]);
});

test("a never-used token counts from its creation; exactly N − 7 and N days are the boundaries", async () => {
  const base = await fresh(30);
  const { user, guid } = await tokenAt(base);
  const { guid: younger } = await tokenAt(at(base, 1));
  expect(await sweep(at(base, 23 * DAY))).toEqual({ warned: 1, revoked: 0 });
  expect(await sweep(at(base, 23 * DAY + 1))).toEqual({ warned: 1, revoked: 0 });
  expect(await sweep(at(base, 30 * DAY))).toEqual({ warned: 0, revoked: 1 });
  expect((await getToken(user.id, guid, at(base, 30 * DAY))).status).toBe("revoked");
  const db = await prisma();
  expect((await db.token.findUniqueOrThrow({ where: { guid: younger } })).revokedAt).toBeNull();
  expect(await sweep(at(base, 30 * DAY + 1))).toEqual({ warned: 0, revoked: 1 });
});

test("a policy switched on over tokens already past N warns them first, and revokes only 7 days after the warning", async () => {
  const base = await fresh(null);
  const { user, guid } = await tokenAt(base);
  const now = at(base, 400 * DAY);
  expect(await sweep(now)).toEqual({ warned: 0, revoked: 0 });
  await (await prisma()).deploymentSettings.update({ where: { id: 1 }, data: { revokeUnusedAfterDays: 365 } });
  expect(await sweep(now)).toEqual({ warned: 1, revoked: 0 });
  expect(await sweep(at(now, 7 * DAY - 1))).toEqual({ warned: 0, revoked: 0 });
  expect(await sweep(at(now, 7 * DAY))).toEqual({ warned: 0, revoked: 1 });
  const [warning] = await (await prisma()).notification.findMany({ where: { userId: user.id, kind: "token.unused_warning" } });
  expect(warning!.body).toContain(`This one will be at ${at(now, 7 * DAY).toISOString().slice(0, 16).replace("T", " ")} UTC`);
  expect((await getToken(user.id, guid, at(now, 8 * DAY))).status).toBe("revoked");
});

test("with the policy off nothing is warned or revoked, a warned token included; revoked, expired and expiring tokens are left alone", async () => {
  const base = await fresh(30);
  const { user, guid } = await tokenAt(base);
  const user2 = await createUser({ scopes: ["tokens:read"] });
  const { token: ending } = await createToken(user2.id, { name: "Ends first", scopes: ["tokens:read"], validTo: at(base, 29 * DAY).toISOString() }, base);
  await (await prisma()).token.update({ where: { guid: ending.guid }, data: { createdAt: base } });
  expect(await sweep(at(base, 23 * DAY))).toEqual({ warned: 1, revoked: 0 });
  await (await prisma()).deploymentSettings.update({ where: { id: 1 }, data: { revokeUnusedAfterDays: null } });
  expect(await sweep(at(base, 60 * DAY))).toEqual({ warned: 0, revoked: 0 });
  expect((await getToken(user.id, guid, at(base, 60 * DAY))).status).toBe("active");
  expect(await notices(user2.id)).toEqual([]);
  expect((await getToken(user2.id, ending.guid, at(base, 60 * DAY))).status).toBe("expired");
});
