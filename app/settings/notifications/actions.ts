"use server";

import { serverActions } from "@/lib/actions/server-action";
import type { ActionResult } from "@/lib/actions/result";
import { markAllRead, markRead } from "@/lib/notifications/inbox";
import { NOTIFICATIONS_PATH } from "@/lib/paths";

// The inbox acts only on the caller's own notices: another person's id changes nothing.
const noticeAction = serverActions({
  label: "Notification action",
  path: NOTIFICATIONS_PATH,
  signedOut: "You are signed out. Sign in again to see your notifications.",
  notFound: "That notification is gone.",
});

export async function markReadAction(ids: unknown): Promise<ActionResult<{ marked: number }>> {
  return noticeAction("mark read", async ({ user }) => ({ marked: await markRead(user.id, ids) }));
}

export async function markAllReadAction(): Promise<ActionResult<{ marked: number }>> {
  return noticeAction("mark all read", async ({ user }) => ({ marked: await markAllRead(user.id) }));
}
