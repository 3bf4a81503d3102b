import "server-only";
import { recordAdminEvent } from "@/lib/audit/events";
import { prisma } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { ADMIN_ONLY_SCOPES } from "@/lib/scopes/built-in";
import { accountStateChanged } from "@/lib/users/service";
import { emailSchema } from "@/lib/validation/accounts";

/**
 * Who administers the deployment: `users.is_admin` plus the grants of admin:read and admin:write
 * (so an administrator can make an admin token). Made and unmade by an operator with
 * `npm run admin -- grant|revoke EMAIL` and by the demo account's script; recorded as the system's doing.
 */
export type AdministratorChange = { userId: string; email: string; changed: boolean };

/** Makes the account an administrator; `changed` is false when it already was one with both grants. */
export function makeAdministrator(email: string, now = new Date()): Promise<AdministratorChange> {
  return setAdministrator(email, true, now);
}

/** Unmakes an administrator: their tokens lose the admin scopes at once, here and on every instance. */
export function unmakeAdministrator(email: string, now = new Date()): Promise<AdministratorChange> {
  return setAdministrator(email, false, now);
}

async function setAdministrator(email: string, admin: boolean, now: Date): Promise<AdministratorChange> {
  const parsed = emailSchema.safeParse(email);
  const unknown = new NotFoundError(`There is no account with the email ${JSON.stringify(email)}. Sign up first, or check the spelling.`);
  if (!parsed.success) throw unknown;
  const db = await prisma();
  const result = await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { email: parsed.data },
      select: { id: true, email: true, isAdmin: true, grants: { where: { scopeName: { in: [...ADMIN_ONLY_SCOPES] } }, select: { scopeName: true } } },
    });
    if (!user) throw unknown;
    const complete = user.grants.length === ADMIN_ONLY_SCOPES.length;
    if (admin ? user.isAdmin && complete : !user.isAdmin && user.grants.length === 0) return { userId: user.id, email: user.email, changed: false };
    // Written here, not through lib/scopes: the admin scopes are granted only together with the flag.
    await tx.user.update({ where: { id: user.id }, data: { isAdmin: admin } });
    if (admin) {
      await tx.userScope.createMany({ data: ADMIN_ONLY_SCOPES.map((scopeName) => ({ userId: user.id, scopeName })), skipDuplicates: true });
    } else {
      await tx.userScope.deleteMany({ where: { userId: user.id, scopeName: { in: [...ADMIN_ONLY_SCOPES] } } });
    }
    await recordAdminEvent(tx, null, { action: admin ? "admin.granted" : "admin.revoked", targetUser: user.id, details: { email: user.email } }, now);
    return { userId: user.id, email: user.email, changed: true };
  });
  if (result.changed) await accountStateChanged(result.userId);
  return result;
}
