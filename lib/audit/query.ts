import "server-only";
import { prisma, type Prisma } from "@/lib/db";
import { EVENT_ACTIONS, type ActorKind, type EventAction } from "./events";

/** One event as pages, exports and the API show it (the API's AuditEvent schema). */
export type EventView = {
  id: string;
  occurredAt: string;
  action: EventAction;
  /** The action in words ("Token rotated"). */
  title: string;
  actor: { kind: ActorKind; userId: string | null; label: string | null; tokenGuid: string | null };
  target: { userId: string | null; tokenGuid: string | null; scope: string | null };
  details: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
};

export type EventFilter = {
  /** The account the events concern: a person's security log. */
  targetUser?: string;
  targetToken?: string;
  actorUser?: string;
  actorToken?: string;
  actions?: readonly EventAction[];
  /** Inclusive start and exclusive end of `occurredAt`. */
  from?: Date;
  to?: Date;
};

type Row = Prisma.AuditEventGetPayload<object>;

export function toEventView(row: Row): EventView {
  const action = row.action as EventAction;
  return {
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    action,
    title: EVENT_ACTIONS[action] ?? row.action,
    actor: { kind: row.actorKind as ActorKind, userId: row.actorUserId, label: row.actorLabel, tokenGuid: row.actorToken },
    target: { userId: row.targetUser, tokenGuid: row.targetToken, scope: row.targetScope },
    details: (row.details ?? {}) as Record<string, unknown>,
    ip: row.ip,
    userAgent: row.userAgent,
  };
}

export function eventWhere(filter: EventFilter): Prisma.AuditEventWhereInput {
  return {
    ...(filter.targetUser && { targetUser: filter.targetUser }),
    ...(filter.targetToken && { targetToken: filter.targetToken }),
    ...(filter.actorUser && { actorUserId: filter.actorUser }),
    ...(filter.actorToken && { actorToken: filter.actorToken }),
    ...(filter.actions?.length && { action: { in: [...filter.actions] } }),
    ...((filter.from || filter.to) && { occurredAt: { ...(filter.from && { gte: filter.from }), ...(filter.to && { lt: filter.to }) } }),
  };
}

/** The newest `limit` events matching the filter, newest first (id breaks ties). */
export async function latestEvents(filter: EventFilter, limit = 50): Promise<EventView[]> {
  const db = await prisma();
  const rows = await db.auditEvent.findMany({ where: eventWhere(filter), orderBy: [{ occurredAt: "desc" }, { id: "desc" }], take: limit });
  return rows.map(toEventView);
}
