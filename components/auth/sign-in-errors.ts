/**
 * Messages for next-auth's error codes: from signIn() for a wrong password, and from `?error=<code>`
 * when an external sign-in sends people back to /signin (the `error` page in lib/auth.ts). The
 * parameter is user-controlled, so it is only ever looked up, never shown.
 */
const MESSAGES = new Map([
  ["CredentialsSignin", "Email or password is incorrect."],
  // lib/auth.ts SIGN_IN_PAUSED (not imported: this module runs in the browser).
  ["TooManySignIns", "Too many failed sign-ins for this account or from your network. Wait 15 minutes and try again."],
  // lib/auth.ts ACCOUNT_DISABLED.
  ["AccountDisabled", "This account has been disabled by an administrator. Ask them to re-enable it."],
  ["EmailRequired", "That account has no verified email address we can use. Sign in with your email and password instead."],
  ["AccessDenied", "Sign-in was cancelled or refused."],
  ["Configuration", "Sign-in is not set up correctly on this server. Ask your administrator."],
  ["SessionRequired", "Sign in to continue."],
]);

export function signInErrorMessage(code: unknown): string | undefined {
  if (typeof code !== "string" || !code) return undefined;
  return MESSAGES.get(code) ?? "Signing in did not work. Try again in a moment.";
}
