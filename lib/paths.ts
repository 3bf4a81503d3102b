/** Pages that server code revalidates or sends people back to. */
export const ACCOUNT_PATH = "/settings";
export const TOKENS_PATH = "/settings/tokens";
/** One token's page: its details, history, events and use. */
export const tokenPath = (guid: string) => `${TOKENS_PATH}/${guid}`;
/** The GUID (as written, unchecked) a path asks for the token page of, or null for any other path. */
export function tokenPageGuid(path: string): string | null {
  const match = /^\/settings\/tokens\/([^/?#]+)\/?(?:[?#]|$)/.exec(path);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]!;
  }
}
export const ADMIN_PATH = "/admin";
export const ADMIN_USERS_PATH = "/admin/users";
export const ADMIN_TOKENS_PATH = "/admin/tokens";
/** Any account's token, as an administrator sees it: its details, use, addresses, secrets and events. */
export const adminTokenPath = (guid: string) => `${ADMIN_TOKENS_PATH}/${guid}`;
export const ADMIN_SCOPES_PATH = "/admin/scopes";
export const ADMIN_POLICIES_PATH = "/admin/policies";
export const SECURITY_LOG_PATH = "/settings/security-log";
export const SECURITY_LOG_EXPORT_PATH = "/settings/security-log/export";
export const ADMIN_AUDIT_LOG_PATH = "/admin/audit-log";
export const ADMIN_AUDIT_LOG_EXPORT_PATH = "/admin/audit-log/export";
/** The token's page with its rotate dialog open (the "Rotate" button of a reminder). */
export const rotateTokenPath = (guid: string) => `${tokenPath(guid)}?rotate=1`;
/** The token list with the new-token dialog open, filled in like this token (the "Create a similar token" button). */
export const similarTokenPath = (guid: string) => `${TOKENS_PATH}?similar=${guid}`;
export const NOTIFICATIONS_PATH = "/settings/notifications";
export const FORGOT_PASSWORD_PATH = "/forgot-password";
export const RESET_PASSWORD_PATH = "/reset-password";
/** A reset link: the secret rides in the fragment, which browsers never send to a server, a log or a Referer. */
export const resetPasswordPath = (secret: string) => `${RESET_PASSWORD_PATH}#${secret}`;
/** Where a finished reset sends the person: the sign-in page, saying the password was reset. */
export const SIGN_IN_AFTER_RESET_PATH = "/signin?reset=done";
