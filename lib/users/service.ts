import "server-only";
import { personEventActor, recordEvent, userIdOf, type PersonActor } from "@/lib/audit/events";
import { prisma } from "@/lib/db";
import { AccountDisabledError, ValidationError, fieldErrorsOf } from "@/lib/errors";
import { passwordChangedMessage } from "@/lib/notifications/messages";
import { notify } from "@/lib/notifications/notify";
import { defaultScopesForNewAccounts } from "@/lib/scopes/service";
import { forgetUserSessions } from "@/lib/sessions/check";
import { grantsChanged } from "@/lib/tokens/events";
import { guidSchema } from "@/lib/validation/tokens";
import { emailSchema, signInSchema, signUpSchema } from "@/lib/validation/accounts";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./password";

export type AccountUser = { id: string; email: string; name: string; isAdmin: boolean };

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}

/** Creates an account and grants it the scopes new accounts receive (lib/scopes/service.ts). */
export async function signUp(input: unknown): Promise<AccountUser> {
  const parsed = signUpSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues));
  const { name, email, password } = parsed.data;
  const db = await prisma();
  const defaults = await defaultScopesForNewAccounts();
  const passwordHash = await hashPassword(password);
  try {
    const user = await db.user.create({
      data: {
        name,
        email,
        passwordHash,
        grants: { create: defaults.map((scopeName) => ({ scopeName })) },
      },
    });
    return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin };
  } catch (error) {
    if (isUniqueViolation(error)) throw new ValidationError({ email: ["An account with this email already exists. Sign in instead."] });
    throw error;
  }
}

/**
 * The user for a correct email and password, or null; both failures look and take the same.
 * AccountDisabledError for the right password of a disabled account (never for a wrong one).
 */
export async function checkCredentials(input: unknown): Promise<AccountUser | null> {
  const result = await credentialCheck(input);
  if ("disabled" in result) throw new AccountDisabledError();
  return "user" in result ? result.user : null;
}

/**
 * The same check, saying whose password was wrong (`failed`: the account, or null for an email
 * with no account) for the record of failed sign-ins (lib/users/attempt-limits.ts).
 * `disabled`: the right password of a disabled account; checkCredentials throws it.
 */
export async function credentialCheck(
  input: unknown,
): Promise<{ user: AccountUser } | { failed: { id: string; email: string } | null; disabled?: true }> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return { failed: null };
  const db = await prisma();
  const user = await db.user.findUnique({ where: { email: parsed.data.email } });
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), parsed.data.password);
  if (!user) return { failed: null };
  if (!ok) return { failed: { id: user.id, email: user.email } };
  if (user.disabledAt) return { failed: { id: user.id, email: user.email }, disabled: true };
  return { user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin } };
}

export async function findUser(id: string): Promise<AccountUser | null> {
  if (!guidSchema.safeParse(id).success) return null;
  const db = await prisma();
  const user = await db.user.findUnique({ where: { id }, select: { id: true, email: true, name: true, isAdmin: true } });
  return user;
}

/** The account registered under an email (any case), or null. */
export async function findUserByEmail(email: string): Promise<AccountUser | null> {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) return null;
  const db = await prisma();
  return db.user.findUnique({ where: { email: parsed.data }, select: { id: true, email: true, name: true, isAdmin: true } });
}

/**
 * The account for an email verified by an external provider, created (with default scopes) on
 * first sign-in. AccountDisabledError when an administrator disabled it.
 */
export async function findOrCreateExternalUser(profile: { email: string; name: string }): Promise<AccountUser> {
  const email = profile.email.trim().toLowerCase();
  const db = await prisma();
  const existing = await db.user.findUnique({ where: { email } });
  if (existing?.disabledAt) throw new AccountDisabledError();
  if (existing) return { id: existing.id, email: existing.email, name: existing.name, isAdmin: existing.isAdmin };
  const defaults = await defaultScopesForNewAccounts();
  const user = await db.user.create({
    data: { email, name: profile.name.slice(0, 100), grants: { create: defaults.map((scopeName) => ({ scopeName })) } },
  });
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin };
}

/** Whether the account can sign in with a password (external-only accounts cannot). */
export async function hasPassword(userId: string): Promise<boolean> {
  const db = await prisma();
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  return Boolean(user?.passwordHash);
}

/** Whether `password` is the account's password; null when the account has none. */
export async function checkPassword(userId: string, password: string): Promise<boolean | null> {
  const db = await prisma();
  const user = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  if (!user?.passwordHash) return null;
  return verifyPassword(user.passwordHash, password);
}

/**
 * A new password; every session but `keepSessionId` ends, so whoever knew the old one is out.
 * Recorded (user.password_changed, with how many sessions ended) and told to the person (the
 * "password changed" notice and mail) in the same transaction.
 */
export async function setPassword(person: string | PersonActor, password: string, keepSessionId: string, now = new Date()): Promise<void> {
  const userId = userIdOf(person);
  const passwordHash = await hashPassword(password);
  const db = await prisma();
  await db.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: userId }, data: { passwordHash }, select: { id: true, email: true } });
    const { count } = await tx.session.deleteMany({ where: { userId, id: { not: keepSessionId } } });
    await recordEvent(tx, personEventActor(person), { action: "user.password_changed", targetUser: userId, details: { otherSessionsEnded: count } }, now);
    await notify(tx, user, passwordChangedMessage(now), {}, now);
  });
  forgetUserSessions(userId);
}

/**
 * An account's standing changed (disabled, enabled, made or unmade an administrator): this
 * instance forgets its cached tokens and sessions before the caller answers; other instances hear
 * the users table's NOTIFY. Call it after the change has committed.
 */
export async function accountStateChanged(userId: string): Promise<void> {
  forgetUserSessions(userId);
  await grantsChanged(userId);
}
