import { prisma } from "@/lib/db";
import { TooManyAttemptsError, ValidationError } from "@/lib/errors";
import { deliverDue } from "@/lib/mail/outbox";
import { createSession } from "@/lib/sessions/service";
import { hashSecret } from "@/lib/tokens/secret";
import { changePasswordWithLimits, completePasswordReset, requestPasswordResetWithLimits, resetRequestsIssued } from "@/lib/users/attempt-limits";
import { inspectResetLink, issuePasswordReset, resetPassword } from "@/lib/users/password-reset";
import { checkCredentials, findOrCreateExternalUser } from "@/lib/users/service";
import { useFreshDatabase } from "../helpers/database";
import { recipients, useMailbox } from "../helpers/smtp";
import { TEST_PASSWORD, createUser } from "../helpers/users";

/** "Forgot password?" and the reset link, with a pinned clock, on the real database and a real SMTP server. */
useFreshDatabase();

const SITE = "http://tollgate.test:3000";
const T0 = new Date("2031-03-01T12:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const HOUR = 3600_000;
const NEW_PASSWORD = "a brand new passphrase";
const CLIENT = { address: "198.51.100.7", key: "198.51.100.7", userAgent: "Reset test" };

const mailbox = useMailbox(SITE);

/** The secrets of every reset link queued for the account, oldest first, read from the mails' text. */
async function linksQueuedFor(userId: string): Promise<string[]> {
  const db = await prisma();
  const mails = await db.mailOutbox.findMany({ where: { userId, kind: "password.reset" }, orderBy: { createdAt: "asc" } });
  return mails.map((m) => /\/reset-password#([A-Za-z0-9_-]+)/.exec(m.text)![1]!);
}

async function eventsOf(userId: string) {
  const db = await prisma();
  const events = await db.auditEvent.findMany({ where: { targetUser: userId }, orderBy: { occurredAt: "asc" } });
  return events.map((e) => ({ action: e.action, details: e.details, ip: e.ip }));
}

async function traces(userId: string) {
  const db = await prisma();
  return {
    links: await db.passwordReset.count({ where: { userId } }),
    mails: await db.mailOutbox.count({ where: { userId } }),
    events: await db.auditEvent.count({ where: { targetUser: userId, action: { startsWith: "user.password" } } }),
  };
}

test("a real account is mailed a link whose secret is stored only as its keyed hash; the mail as received holds the link", async () => {
  const user = await createUser();
  expect(await issuePasswordReset(user.email, CLIENT, T0)).toBe("sent");
  const [secret] = await linksQueuedFor(user.id);
  expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes: 256 bits
  const db = await prisma();
  const rows = await db.passwordReset.findMany({ where: { userId: user.id } });
  expect(rows).toEqual([{ hash: hashSecret(secret!, Buffer.from(process.env.TOKEN_HASH_KEY!, "utf8")), userId: user.id, createdAt: T0, expiresAt: at(HOUR), usedAt: null }]);
  expect(rows[0]!.hash).not.toContain(secret);
  expect(await eventsOf(user.id)).toEqual([
    { action: "user.password_reset_requested", details: { expiresAt: "2031-03-01T13:00:00.000Z" }, ip: "198.51.100.7" },
  ]);
  // A mail only: nothing in the bell, where nobody signed out could read it.
  expect(await db.notification.count({ where: { userId: user.id } })).toBe(0);

  expect(await deliverDue(T0)).toEqual({ sent: 1, failed: 0, gaveUp: 0 });
  const mail = await mailbox.waitFor((m) => recipients(m).includes(user.email));
  expect(mail.subject).toBe("Reset your Tollgate password");
  expect(mail.text).toContain(`Someone asked to reset the password of the Tollgate account ${user.email}. The link below works once, until 2031-03-01 13:00 UTC.`);
  expect(mail.text).toContain(`Choose a new password: ${SITE}/reset-password#${secret}`);
  expect(mail.html).toContain(`href="${SITE}/reset-password#${secret}"`);
});

test("a link works until exactly one hour after it was sent, not a millisecond longer", async () => {
  const user = await createUser();
  await issuePasswordReset(user.email, null, T0);
  const [secret] = await linksQueuedFor(user.id);
  expect(await inspectResetLink(secret, at(HOUR - 1))).toEqual({ email: user.email });
  expect(await inspectResetLink(secret, at(HOUR))).toBeNull();
  expect(await resetPassword({ secret, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, null, at(HOUR))).toBeNull();
  expect(await checkCredentials({ email: user.email, password: TEST_PASSWORD })).toMatchObject({ id: user.id });
  expect(await resetPassword({ secret, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, null, at(HOUR - 1))).toEqual({ userId: user.id, email: user.email });
});

test("a reset sets the password, uses the link up with every other, ends every session, is recorded and tells the person", async () => {
  const user = await createUser();
  const other = await createUser();
  const db = await prisma();
  await createSession(user.id, CLIENT, T0);
  await createSession(user.id, CLIENT, T0);
  await createSession(other.id, CLIENT, T0);
  await issuePasswordReset(user.email, null, at(1));
  await issuePasswordReset(user.email, null, at(2));
  await issuePasswordReset(other.email, null, at(3));
  const [older, newer] = await linksQueuedFor(user.id);
  const [othersLink] = await linksQueuedFor(other.id);

  const now = at(10 * 60_000);
  expect(await resetPassword({ secret: newer, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, CLIENT, now)).toEqual({ userId: user.id, email: user.email });
  expect(await checkCredentials({ email: user.email, password: NEW_PASSWORD })).toMatchObject({ id: user.id });
  expect(await checkCredentials({ email: user.email, password: TEST_PASSWORD })).toBeNull();
  expect(await db.session.count({ where: { userId: user.id } })).toBe(0);
  expect(await db.session.count({ where: { userId: other.id } })).toBe(1);
  expect((await db.passwordReset.findMany({ where: { userId: user.id }, select: { usedAt: true } })).map((r) => r.usedAt)).toEqual([now, now]);

  // Used, and the older link with it; another person's link is untouched.
  for (const secret of [newer, older]) {
    expect(await inspectResetLink(secret, now)).toBeNull();
    expect(await resetPassword({ secret, newPassword: "yet another passphrase", confirmPassword: "yet another passphrase" }, null, now)).toBeNull();
  }
  expect(await inspectResetLink(othersLink, now)).toEqual({ email: other.email });
  expect(await checkCredentials({ email: user.email, password: NEW_PASSWORD })).toMatchObject({ id: user.id });

  expect((await eventsOf(user.id)).filter((e) => e.action === "user.password_reset")).toEqual([{ action: "user.password_reset", details: { sessionsEnded: 2 }, ip: "198.51.100.7" }]);
  expect(await db.notification.findMany({ where: { userId: user.id }, select: { kind: true, title: true, body: true, link: true } })).toEqual([
    {
      kind: "password.changed",
      title: "Your password was changed",
      body: "Your Tollgate password was reset with a link sent to this address at 2031-03-01 12:10 UTC, and every session was signed out. If you did not do this, reset your password at once.",
      link: "/settings/security-log",
    },
  ]);
  expect(await db.mailOutbox.count({ where: { userId: user.id, kind: "password.changed" } })).toBe(1);
});

test("two submissions of one link at once: one resets, the other is told the link no longer works", async () => {
  const user = await createUser();
  await issuePasswordReset(user.email, null, T0);
  const [secret] = await linksQueuedFor(user.id);
  const outcomes = await Promise.all(
    ["first passphrase!", "second passphrase"].map((password) => resetPassword({ secret, newPassword: password, confirmPassword: password }, null, at(1000))),
  );
  expect(outcomes.filter(Boolean)).toHaveLength(1);
  const db = await prisma();
  expect(await db.auditEvent.count({ where: { targetUser: user.id, action: "user.password_reset" } })).toBe(1);
});

test("unknown emails, disabled accounts and accounts without a password are sent nothing and leave no trace", async () => {
  const db = await prisma();
  const disabled = await createUser();
  await db.user.update({ where: { id: disabled.id }, data: { disabledAt: T0 } });
  const external = await findOrCreateExternalUser({ email: "only-github@example.com", name: "Octo" });
  const mailsBefore = await db.mailOutbox.count();

  expect(await issuePasswordReset("nobody-here@example.com", CLIENT, T0)).toBe("unknown");
  expect(await issuePasswordReset(disabled.email, CLIENT, T0)).toBe("disabled");
  expect(await issuePasswordReset(external.email, CLIENT, T0)).toBe("no_password");
  // Through the form's path too: the same (empty) answer for each, and nothing done.
  for (const email of ["nobody-here@example.com", disabled.email, external.email]) {
    expect(requestPasswordResetWithLimits({ email }, "203.0.113.50", T0)).toBeUndefined();
  }
  await resetRequestsIssued();
  expect(await db.mailOutbox.count()).toBe(mailsBefore);
  for (const account of [disabled, external]) expect(await traces(account.id)).toEqual({ links: 0, mails: 0, events: 0 });
});

test("a link stops working when its account is disabled", async () => {
  const user = await createUser();
  await issuePasswordReset(user.email, null, T0);
  const [secret] = await linksQueuedFor(user.id);
  const db = await prisma();
  await db.user.update({ where: { id: user.id }, data: { disabledAt: at(1) } });
  expect(await inspectResetLink(secret, at(2))).toBeNull();
  expect(await resetPassword({ secret, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, null, at(2))).toBeNull();
});

test("an account is sent at most five links an hour; the sixth request is answered the same and sends nothing", async () => {
  const user = await createUser();
  for (let i = 0; i < 5; i++) expect(await issuePasswordReset(user.email, null, at(i * 60_000))).toBe("sent");
  expect(await issuePasswordReset(user.email, null, at(HOUR - 1))).toBe("limited");
  expect(await traces(user.id)).toEqual({ links: 5, mails: 5, events: 5 });
  // The first link's hour is over at T0 + 1 h: one place is free again, and only one.
  expect(await issuePasswordReset(user.email, null, at(HOUR))).toBe("sent");
  expect(await issuePasswordReset(user.email, null, at(HOUR))).toBe("limited");
  expect(await traces(user.id)).toEqual({ links: 6, mails: 6, events: 6 });
});

test("an address may ask ten times an hour, for any emails; the eleventh is refused with how long to wait, others go on", async () => {
  const user = await createUser();
  const address = "192.0.2.99";
  for (let i = 0; i < 9; i++) requestPasswordResetWithLimits({ email: `someone-${i}@example.com` }, address);
  requestPasswordResetWithLimits({ email: user.email }, address);
  let refusal: unknown;
  try {
    requestPasswordResetWithLimits({ email: user.email }, address);
  } catch (error) {
    refusal = error;
  }
  expect(refusal).toBeInstanceOf(TooManyAttemptsError);
  expect((refusal as Error).message).toBe("Too many reset requests from your network. Try again in 60 minutes.");
  expect(() => requestPasswordResetWithLimits({ email: user.email }, "192.0.2.100")).not.toThrow();
  await resetRequestsIssued();
  expect((await traces(user.id)).links).toBe(2);
});

test("a malformed email is refused by validation and counts against nobody; a short new password is refused and leaves the link working", async () => {
  expect(() => requestPasswordResetWithLimits({ email: "not an email" }, "192.0.2.1")).toThrow(ValidationError);
  for (let i = 0; i < 10; i++) requestPasswordResetWithLimits({ email: `n${i}@example.com` }, "192.0.2.1");
  await resetRequestsIssued();

  const user = await createUser();
  await issuePasswordReset(user.email, null, T0);
  const [secret] = await linksQueuedFor(user.id);
  await expect(resetPassword({ secret, newPassword: "short", confirmPassword: "short" }, null, at(1))).rejects.toMatchObject({
    fieldErrors: { newPassword: ["Use at least 10 characters."] },
  });
  await expect(resetPassword({ secret, newPassword: NEW_PASSWORD, confirmPassword: "something else" }, null, at(1))).rejects.toMatchObject({
    fieldErrors: { confirmPassword: ["The two new passwords are not the same."] },
  });
  expect(await inspectResetLink(secret, at(2))).toEqual({ email: user.email });
  for (const junk of [undefined, 42, "", "x".repeat(43), "../../etc/passwd", secret + "A"]) {
    expect(await inspectResetLink(junk, at(2))).toBeNull();
    expect(await resetPassword({ secret: junk, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, null, at(2))).toBeNull();
  }
});

test("a reset lifts the account's sign-in pause on this instance", async () => {
  const { signInWithLimits } = await import("@/lib/users/attempt-limits");
  const user = await createUser();
  for (let i = 0; i < 10; i++) expect(await signInWithLimits({ email: user.email, password: "wrong password" }, `198.51.100.${i}`)).toBeNull();
  await expect(signInWithLimits({ email: user.email, password: TEST_PASSWORD }, "198.51.100.200")).rejects.toBeInstanceOf(TooManyAttemptsError);
  await issuePasswordReset(user.email, null);
  const [secret] = await linksQueuedFor(user.id);
  expect(await completePasswordReset({ secret, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, "198.51.100.201")).toEqual({ userId: user.id, email: user.email });
  expect(await signInWithLimits({ email: user.email, password: NEW_PASSWORD }, "198.51.100.202")).toMatchObject({ id: user.id });
});

test("changing the password on the account page tells the person, in the app and by mail, in the change's transaction", async () => {
  const user = await createUser();
  const db = await prisma();
  const keep = await createSession(user.id, CLIENT, T0);
  await createSession(user.id, CLIENT, T0);
  await changePasswordWithLimits(user, keep, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, CLIENT);
  const [notice] = await db.notification.findMany({ where: { userId: user.id } });
  expect(notice).toMatchObject({ kind: "password.changed", title: "Your password was changed", link: "/settings/security-log" });
  expect(notice!.body).toMatch(/^Your Tollgate password was changed at \d{4}-\d\d-\d\d \d\d:\d\d UTC, and your other sessions were ended\. If you did not do this, reset your password at once\.$/);
  const [mail] = await db.mailOutbox.findMany({ where: { userId: user.id } });
  expect(mail).toMatchObject({ kind: "password.changed", to: user.email, subject: "Your password was changed" });
  expect(mail!.text).toContain(`See your security log: ${SITE}/settings/security-log`);
  expect(mail!.text).toContain(`Reset your password: ${SITE}/forgot-password`);

  // A wrong current password changes nothing and tells nobody.
  await expect(changePasswordWithLimits(user, keep, { currentPassword: "not it at all", newPassword: "another passphrase", confirmPassword: "another passphrase" }, CLIENT)).rejects.toBeInstanceOf(ValidationError);
  expect(await db.notification.count({ where: { userId: user.id } })).toBe(1);
});
