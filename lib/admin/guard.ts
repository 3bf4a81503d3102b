import "server-only";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { clientOf } from "@/lib/client";
import { currentSession, type CurrentSession } from "@/lib/session";
import { adminActor, type AdminActor } from "./actor";

/**
 * For every page under /admin: the signed-in administrator, or Next's 404 for anyone else, signed
 * out included, so that the area is invisible to whoever may not use it. Each page calls it itself
 * (a layout's check does not run again on client navigation).
 */
export async function requireAdmin(): Promise<CurrentSession> {
  const session = await currentSession();
  if (!session?.user.isAdmin) notFound();
  return session;
}

/** The acting administrator of a server action, for the record of what they did. */
export async function adminActorOf(session: CurrentSession): Promise<AdminActor> {
  return adminActor(session.user, clientOf(await headers()));
}
