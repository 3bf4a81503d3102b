"use client";

import clsx from "clsx";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { toast } from "sonner";
import type { ActionResult } from "@/lib/actions/result";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { LocalTime, RelativeTime } from "@/components/ui/local-time";
import { callAction } from "@/components/tokens/call-action";

export type NoticeView = { id: string; title: string; body: string; link: string | null; createdAt: string; read: boolean };

export type NotificationActions = {
  markRead: (ids: string[]) => Promise<ActionResult<{ marked: number }>>;
  markAllRead: () => Promise<ActionResult<{ marked: number }>>;
};

/** Only a path within this site is followed (a notice's link is written by Tollgate, but never trusted to leave it). */
const internal = (link: string | null): link is string => link !== null && link.startsWith("/") && !link.startsWith("//");

/** The notices of one page, newest first. Opening one marks it read first, then goes where it leads. */
export function NotificationList({ notices, actions }: { notices: NoticeView[]; actions: NotificationActions }) {
  const router = useRouter();
  const [, startTransition] = useTransition();

  function open(event: React.MouseEvent<HTMLAnchorElement>, notice: NoticeView, link: string) {
    if (notice.read) return;
    // A new tab or window opens as usual; the notice is marked read all the same.
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) {
      void callAction(() => actions.markRead([notice.id]));
      return;
    }
    event.preventDefault();
    startTransition(async () => {
      await callAction(() => actions.markRead([notice.id]));
      router.push(link);
    });
  }

  return (
    <ol className="divide-y divide-gray-200 overflow-hidden rounded-lg border border-gray-200 bg-white" aria-label="Notifications, newest first">
      {notices.map((notice) => (
        <li key={notice.id} data-notice={notice.id} data-read={notice.read} className={clsx("flex gap-3 px-4 py-4 sm:px-5", !notice.read && "bg-brand-50/60")}>
          {/* Unread is said in words and by a bar, not by colour alone. */}
          <span aria-hidden="true" className={clsx("mt-1 w-1 shrink-0 self-stretch rounded-full", notice.read ? "bg-transparent" : "bg-brand-600")} />
          <div className="min-w-0 flex-1 space-y-1">
            <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
              {notice.read ? null : <Badge tone="blue">Unread</Badge>}
              <h2 className={clsx("text-sm wrap-anywhere text-gray-900", notice.read ? "font-normal" : "font-semibold")}>
                {internal(notice.link) ? (
                  <Link
                    href={notice.link}
                    prefetch={false}
                    onClick={(event) => open(event, notice, notice.link!)}
                    className="underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-brand-600 max-sm:inline-flex max-sm:min-h-10 max-sm:items-center"
                  >
                    {notice.title}
                  </Link>
                ) : (
                  notice.title
                )}
              </h2>
            </div>
            {notice.body ? <p className="text-sm wrap-anywhere text-gray-700">{notice.body}</p> : null}
            <p className="text-xs text-gray-600">
              <RelativeTime iso={notice.createdAt} /> · <LocalTime iso={notice.createdAt} />
            </p>
          </div>
        </li>
      ))}
    </ol>
  );
}

/** "Mark all as read": every unread notice of the reader's, on every page. */
export function MarkAllReadButton({ unread, markAllRead }: { unread: number; markAllRead: NotificationActions["markAllRead"] }) {
  const [pending, startTransition] = useTransition();
  return (
    <Button
      disabled={pending || unread === 0}
      onClick={() =>
        startTransition(async () => {
          const result = await callAction(markAllRead);
          if (result.ok) toast.success(result.marked === 1 ? "Marked 1 notification as read." : `Marked ${result.marked} notifications as read.`);
          else toast.error(result.error);
        })
      }
    >
      {pending ? "Marking…" : "Mark all as read"}
    </Button>
  );
}
