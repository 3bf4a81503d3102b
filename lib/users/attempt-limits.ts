import "server-only";
import { apiConfig } from "@/lib/config";
import { personEventActor, recordEvent } from "@/lib/audit/events";
import type { Client } from "@/lib/client";
import { prisma } from "@/lib/db";
import { AccountDisabledError, TooManyAttemptsError, ValidationError, fieldErrorsOf } from "@/lib/errors";
import { AttemptLimiter } from "@/lib/attempt-limiter";
import { changePasswordSchema, forgotPasswordSchema, signInSchema, signUpSchema } from "@/lib/validation/accounts";
import { issuePasswordReset, resetPassword } from "./password-reset";
import { checkPassword, credentialCheck, setPassword, signUp, type AccountUser } from "./service";

/**
 * Password guessing and bulk sign-ups, slowed down: per account, per address, and sign-ups per
 * address (the rules and why: docs/security.md, "Limits on guessing"). A wrong current password
 * when changing it counts as a failed sign-in, so a stolen session cannot guess through the form.
 */
const SIGN_IN_WINDOW_SECONDS = 15 * 60;
const SIGN_UP_WINDOW_SECONDS = 60 * 60;
const RESET_WINDOW_SECONDS = 60 * 60;

type Limiters = { accounts: AttemptLimiter; addresses: AttemptLimiter; signUps: AttemptLimiter; resets: AttemptLimiter };
const holder = globalThis as unknown as { tollgateAttemptLimits?: Limiters };

function limiters(): Limiters {
  const { signInFailureLimit, signUpLimit, passwordResetLimit } = apiConfig();
  return (holder.tollgateAttemptLimits ??= {
    accounts: new AttemptLimiter(signInFailureLimit, SIGN_IN_WINDOW_SECONDS),
    addresses: new AttemptLimiter(signInFailureLimit * 5, SIGN_IN_WINDOW_SECONDS),
    signUps: new AttemptLimiter(signUpLimit, SIGN_UP_WINDOW_SECONDS),
    resets: new AttemptLimiter(passwordResetLimit, RESET_WINDOW_SECONDS),
  });
}

function minutes(seconds: number): string {
  const n = Math.ceil(seconds / 60);
  return n === 1 ? "a minute" : `${n} minutes`;
}

/** A caller named only by its key (tests, scripts): counted, and recorded without an address. */
const clientFor = (client: Client | string): Client => (typeof client === "string" ? { address: null, key: client, userAgent: null } : client);

// Failed sign-ins are recorded without the answer waiting, so that a wrong password for an existing
// account (recorded) takes as long as one for an unknown email (not recorded: no account to show it to).
const holderOfRecords = globalThis as unknown as { tollgateSignInRecords?: Set<Promise<void>> };
const pendingRecords = (holderOfRecords.tollgateSignInRecords ??= new Set());

/** Resolves once the failed sign-ins recorded so far are written (tests; shutdown needs nothing more). */
export async function signInRecordsWritten(): Promise<void> {
  await Promise.all([...pendingRecords]);
}

/**
 * A failed authentication of an existing account (a wrong password, at sign-in or when changing
 * it; the right password of a disabled account), and any pause it began: account (its email) or
 * address. The actor is the account as claimed, with the caller's address and user agent.
 */
function recordFailure(account: { id: string; email: string }, client: Client, details: { reason: string; during?: string }, paused: { account: boolean; address: boolean }) {
  const actor = personEventActor({ userId: account.id, email: account.email, client });
  const now = new Date();
  const windowMinutes = SIGN_IN_WINDOW_SECONDS / 60;
  const write = (async () => {
    const db = await prisma();
    await recordEvent(db, actor, { action: "user.sign_in_failed", targetUser: account.id, details }, now);
    if (paused.account) await recordEvent(db, actor, { action: "user.sign_in_paused", targetUser: account.id, details: { paused: "account", minutes: windowMinutes } }, now);
    if (paused.address) {
      await recordEvent(db, actor, { action: "user.sign_in_paused", targetUser: account.id, details: { paused: "address", address: client.address ?? client.key, minutes: windowMinutes } }, now);
    }
  })()
    .catch((error) => console.error("Could not record a failed sign-in:", error))
    .finally(() => pendingRecords.delete(write));
  pendingRecords.add(write);
}

/**
 * The user for a correct email and password, or null; throws TooManyAttemptsError while the
 * account or the address is paused, AccountDisabledError for the right password of a disabled
 * account. `client` is the caller (lib/client.ts), or just the key its failures count under.
 */
