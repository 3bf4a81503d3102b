import { ADMIN_AUDIT_LOG_PATH, ADMIN_POLICIES_PATH, ADMIN_SCOPES_PATH, ADMIN_TOKENS_PATH, ADMIN_USERS_PATH } from "@/lib/paths";
import { TabNav } from "./tab-nav";

const ITEMS = [
  { href: ADMIN_USERS_PATH, label: "Users" },
  { href: ADMIN_TOKENS_PATH, label: "Tokens" },
  { href: ADMIN_SCOPES_PATH, label: "Scopes" },
  { href: ADMIN_POLICIES_PATH, label: "Policies" },
  { href: ADMIN_AUDIT_LOG_PATH, label: "Audit log" },
];

export function AdminNav() {
  return <TabNav label="Administration" items={ITEMS} />;
}
