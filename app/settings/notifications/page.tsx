import type { Metadata } from "next";
import Link from "next/link";
import { listNotifications, pageOf } from "@/lib/notifications/inbox";
import { NOTIFICATIONS_PATH, TOKENS_PATH } from "@/lib/paths";
import { requireUser } from "@/lib/session";
import { BellIcon } from "@/components/ui/icons";
import { MarkAllReadButton, NotificationList, type NotificationActions } from "@/components/notifications/notification-list";
import { PageLinks } from "@/components/tokens/pagination";
import { markAllReadAction, markReadAction } from "./actions";

export const metadata: Metadata = { title: "Notifications" };

const actions: NotificationActions = { markRead: markReadAction, markAllRead: markAllReadAction };

const pageHref = (page: number) => (page > 1 ? `${NOTIFICATIONS_PATH}?page=${page}` : NOTIFICATIONS_PATH);

/** What Tollgate told the person (the bell's notices), newest first, 20 to a page. */
export default async function NotificationsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser(NOTIFICATIONS_PATH);
  const inbox = await listNotifications(user.id, pageOf((await searchParams).page));

  return (
    <div className="max-w-3xl space-y-6">
      <header className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div>
          <h1 className="text-2xl font-semibold text-gray-900">Notifications</h1>
          <p className="mt-1 text-sm text-gray-600" aria-live="polite">
            {inbox.total === 0
              ? "What Tollgate tells you about your tokens and your account appears here."
              : `${inbox.unread === 0 ? "None" : inbox.unread} unread of ${inbox.total}. Newest first.`}
          </p>
        </div>
        {inbox.total > 0 ? <MarkAllReadButton unread={inbox.unread} markAllRead={actions.markAllRead} /> : null}
      </header>

      {inbox.notices.length ? (
        <NotificationList
          notices={inbox.notices.map((n) => ({ id: n.id, title: n.title, body: n.body, link: n.link, createdAt: n.createdAt.toISOString(), read: n.readAt !== null }))}
          actions={actions}
        />
      ) : inbox.total === 0 ? (
        <section className="rounded-lg border border-dashed border-gray-300 bg-white px-6 py-12 text-center">
          <BellIcon width={32} height={32} className="mx-auto text-gray-500" />
          <h2 className="mt-3 text-lg font-semibold text-gray-900">No notifications yet</h2>
          <p className="mx-auto mt-1 max-w-md text-sm text-gray-600">
            You will be told here, and by mail, before a token expires, when one is revoked by an administrator or reported as leaked, and
            when your password changes.
          </p>
        </section>
      ) : (
        <p className="rounded-lg border border-gray-200 bg-white px-6 py-10 text-center text-sm text-gray-700">
          This page is past the end of the list.{" "}
          <Link href={NOTIFICATIONS_PATH} className="font-medium text-brand-700 underline underline-offset-2">
            Go to the first page
          </Link>
        </p>
      )}

      <PageLinks page={inbox.page} pageCount={inbox.pageCount} hrefOf={pageHref} />
      <p className="text-sm text-gray-600">
        Choose which mail you receive in your{" "}
        <Link href="/settings#notifications-heading" className="font-medium text-brand-700 underline underline-offset-2">
          account settings
        </Link>
        . Your tokens are on the{" "}
        <Link href={TOKENS_PATH} className="font-medium text-brand-700 underline underline-offset-2">
          API tokens
        </Link>{" "}
        page.
      </p>
    </div>
  );
}
