import Link from "next/link";
import { NOTIFICATIONS_PATH } from "@/lib/paths";
import { BellIcon } from "@/components/ui/icons";

/** What the badge shows: the count, capped (the server counts no further than one past the cap). */
export function unreadBadge(unread: number, cap = 99): string {
  return unread > cap ? `${cap}+` : String(unread);
}

/** The bell's accessible name says the count in words, so nothing depends on seeing the badge. */
export function bellLabel(unread: number, cap = 99): string {
  if (unread === 0) return "Notifications, none unread";
  return `Notifications, ${unread > cap ? `more than ${cap}` : unread} unread`;
}

/** The header's link to the notifications page, with the unread count the server rendered for this page load. */
export function NotificationBell({ unread }: { unread: number }) {
  return (
    <Link
      href={NOTIFICATIONS_PATH}
      prefetch={false}
      aria-label={bellLabel(unread)}
      title={bellLabel(unread)}
      className="relative inline-flex size-10 shrink-0 items-center justify-center rounded-md text-gray-700 hover:bg-gray-100 hover:text-gray-900 focus-visible:outline-2 focus-visible:outline-brand-600"
    >
      <BellIcon width={20} height={20} />
      {unread > 0 ? (
        <span
          aria-hidden="true"
          data-testid="unread-badge"
          className="absolute -top-0.5 -right-0.5 min-w-5 rounded-full bg-red-700 px-1 text-center text-xs leading-5 font-semibold text-white"
        >
          {unreadBadge(unread)}
        </span>
      ) : null}
    </Link>
  );
}
