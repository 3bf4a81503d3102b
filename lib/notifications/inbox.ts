import "server-only";
import { prisma } from "@/lib/db";
import { z } from "@/lib/validation/zod";

/**
 * A person's notices in the app (the bell and /settings/notifications). Every function takes the
 * reader's own id from their session and touches only their rows: another person's notice id is
 * matched by nothing, so it is a no-op that reveals nothing.
 */

export const NOTIFICATIONS_PER_PAGE = 20;
/** The bell shows "99+" past this: counting stops there, so a huge backlog costs no more. */
export const UNREAD_SHOWN_MAX = 99;
/** How many ids one "mark read" may name (a page holds 20). */
const MARK_MAX = 100;

export type InboxNotice = {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: Date;
  readAt: Date | null;
};

export type InboxPage = { notices: InboxNotice[]; page: number; pageCount: number; total: number; unread: number };

/** Unread notices, up to UNREAD_SHOWN_MAX + 1: an index-only count on notifications_unread_idx. */
export async function unreadCount(userId: string): Promise<number> {
  const db = await prisma();
  return db.notification.count({ where: { userId, readAt: null }, take: UNREAD_SHOWN_MAX + 1 });
}

/** The page's number from the URL: a positive integer, anything else is the first page. */
export function pageOf(value: unknown): number {
  const page = typeof value === "string" && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return page >= 1 ? page : 1;
}

/** Newest first (ties by id, so pages never overlap), NOTIFICATIONS_PER_PAGE to a page. */
export async function listNotifications(userId: string, page = 1): Promise<InboxPage> {
  const db = await prisma();
  const where = { userId };
  const [total, unread, notices] = await Promise.all([
    db.notification.count({ where }),
    db.notification.count({ where: { userId, readAt: null } }),
    db.notification.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * NOTIFICATIONS_PER_PAGE,
      take: NOTIFICATIONS_PER_PAGE,
      select: { id: true, kind: true, title: true, body: true, link: true, createdAt: true, readAt: true },
    }),
  ]);
  return { notices, page, pageCount: Math.max(1, Math.ceil(total / NOTIFICATIONS_PER_PAGE)), total, unread };
}

const idsSchema = z.array(z.uuid()).max(MARK_MAX);

/** Marks these of the reader's notices read (ids not theirs, or malformed, count for nothing); answers how many changed. */
export async function markRead(userId: string, ids: unknown, now = new Date()): Promise<number> {
  const parsed = idsSchema.safeParse(ids);
  if (!parsed.success || parsed.data.length === 0) return 0;
  const db = await prisma();
  const { count } = await db.notification.updateMany({ where: { userId, id: { in: parsed.data }, readAt: null }, data: { readAt: now } });
  return count;
}

export async function markAllRead(userId: string, now = new Date()): Promise<number> {
  const db = await prisma();
  const { count } = await db.notification.updateMany({ where: { userId, readAt: null }, data: { readAt: now } });
  return count;
}
