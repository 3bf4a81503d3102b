import type { Client } from "@/lib/client";

/**
 * The administrator behind an administrative change, as the record of it needs them: a person on
 * an /admin page, or an API token of theirs holding admin:write (then `tokenGuid` names it).
 */
export type AdminActor = {
  userId: string;
  email: string;
  tokenGuid: string | null;
  ip: string | null;
  userAgent: string | null;
};

export function adminActor(user: { id: string; email: string }, client: Client, tokenGuid: string | null = null): AdminActor {
  return { userId: user.id, email: user.email, tokenGuid, ip: client.address, userAgent: client.userAgent?.slice(0, 256) ?? null };
}
