import { adminActor } from "@/lib/admin/actor";
import { prisma } from "@/lib/db";
import { deliverDue } from "@/lib/mail/outbox";
import { createToken, revokeTokenAsAdmin } from "@/lib/tokens/service";
import { UsageRecorder } from "@/lib/tokens/usage";
import { useFreshDatabase } from "../helpers/database";
import { recipients, useMailbox } from "../helpers/smtp";
import { createUser } from "../helpers/users";

/** The notices of an administrator's revocation and of a new address, as the owner receives them. */
useFreshDatabase();

const SITE = "http://tollgate.test:3000";
const mailbox = useMailbox(SITE);
jest.setTimeout(60_000);

const NOW = new Date("2031-05-01T12:00:00.000Z");
const client = { address: "192.0.2.9", key: "192.0.2.9", userAgent: "Admin browser" };

async function ownerWithToken(name: string) {
  const owner = await createUser({ scopes: ["tokens:read"] });
  const { token } = await createToken(owner.id, { name, scopes: ["tokens:read"] }, NOW);
  return { owner, token };
}

test("an administrator's revocation tells the owner once, in the app and by mail, with the reason and the token's links", async () => {
  const admin = await createUser();
  const { owner, token } = await ownerWithToken("CI <deploy>");
  await revokeTokenAsAdmin(adminActor(admin, client), token.guid, { reason: "Posted in a public issue" }, NOW);
  // A second revocation fails (already revoked) and tells nobody.
  await expect(revokeTokenAsAdmin(adminActor(admin, client), token.guid, { reason: "Again" }, NOW)).rejects.toThrow();

  const db = await prisma();
  expect(await db.notification.findMany({ where: { userId: owner.id }, select: { kind: true, title: true, body: true, link: true, tokenGuid: true } })).toEqual([
    {
      kind: "token.revoked_by_admin",
      title: "An administrator revoked your token “CI <deploy>”",
      body: "The reason given: Posted in a public issue It no longer works.",
      link: `/settings/tokens/${token.guid}`,
      tokenGuid: token.guid,
    },
  ]);
  expect(await deliverDue(NOW)).toEqual({ sent: 1, failed: 0, gaveUp: 0 });
  const mails = mailbox.to(owner.email);
  expect(mails).toHaveLength(1);
  const mail = mails[0]!;
  expect(recipients(mail)).toEqual([owner.email]);
  expect(mail.subject).toBe("An administrator revoked your token “CI <deploy>”");
  expect(mail.text).toContain("The reason given: Posted in a public issue");
  expect(mail.text).toContain(`Open the token: ${SITE}/settings/tokens/${token.guid}`);
  expect(mail.text).toContain(`Create a similar token: ${SITE}/settings/tokens?similar=${token.guid}`);
  expect(mail.html).toContain("CI &lt;deploy&gt;");
  expect(mail.html).toContain(`href="${SITE}/settings/tokens/${token.guid}"`);
});

test("a revocation that fails (the reason missing) tells nobody", async () => {
  const admin = await createUser();
  const { owner, token } = await ownerWithToken("Kept");
  await expect(revokeTokenAsAdmin(adminActor(admin, client), token.guid, { reason: "" }, NOW)).rejects.toThrow();
  const db = await prisma();
  expect(await db.notification.count({ where: { userId: owner.id } })).toBe(0);
  expect(await db.mailOutbox.count({ where: { userId: owner.id } })).toBe(0);
});

test("a new address is told once to an owner who asked, never to one who did not; an address seen again is not new", async () => {
  const asked = await ownerWithToken("Build bot");
  const silent = await ownerWithToken("Quiet bot");
  const db = await prisma();
  await db.user.update({ where: { id: asked.owner.id }, data: { notifyNewAddress: true } });
  const used = (t: typeof asked) => ({ guid: t.token.guid, name: t.token.name, userId: t.owner.id, userEmail: t.owner.email });
  const at = new Date("2031-05-01T12:30:00.000Z");

  // Two recorders (two instances) see the same new address; a later flush sees it again.
  const first = new UsageRecorder();
  const second = new UsageRecorder();
  for (const recorder of [first, second]) {
    recorder.record(used(asked), { at, ip: "203.0.113.5", userAgent: "curl/8.5" });
    recorder.record(used(silent), { at, ip: "203.0.113.6", userAgent: "curl/8.5" });
  }
  await Promise.all([first.flush(), second.flush()]);
  first.record(used(asked), { at: new Date(at.getTime() + 60_000), ip: "203.0.113.5", userAgent: "curl/8.5" });
  await first.flush();

  expect(await db.notification.findMany({ where: { userId: { in: [asked.owner.id, silent.owner.id] } }, select: { userId: true, kind: true, title: true, tokenGuid: true, createdAt: true } })).toEqual([
    { userId: asked.owner.id, kind: "token.new_address", title: "Your token “Build bot” was used from a new address", tokenGuid: asked.token.guid, createdAt: at },
  ]);
  expect(await db.mailOutbox.count({ where: { userId: silent.owner.id } })).toBe(0);
  expect(await deliverDue(at)).toEqual({ sent: 1, failed: 0, gaveUp: 0 });
  expect(mailbox.to(silent.owner.email)).toEqual([]);
  const mails = mailbox.to(asked.owner.email);
  expect(mails).toHaveLength(1);
  expect(mails[0]!.subject).toBe("Your token “Build bot” was used from a new address");
  expect(mails[0]!.text).toContain("203.0.113.5 (curl/8.5), at 2031-05-01 12:30 UTC.");
  expect(mails[0]!.text).toContain(`Rotate: ${SITE}/settings/tokens/${asked.token.guid}?rotate=1`);
  expect(mails[0]!.html).toContain(`href="${SITE}/settings/tokens/${asked.token.guid}"`);
});
