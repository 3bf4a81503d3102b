import "server-only";
import { apiConfig } from "@/lib/config";
import { TooManyAttemptsError, ValidationError, fieldErrorsOf } from "@/lib/errors";
import { AttemptLimiter } from "@/lib/attempt-limiter";
import { changePasswordSchema, signInSchema, signUpSchema } from "@/lib/validation/accounts";
import { checkCredentials, checkPassword, setPassword, signUp, type AccountUser } from "./service";

/**
 * Password guessing and bulk sign-ups, slowed down: per account, per address, and sign-ups per
 * address (the rules and why: docs/security.md, "Limits on guessing"). A wrong current password
 * when changing it counts as a failed sign-in, so a stolen session cannot guess through the form.
 */
const SIGN_IN_WINDOW_SECONDS = 15 * 60;
const SIGN_UP_WINDOW_SECONDS = 60 * 60;

type Limiters = { accounts: AttemptLimiter; addresses: AttemptLimiter; signUps: AttemptLimiter };
const holder = globalThis as unknown as { tollgateAttemptLimits?: Limiters };

function limiters(): Limiters {
  const { signInFailureLimit, signUpLimit } = apiConfig();
  return (holder.tollgateAttemptLimits ??= {
    accounts: new AttemptLimiter(signInFailureLimit, SIGN_IN_WINDOW_SECONDS),
    addresses: new AttemptLimiter(signInFailureLimit * 5, SIGN_IN_WINDOW_SECONDS),
    signUps: new AttemptLimiter(signUpLimit, SIGN_UP_WINDOW_SECONDS),
  });
}

function minutes(seconds: number): string {
  const n = Math.ceil(seconds / 60);
  return n === 1 ? "a minute" : `${n} minutes`;
}

/**
 * The user for a correct email and password, or null; throws TooManyAttemptsError while the
 * account or the address is paused. `clientKey` is the caller's address (lib/client.ts).
 */
export async function signInWithLimits(input: unknown, clientKey: string): Promise<AccountUser | null> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return null;
  const { accounts, addresses } = limiters();
  const account = parsed.data.email;
  const wait = Math.max(accounts.blockedSeconds(account), addresses.blockedSeconds(clientKey));
  if (wait > 0) {
    throw new TooManyAttemptsError(`Too many failed sign-ins. Wait ${minutes(wait)} and try again.`, wait);
  }
  const user = await checkCredentials(parsed.data);
  if (user) {
    accounts.clear(account);
    return user;
  }
  accounts.record(account);
  addresses.record(clientKey);
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
export async function changePasswordWithLimits(user: AccountUser, sessionId: string, input: unknown, clientKey: string): Promise<void> {
  const parsed = changePasswordSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues));
  const { accounts, addresses } = limiters();
  const wait = Math.max(accounts.blockedSeconds(user.email), addresses.blockedSeconds(clientKey));
  if (wait > 0) {
    throw new TooManyAttemptsError(`Too many wrong passwords. Wait ${minutes(wait)} and try again.`, wait);
  }
  const ok = await checkPassword(user.id, parsed.data.currentPassword);
  if (ok === null) throw new ValidationError({ currentPassword: ["Your account has no password: you sign in with GitHub or GitLab."] });
  if (!ok) {
    accounts.record(user.email);
    addresses.record(clientKey);
    throw new ValidationError({ currentPassword: ["That is not your current password."] });
  }
  accounts.clear(user.email);
  await setPassword(user.id, parsed.data.newPassword, sessionId);
}
