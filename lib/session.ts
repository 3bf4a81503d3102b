import "server-only";
import { decode } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { config } from "@/lib/config";
import { sessionOfToken } from "@/lib/sessions/check";
import type { AccountUser } from "@/lib/users/service";

export type CurrentSession = { user: AccountUser; sessionId: string };

// next-auth's session cookie: plain, or __Secure- behind https, possibly split into .0, .1, … chunks.
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(?:\.(\d+))?$/;

/** The session cookie's value, its chunks joined; the __Secure- one wins when both are sent. */
function sessionCookie(all: { name: string; value: string }[]): string | null {
  const parts = all.flatMap((c) => {
    const match = SESSION_COOKIE.exec(c.name);
    return match ? [{ secure: Boolean(match[1]), index: Number(match[2] ?? 0), value: c.value }] : [];
  });
  const secure = parts.some((p) => p.secure);
  const chosen = parts.filter((p) => p.secure === secure).sort((a, b) => a.index - b.index);
  return chosen.length ? chosen.map((p) => p.value).join("") : null;
}

/**
 * The signed-in person and their session, or null: no cookie, a cookie that does not decrypt, or
 * one naming a session that has ended (signed out, revoked, expired, account deleted). The check is
 * in memory (lib/sessions/check.ts) and the account comes with the session, so a page costs no
 * query for it. Once per request: React's cache() shares it between the layouts and the page
 * (a server action is a request of its own, so it always checks afresh).
 */
export const currentSession = cache(async (): Promise<CurrentSession | null> => {
  const raw = sessionCookie((await cookies()).getAll());
  if (!raw) return null;
  const token = await decode({ token: raw, secret: config().authSecret }).catch(() => null);
  const session = await sessionOfToken(token, await headers());
  return session ? { user: session.user, sessionId: session.id } : null;
});

export async function currentUser(): Promise<AccountUser | null> {
  return (await currentSession())?.user ?? null;
}

/** For pages: the signed-in user, or a redirect to sign in that comes back to `returnTo`. */
export async function requireUser(returnTo: string): Promise<AccountUser> {
  return (await requireSession(returnTo)).user;
}

export async function requireSession(returnTo: string): Promise<CurrentSession> {
  const session = await currentSession();
  if (!session) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return session;
}
