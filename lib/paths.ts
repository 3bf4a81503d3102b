/** Pages that server code revalidates or sends people back to. */
export const ACCOUNT_PATH = "/settings";
export const TOKENS_PATH = "/settings/tokens";
export const ADMIN_PATH = "/admin";
export const ADMIN_USERS_PATH = "/admin/users";
export const ADMIN_TOKENS_PATH = "/admin/tokens";
export const ADMIN_SCOPES_PATH = "/admin/scopes";
export const ADMIN_POLICIES_PATH = "/admin/policies";
export const SECURITY_LOG_PATH = "/settings/security-log";
export const SECURITY_LOG_EXPORT_PATH = "/settings/security-log/export";
export const ADMIN_AUDIT_LOG_PATH = "/admin/audit-log";
export const ADMIN_AUDIT_LOG_EXPORT_PATH = "/admin/audit-log/export";
