import { ACCOUNT_PATH, NOTIFICATIONS_PATH, SECURITY_LOG_PATH, TOKENS_PATH } from "@/lib/paths";
import { TabNav } from "./tab-nav";

const ITEMS = [
  { href: ACCOUNT_PATH, label: "Account", exact: true },
  { href: TOKENS_PATH, label: "API tokens" },
  { href: NOTIFICATIONS_PATH, label: "Notifications" },
  { href: SECURITY_LOG_PATH, label: "Security log" },
];

export function SettingsNav() {
  return <TabNav label="Settings" items={ITEMS} />;
}
