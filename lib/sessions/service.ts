import "server-only";
import { randomUUID } from "node:crypto";
import { prisma } from "@/lib/db";
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

/** A sign-in: the new session's id, to be carried in the session cookie. Notes the account's last sign-in. */
export async function createSession(userId: string, client: { address: string | null; userAgent: string | null }, now = new Date()): Promise<string> {
  const db = await prisma();
  const id = randomUUID();
  const ip = client.address?.slice(0, 45) ?? null;
  await db.$transaction([
    db.session.create({
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
    }),
    db.user.update({ where: { id: userId }, data: { lastSignInAt: now } }),
  ]);
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

/** Ends one of the person's sessions (signed out there at its next request, on any instance). */
export async function endSession(userId: string, sessionId: unknown): Promise<void> {
  if (typeof sessionId !== "string" || !UUID.test(sessionId)) throw new NotFoundError("Session not found.");
  const db = await prisma();
  const { count } = await db.session.deleteMany({ where: { id: sessionId, userId } });
  forgetSession(sessionId);
  if (count === 0) throw new NotFoundError("Session not found.");
}

/** Ends every session of the person but `keepId`; returns how many ended. */
export async function endOtherSessions(userId: string, keepId: string | null): Promise<number> {
  const db = await prisma();
  const { count } = await db.session.deleteMany({ where: { userId, ...(keepId ? { id: { not: keepId } } : {}) } });
  forgetUserSessions(userId);
  return count;
}

/** Sign-out: the session named by the cookie ends, whoever asks (the cookie itself is the proof). */
export async function endSessionById(sessionId: unknown): Promise<void> {
  if (typeof sessionId !== "string" || !UUID.test(sessionId)) return;
  const db = await prisma();
  await db.session.deleteMany({ where: { id: sessionId } });
  forgetSession(sessionId);
}
