import "server-only";
import type { AdminActor } from "@/lib/admin/actor";
import type { Client } from "@/lib/client";
import type { Prisma } from "@/lib/db";

/**
 * The record of what was done, by whom, to what (table `audit_events`, append-only; docs/database.md).
 * Each event is written once, by whichever path made the change (page, API, administrator, the
 * system), in the same transaction as the change where the domain allows it, so a failed change
 * leaves no record. `targetUser` is the account the event concerns: a person's security log is
 * every event whose target is them.
 */
export const EVENT_ACTIONS = {
  // A person's tokens (actor: the person, one of their tokens, an administrator, or the system).
  "token.created": "Token created",
  "token.edited": "Token edited",
  "token.rotated": "Token rotated",
  "token.overlap_ended": "Rotation overlap ended",
  "token.revoked": "Token revoked",
  "token.revoked_by_admin": "Token revoked by an administrator",
  "token.deleted": "Token deleted",
  "token.expired": "Token expired",
  "token.new_address": "Token used from a new address",
  // The lifecycle (issue 15): a leak report revokes (actor: system, details.reportId), so does the stale-token policy.
  "token.reported_leaked": "Token reported as leaked and revoked",
  "token.revoked_unused": "Token revoked for going unused",
  // A person's account.
  "user.signed_in": "Signed in",
  "user.sign_in_failed": "Sign-in failed",
  "user.sign_in_paused": "Sign-in paused after failed attempts",
  "user.session_ended": "Session ended",
  "user.password_changed": "Password changed",
  "user.password_reset_requested": "Password reset requested",
  "user.password_reset": "Password reset by mail",
  "user.notifications_changed": "Notification settings changed",
  // Administrators' actions (issue 13).
  "admin.granted": "Made an administrator",
  "admin.revoked": "No longer an administrator",
  "scope.created": "Scope added",
  "scope.edited": "Scope edited",
  "scope.retired": "Scope retired",
  "scope.defaults_changed": "Default scopes changed",
  "user.scope_granted": "Scope granted",
  "user.scope_withdrawn": "Scope withdrawn",
  "user.disabled": "Account disabled",
  "user.enabled": "Account enabled",
  "user.deleted": "Account deleted",
  "policy.changed": "Policies changed",
} as const;
export type EventAction = keyof typeof EVENT_ACTIONS;
export const EVENT_ACTION_NAMES = Object.keys(EVENT_ACTIONS) as EventAction[];

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
] as const satisfies readonly EventAction[];
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

export const ACTOR_KINDS = ["person", "token", "administrator", "system"] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/**
 * Who did it, as the record keeps it. A person on a page; one of their API tokens (`tokenGuid`);
 * an administrator, on a page or through their token; or the system (a script, a job, time passing).
 * `label` is the actor's email at the time, when it is at hand: the account may be deleted later.
 */
export type EventActor =
  | { kind: "person"; userId: string; label?: string | null; client?: Client | null }
  | { kind: "token"; userId: string; tokenGuid: string; label?: string | null; client?: Client | null }
  | { kind: "administrator"; userId: string; label: string; tokenGuid: string | null; client?: Client | null }
  /** The system; `client` when a request set it going (a leak report: the reporter's address and user agent). */
  | { kind: "system"; client?: Client | null };

export const SYSTEM: EventActor = { kind: "system" };

/**
 * A person acting for themselves: on a page (with the request's client), or named by a bare user
 * id (scripts, tests), which records them without an address.
 */
export type PersonActor = { userId: string; email?: string | null; client?: Client | null };

export const userIdOf = (person: string | PersonActor): string => (typeof person === "string" ? person : person.userId);

export function personEventActor(person: string | PersonActor): EventActor {
  if (typeof person === "string") return { kind: "person", userId: person };
  return { kind: "person", userId: person.userId, label: person.email ?? null, client: person.client ?? null };
}

export type AuditEvent = {
  action: EventAction;
  targetUser?: string | null;
  targetToken?: string | null;
  targetScope?: string | null;
  /** What changed (before and after, a reason, counts, the token's name); never a secret. */
  details?: Prisma.InputJsonObject;
  /** For events the system derives from time passing: the second attempt to record one inserts nothing. */
  dedupeKey?: string;
};

/** Anything that can write: the client, or a transaction of it. */
export type Writer = { auditEvent: Prisma.TransactionClient["auditEvent"] };

const USER_AGENT_MAX = 256;

/** The row recordEvent writes; lib/tokens/usage.ts inserts these in its batched flush. */
export function eventRow(actor: EventActor, event: AuditEvent, now: Date): Prisma.AuditEventCreateManyInput {
  const person = actor.kind === "system" ? null : actor;
  return {
    occurredAt: now,
    action: event.action,
    actorKind: actor.kind,
    actorUserId: person?.userId ?? null,
    actorLabel: person?.label ?? null,
    actorToken: person && "tokenGuid" in person ? person.tokenGuid : null,
    targetUser: event.targetUser ?? null,
    targetToken: event.targetToken ?? null,
    targetScope: event.targetScope ?? null,
    details: event.details ?? {},
    ip: actor.client?.address ?? null,
    userAgent: actor.client?.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
    dedupeKey: event.dedupeKey ?? null,
  };
}

/** Records one event; with a `dedupeKey` already recorded, records nothing and answers false. */
export async function recordEvent(db: Writer, actor: EventActor, event: AuditEvent, now = new Date()): Promise<boolean> {
  const { count } = await db.auditEvent.createMany({ data: [eventRow(actor, event, now)], skipDuplicates: event.dedupeKey !== undefined });
  return count === 1;
}

/** The administrator behind an administrative change as an event's actor; null is the system (a script). */
export function adminEventActor(actor: AdminActor | null): EventActor {
  if (!actor) return SYSTEM;
  return {
    kind: "administrator",
    userId: actor.userId,
    label: actor.email,
    tokenGuid: actor.tokenGuid,
    client: { address: actor.ip, key: actor.ip ?? "unknown", userAgent: actor.userAgent },
  };
}

export type AdminEvent = AuditEvent & { action: AdminAction };

/** Records an administrator's action; `actor` null means the system (a command-line script). */
export async function recordAdminEvent(db: Writer, actor: AdminActor | null, event: AdminEvent, now = new Date()): Promise<void> {
  await recordEvent(db, adminEventActor(actor), event, now);
}