export async function signInWithLimits(input: unknown, caller: Client | string): Promise<AccountUser | null> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return null;
  const client = clientFor(caller);
  const { accounts, addresses } = limiters();
  const account = parsed.data.email;
  const wait = Math.max(accounts.blockedSeconds(account), addresses.blockedSeconds(client.key));
  if (wait > 0) {
    throw new TooManyAttemptsError(`Too many failed sign-ins. Wait ${minutes(wait)} and try again.`, wait);
  }
  const result = await credentialCheck(parsed.data);
  if ("user" in result) {
    accounts.clear(account);
    return result.user;
  }
  if (result.disabled) {
    recordFailure(result.failed!, client, { reason: "account_disabled" }, { account: false, address: false });
    throw new AccountDisabledError();
  }
  const paused = { account: accounts.record(account), address: addresses.record(client.key) };
  if (result.failed) recordFailure(result.failed, client, { reason: "wrong_password" }, paused);
  return null;
}

/**
 * Creates an account, unless the address has used up its sign-up attempts this hour
 * (TooManyAttemptsError, before anything is hashed or looked up). Every well-formed attempt
 * counts, an email that is taken included; a malformed one is refused by validation alone.
 */
export async function signUpWithLimits(input: unknown, clientKey: string): Promise<AccountUser> {
  const { signUps } = limiters();
  const wait = signUps.blockedSeconds(clientKey);
  if (wait > 0) {
    throw new TooManyAttemptsError(`Too many sign-up attempts from your network. Try again in ${minutes(wait)}.`, wait);
  }
  if (signUpSchema.safeParse(input).success) signUps.record(clientKey);
  return signUp(input);
}

/**
 * Changes the signed-in person's password after checking the current one; every other session
 * ends. ValidationError names the field at fault; TooManyAttemptsError while paused.
 */
export async function changePasswordWithLimits(user: AccountUser, sessionId: string, input: unknown, caller: Client | string): Promise<void> {
  const parsed = changePasswordSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues));
  const client = clientFor(caller);
  const { accounts, addresses } = limiters();
  const wait = Math.max(accounts.blockedSeconds(user.email), addresses.blockedSeconds(client.key));
  if (wait > 0) {
    throw new TooManyAttemptsError(`Too many wrong passwords. Wait ${minutes(wait)} and try again.`, wait);
  }
  const ok = await checkPassword(user.id, parsed.data.currentPassword);
  if (ok === null) throw new ValidationError({ currentPassword: ["Your account has no password: you sign in with GitHub or GitLab."] });
  if (!ok) {
    const paused = { account: accounts.record(user.email), address: addresses.record(client.key) };
    recordFailure(user, client, { reason: "wrong_password", during: "password_change" }, paused);
    throw new ValidationError({ currentPassword: ["That is not your current password."] });
  }
  accounts.clear(user.email);
  await setPassword({ userId: user.id, email: user.email, client }, parsed.data.newPassword, sessionId);
}

// Reset links are issued without the answer waiting, so that an email with an account (a row, a
// mail, an event) is answered as soon as one without.
const holderOfResets = globalThis as unknown as { tollgateResetRequests?: Set<Promise<void>> };
const pendingResets = (holderOfResets.tollgateResetRequests ??= new Set());

/** Resolves once the reset requests answered so far have done their work (tests, shutdown). */
export async function resetRequestsIssued(): Promise<void> {
  await Promise.all([...pendingResets]);
}

/**
 * "Forgot password?": the same answer (nothing) for every well-formed email, whether a link was
 * sent or not (lib/users/password-reset.ts decides). ValidationError for a malformed email;
 * TooManyAttemptsError past the address's hourly requests, whatever emails they named.
 */
export function requestPasswordResetWithLimits(input: unknown, caller: Client | string, now = new Date()): void {
  const parsed = forgotPasswordSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues));
  const client = clientFor(caller);
  const { resets } = limiters();
  const wait = resets.blockedSeconds(client.key);
  if (wait > 0) {
    throw new TooManyAttemptsError(`Too many reset requests from your network. Try again in ${minutes(wait)}.`, wait);
  }
  resets.record(client.key);
  const work: Promise<void> = issuePasswordReset(parsed.data.email, client, now)
    .then(() => undefined)
    .catch((error) => console.error("Could not issue a password reset:", error))
    .finally(() => pendingResets.delete(work));
  pendingResets.add(work);
}

/**
 * The reset page's submit: resetPassword, and the account's sign-in pause on this instance is
 * lifted, since whoever reset it proved they read its mail. Null when the link no longer works.
 */
export async function completePasswordReset(input: unknown, caller: Client | string, now = new Date()): Promise<{ email: string } | null> {
  const done = await resetPassword(input, clientFor(caller), now);
  if (done) limiters().accounts.clear(done.email);
  return done;
}
