/** Every kind of notice (the bell and mail); docs/notifications.md says when each is sent. */
export const NOTICE_KINDS = [
  "token.expiring",
  "token.expired",
  "token.revoked_by_admin",
  "token.leaked",
  "token.new_address",
  "token.unused_warning",
  "token.revoked_unused",
  "password.changed",
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
