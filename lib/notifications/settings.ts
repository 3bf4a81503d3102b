import "server-only";
import { personEventActor, recordEvent, userIdOf, type PersonActor } from "@/lib/audit/events";
import { prisma } from "@/lib/db";
import { NotFoundError, ValidationError } from "@/lib/errors";

/** A person's choices about what they are told (users.notify_new_address; more may join it). */
export type NotificationSettings = { notifyNewAddress: boolean };

export async function notificationSettings(userId: string): Promise<NotificationSettings> {
  const db = await prisma();
  const user = await db.user.findUnique({ where: { id: userId }, select: { notifyNewAddress: true } });
  return { notifyNewAddress: user?.notifyNewAddress ?? false };
}

/**
 * Turns the "used from a new address" mail on or off, recorded as user.notifications_changed
 * (before/after) in the same transaction; setting what is already set records nothing.
 */
export async function setNotifyNewAddress(person: string | PersonActor, on: unknown, now = new Date()): Promise<NotificationSettings> {
  if (typeof on !== "boolean") throw new ValidationError({ notifyNewAddress: ["Choose on or off."] });
  const userId = userIdOf(person);
  const db = await prisma();
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId }, select: { notifyNewAddress: true } });
    if (!before) throw new NotFoundError();
    if (before.notifyNewAddress === on) return { notifyNewAddress: on };
    await tx.user.update({ where: { id: userId }, data: { notifyNewAddress: on } });
    await recordEvent(
      tx,
      personEventActor(person),
      { action: "user.notifications_changed", targetUser: userId, details: { before: { notifyNewAddress: before.notifyNewAddress }, after: { notifyNewAddress: on } } },
      now,
    );
    return { notifyNewAddress: on };
  });
}
