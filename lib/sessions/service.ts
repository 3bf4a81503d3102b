import "server-only";
import { randomUUID } from "node:crypto";
import { personEventActor, recordEvent, userIdOf, type PersonActor } from "@/lib/audit/events";
import type { Client } from "@/lib/client";
import { prisma, type Prisma } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { forgetSession, forgetUserSessions } from "./check";
import { describeDevice } from "./device";
import { deleteDeadSessions } from "./last-seen";
import { MAX_LIFETIME_MS, isWithinLifetime } from "./policy";

/**
 * Sessions as their owner sees and ends them. Like the token service, every function that takes a
 * session id takes the acting user's id first and touches only that user's rows: another person's
 * session answers exactly like an unknown one (NotFoundError).
 */
export type SessionItem = {
  id: string;
  device: string;
  address: string | null;
  signedInAt: Date;
  lastSeenAt: Date;
  current: boolean;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A sign-in: the new session's id, to be carried in the session cookie. Notes the account's last
 * sign-in and records it (user.signed_in, with how: "credentials", "github", "gitlab").
 */
export async function createSession(
  userId: string,
  client: { address: string | null; userAgent: string | null },
  now = new Date(),
  method = "credentials",
): Promise<string> {
  const db = await prisma();
  const id = randomUUID();
  const ip = client.address?.slice(0, 45) ?? null;
  await db.$transaction(async (tx) => {
    await tx.session.create({
      data: {
        id,
        userId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + MAX_LIFETIME_MS),
        ip,
        lastSeenIp: ip,
        userAgent: client.userAgent?.slice(0, 256) ?? null,
      },
    });
    const user = await tx.user.update({ where: { id: userId }, data: { lastSignInAt: now }, select: { email: true } });
    const actor = personEventActor({ userId, email: user.email, client: { ...client, key: client.address ?? "unknown" } });
    await recordEvent(tx, actor, { action: "user.signed_in", targetUser: userId, details: { method, device: describeDevice(client.userAgent) } }, now);
  });
  // Signing in is a good moment to tidy this person's list; the hourly sweep does everyone's.
  await deleteDeadSessions(now, userId).catch(() => 0);
  return id;
}

/** The person's live sessions, most recently used first. */
export async function listSessions(userId: string, currentId: string | null, now = new Date()): Promise<SessionItem[]> {
  const db = await prisma();
  const rows = await db.session.findMany({ where: { userId }, orderBy: [{ lastSeenAt: "desc" }, { createdAt: "desc" }] });
  return rows
    .filter((row) => isWithinLifetime(row, now))
    .map((row) => ({
      id: row.id,
      device: describeDevice(row.userAgent),
      address: row.lastSeenIp ?? row.ip,
      signedInAt: row.createdAt,
      lastSeenAt: row.lastSeenAt,
      current: row.id === currentId,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/**
 * Ends one session and records it (user.session_ended) with the device and address it was
 * signed in from, in one transaction; false when it had ended already (nothing recorded).
 */
async function endAndRecord(where: Prisma.SessionWhereInput, actor: (userId: string, email: string) => string | PersonActor, how: string, now: Date): Promise<boolean> {
  const db = await prisma();
  return db.$transaction(async (tx) => {
    const session = await tx.session.findFirst({ where, select: { id: true, userId: true, ip: true, lastSeenIp: true, userAgent: true, user: { select: { email: true } } } });
    if (!session) return false;
    // Of two concurrent ends, the one that deletes it records it.
    const { count } = await tx.session.deleteMany({ where: { id: session.id } });
    if (count) {
      await recordEvent(
        tx,
        personEventActor(actor(session.userId, session.user.email)),
        { action: "user.session_ended", targetUser: session.userId, details: { how, device: describeDevice(session.userAgent), address: session.lastSeenIp ?? session.ip } },
        now,
      );
    }
    return count > 0;
  });
}

/** Ends one of the person's sessions (signed out there at its next request, on any instance). */
export async function endSession(person: string | PersonActor, sessionId: unknown, now = new Date()): Promise<void> {
  if (typeof sessionId !== "string" || !UUID.test(sessionId)) throw new NotFoundError("Session not found.");
  const ended = await endAndRecord({ id: sessionId, userId: userIdOf(person) }, () => person, "ended", now);
  forgetSession(sessionId);
  if (!ended) throw new NotFoundError("Session not found.");
}

/**
 * Ends every session of the person but `keepId`; returns how many ended. `recordAs`: the person
 * who asked ("end other sessions"), recorded as one event with the count; without it, the change
 * that ends them records itself (a new password, an account disabled or deleted).
 */
export async function endOtherSessions(userId: string, keepId: string | null, recordAs?: PersonActor, now = new Date()): Promise<number> {
  const db = await prisma();
  const count = await db.$transaction(async (tx) => {
    const { count } = await tx.session.deleteMany({ where: { userId, ...(keepId ? { id: { not: keepId } } : {}) } });
    if (count && recordAs) {
      await recordEvent(tx, personEventActor(recordAs), { action: "user.session_ended", targetUser: userId, details: { how: "ended_others", count } }, now);
    }
    return count;
  });
  forgetUserSessions(userId);
  return count;
}

/**
 * Sign-out: the session named by the cookie ends, whoever asks (the cookie itself is the proof),
 * recorded as its owner's doing from `client`.
 */
export async function endSessionById(sessionId: unknown, client: Client | null = null, now = new Date()): Promise<void> {
  if (typeof sessionId !== "string" || !UUID.test(sessionId)) return;
  await endAndRecord({ id: sessionId }, (userId, email) => ({ userId, email, client }), "signed_out", now);
  forgetSession(sessionId);
}
