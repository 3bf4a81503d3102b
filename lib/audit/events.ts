import "server-only";
import type { AdminActor } from "@/lib/admin/actor";
import type { Prisma } from "@/lib/db";

/**
 * The record of what was done, by whom, to what (table `audit_events`, append-only). Administrators'
 * actions are recorded from issue 13 on; the activity issue adds the other kinds and shows them.
 * Written in the same transaction as the change it records, so a failed change leaves no record.
 */
export const ADMIN_ACTIONS = [
  "admin.granted", // npm run admin -- grant (actor: system)
  "admin.revoked",
  "scope.created",
  "scope.edited",
  "scope.retired",
  "scope.defaults_changed",
  "user.scope_granted",
  "user.scope_withdrawn",
  "user.disabled",
  "user.enabled",
  "user.deleted",
  "token.revoked_by_admin",
  "policy.changed",
] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

export type AdminEvent = {
  action: AdminAction;
  targetUser?: string | null;
  targetToken?: string | null;
  targetScope?: string | null;
  /** What changed (before and after, a reason, counts, the target's email); never a secret. */
  details?: Prisma.InputJsonObject;
};

/** Anything that can write: the client, or a transaction of it. */
type Writer = { auditEvent: Prisma.TransactionClient["auditEvent"] };

/** Records an administrator's action; `actor` null means the system (a command-line script). */
export async function recordAdminEvent(db: Writer, actor: AdminActor | null, event: AdminEvent, now = new Date()): Promise<void> {
  await db.auditEvent.create({
    data: {
      occurredAt: now,
      action: event.action,
      actorKind: actor ? "administrator" : "system",
      actorUserId: actor?.userId ?? null,
      actorLabel: actor?.email ?? null,
      actorToken: actor?.tokenGuid ?? null,
      targetUser: event.targetUser ?? null,
      targetToken: event.targetToken ?? null,
      targetScope: event.targetScope ?? null,
      details: event.details ?? {},
      ip: actor?.ip ?? null,
      userAgent: actor?.userAgent ?? null,
    },
  });
}
