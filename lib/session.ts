import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { authOptions } from "@/lib/auth";
import { findUser, type AccountUser } from "@/lib/users/service";

/**
 * The signed-in user, read again from the database, or null (no session, or the account is gone).
 * Once per request: the settings layout, the token layout and the page each ask, and React's
 * cache() gives them one cookie decryption and one query between them (a server action is a
 * request of its own, so it always reads afresh).
 */
export const currentUser = cache(async (): Promise<AccountUser | null> => {
  const session = await getServerSession(authOptions());
  if (!session?.user?.id) return null;
  return findUser(session.user.id);
});

/** For pages: the signed-in user, or a redirect to sign in that comes back to `returnTo`. */
export async function requireUser(returnTo: string): Promise<AccountUser> {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
