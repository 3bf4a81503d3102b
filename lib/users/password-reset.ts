import "server-only";
import { randomBytes } from "node:crypto";
import { personEventActor, recordEvent } from "@/lib/audit/events";
import type { Client } from "@/lib/client";
import { config, mailConfig } from "@/lib/config";
import { prisma } from "@/lib/db";
import { ValidationError, fieldErrorsOf } from "@/lib/errors";
import { enqueueMail } from "@/lib/mail/outbox";
import { renderMail } from "@/lib/mail/render";
import { passwordChangedMessage, passwordResetMail } from "@/lib/notifications/messages";
import { notify } from "@/lib/notifications/notify";
import { forgetUserSessions } from "@/lib/sessions/check";
import { hashSecret } from "@/lib/tokens/secret";
import { resetPasswordSchema, resetSecretSchema } from "@/lib/validation/accounts";
import { hashPassword } from "./password";

/**
 * "Forgot password?" (docs/security.md, "Password reset"): a single-use link valid for an hour,
 * mailed to an account with a password; only the link secret's keyed hash is stored. Whether a
 * link was sent is never told to the one who asked.
 */
export const RESET_LINK_LIFETIME_MS = 3600_000;
/** Links one account may be sent per hour; past it requests are answered the same and send nothing. */
export const RESET_LINKS_PER_ACCOUNT_PER_HOUR = 5;

export type ResetOutcome = "sent" | "unknown" | "no_password" | "disabled" | "limited";

const hashOf = (secret: string) => hashSecret(secret, config().tokenHashKey);

/**
 * Issues and mails a link when `email` is an enabled account with a password and within its
 * hourly allowance; otherwise does nothing. What it did is for tests and the log only, never for
 * the answer: callers run it without waiting (lib/users/attempt-limits.ts).
 */
export async function issuePasswordReset(email: string, client: Client | null, now = new Date()): Promise<ResetOutcome> {
  const db = await prisma();
  const user = await db.user.findUnique({ where: { email }, select: { id: true, email: true, passwordHash: true, disabledAt: true } });
  if (!user) return "unknown";
  // Sign-in with GitHub or GitLab has no password to reset; a disabled account cannot sign in at all.
  if (!user.passwordHash) return "no_password";
  if (user.disabledAt) return "disabled";
  const secret = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + RESET_LINK_LIFETIME_MS);
  return db.$transaction(async (tx) => {
    // Two requests at once take turns, so the allowance cannot be overrun.
    await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${user.id}::uuid FOR UPDATE`;
    const recent = await tx.passwordReset.count({ where: { userId: user.id, createdAt: { gt: new Date(now.getTime() - 3600_000) } } });
    if (recent >= RESET_LINKS_PER_ACCOUNT_PER_HOUR) return "limited";
    await tx.passwordReset.create({ data: { hash: hashOf(secret), userId: user.id, createdAt: now, expiresAt } });
    await enqueueMail(tx, { userId: user.id, kind: "password.reset", to: user.email, mail: renderMail(passwordResetMail(user.email, secret, expiresAt), mailConfig().siteUrl) }, now);
    await recordEvent(
      tx,
      personEventActor({ userId: user.id, email: user.email, client }),
      { action: "user.password_reset_requested", targetUser: user.id, details: { expiresAt: expiresAt.toISOString() } },
      now,
    );
    return "sent" as const;
  });
}

type LiveLink = { userId: string; email: string };

/** The account a link resets, while the link works: unused, unexpired, its account enabled. Null for anything else. */
async function liveLink(secret: unknown, now: Date): Promise<LiveLink | null> {
  const parsed = resetSecretSchema.safeParse(secret);
  if (!parsed.success) return null;
  const db = await prisma();
  const link = await db.passwordReset.findUnique({
    where: { hash: hashOf(parsed.data) },
    select: { usedAt: true, expiresAt: true, user: { select: { id: true, email: true, disabledAt: true, passwordHash: true } } },
  });
  if (!link || link.usedAt || link.expiresAt <= now || link.user.disabledAt || !link.user.passwordHash) return null;
  return { userId: link.user.id, email: link.user.email };
}

/** Whose password a link would reset (its email, for the page and password managers), or null when it no longer works. */
export async function inspectResetLink(secret: unknown, now = new Date()): Promise<{ email: string } | null> {
  const link = await liveLink(secret, now);
  return link ? { email: link.email } : null;
}

/**
 * Sets the new password from a working link: the link is used up, the account's other links stop
 * working, every session of the account ends (on every instance: each deleted row NOTIFYs), and
 * the person is told by mail and in the app, all in one transaction. Null when the link no longer
 * works (used, expired, unknown: one answer); ValidationError for a password the rules refuse.
 */
export async function resetPassword(input: unknown, client: Client | null, now = new Date()): Promise<{ userId: string; email: string } | null> {
  const parsed = resetPasswordSchema.safeParse(input);
  if (!parsed.success) {
    const errors = fieldErrorsOf(parsed.error.issues);
    if (errors.secret) return null;
    throw new ValidationError(errors);
  }
  // Checked before the password is hashed, so a dead link costs one query, not an argon2 hash.
  const link = await liveLink(parsed.data.secret, now);
  if (!link) return null;
  const passwordHash = await hashPassword(parsed.data.newPassword);
  const hash = hashOf(parsed.data.secret);
  const db = await prisma();
  const done = await db.$transaction(async (tx) => {
    // The one statement that decides: of two submissions of one link, only one finds it unused.
    const claimed = await tx.passwordReset.updateMany({ where: { hash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (claimed.count !== 1) return false;
    const user = await tx.user.update({ where: { id: link.userId }, data: { passwordHash }, select: { id: true, email: true, disabledAt: true } });
    if (user.disabledAt) throw new LinkGone();
    await tx.passwordReset.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: now } });
    const { count } = await tx.session.deleteMany({ where: { userId: user.id } });
    await recordEvent(tx, personEventActor({ userId: user.id, email: user.email, client }), { action: "user.password_reset", targetUser: user.id, details: { sessionsEnded: count } }, now);
    await notify(tx, user, passwordChangedMessage(now, "reset"), {}, now);
    return true;
  }).catch((error) => {
    if (error instanceof LinkGone) return false;
    throw error;
  });
  if (!done) return null;
  forgetUserSessions(link.userId);
  return link;
}

/** Rolls the reset back: the account was disabled between the check and the change. */
class LinkGone extends Error {}
