import "server-only";
import { prisma, type Prisma } from "@/lib/db";
import { ValidationError } from "@/lib/errors";
import { actionsOf, eventRange, type EventQuery } from "@/lib/validation/audit-events";
import { z } from "@/lib/validation/zod";
import type { EventView } from "./contract";
import { EVENT_ACTIONS, type ActorKind, type EventAction } from "./events";

export type { EventView } from "./contract";

export type EventFilter = {
  /** The account the events concern: a person's security log. */
  targetUser?: string;
  /** Any of these accounts (an administrator's search by email). */
  targetUsers?: readonly string[];
  targetToken?: string;
  actorUser?: string;
  actorUsers?: readonly string[];
  /** Part of the actor's email as the event recorded it. */
  actorLabel?: string;
  actorToken?: string;
  /** About this token or made with it. */
  token?: string;
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
  const and: Prisma.AuditEventWhereInput[] = [];
  if (filter.targetUser) and.push({ targetUser: filter.targetUser });
  if (filter.targetUsers) and.push({ targetUser: { in: [...filter.targetUsers] } });
  if (filter.targetToken) and.push({ targetToken: filter.targetToken });
  if (filter.actorUser) and.push({ actorUserId: filter.actorUser });
  if (filter.actorUsers) and.push({ actorUserId: { in: [...filter.actorUsers] } });
  if (filter.actorToken) and.push({ actorToken: filter.actorToken });
  if (filter.actorLabel) and.push({ actorLabel: { contains: filter.actorLabel, mode: "insensitive" } });
  if (filter.token) and.push({ OR: [{ targetToken: filter.token }, { actorToken: filter.token }] });
  if (filter.actions?.length) and.push({ action: { in: [...filter.actions] } });
  if (filter.from || filter.to) and.push({ occurredAt: { ...(filter.from && { gte: filter.from }), ...(filter.to && { lt: filter.to }) } });
  return and.length ? { AND: and } : {};
}

const NEWEST_FIRST = [{ occurredAt: "desc" }, { id: "desc" }] satisfies Prisma.AuditEventOrderByWithRelationInput[];

/** The newest `limit` events matching the filter, newest first (id breaks ties). */
export async function latestEvents(filter: EventFilter, limit = 50): Promise<EventView[]> {
  const db = await prisma();
  const rows = await db.auditEvent.findMany({ where: eventWhere(filter), orderBy: NEWEST_FIRST, take: limit });
  return rows.map(toEventView);
}

export type EventPage = { events: EventView[]; nextCursor: string | null; prevCursor: string | null };

// A cursor is the event it stands for (time and id, the order's key) and which way it points.
const cursorSchema = z.object({ t: z.iso.datetime(), id: z.uuid(), d: z.enum(["next", "prev"]) });
type Cursor = z.infer<typeof cursorSchema>;
const BAD_CURSOR = "This cursor is not one Tollgate gave out. Start again from the newest events (no cursor).";

function encodeCursor(event: EventView, d: Cursor["d"]): string {
  return Buffer.from(JSON.stringify({ t: event.occurredAt, id: event.id, d } satisfies Cursor)).toString("base64url");
}

export function decodeCursor(raw: string): Cursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
  } catch {
    throw new ValidationError({ cursor: [BAD_CURSOR] }, "Some query parameters are not valid.");
  }
}

/** Strictly after (older than) or before (newer than) the cursor's event in the newest-first order. */
function beyond(cursor: Cursor): Prisma.AuditEventWhereInput {
  const t = new Date(cursor.t);
  if (cursor.d === "next") return { occurredAt: { lte: t }, OR: [{ occurredAt: { lt: t } }, { occurredAt: t, id: { lt: cursor.id } }] };
  return { occurredAt: { gte: t }, OR: [{ occurredAt: { gt: t } }, { occurredAt: t, id: { gt: cursor.id } }] };
}

/**
 * One page of events, newest first, reached by keyset cursor (never OFFSET): each page is one walk
 * of an (…, occurred_at) index from the cursor's event, however deep (docs/performance.md, "The
 * audit log at 1,000,000 events"). A cursor that is not ours is a ValidationError on `cursor`.
 */
export async function listEvents(filter: EventFilter, { cursor, limit }: { cursor?: string; limit: number }): Promise<EventPage> {
  const at = cursor ? decodeCursor(cursor) : null;
  const db = await prisma();
  const where = eventWhere(filter);
  const walk = (from: Cursor | null, condition: Prisma.AuditEventWhereInput) =>
    db.auditEvent.findMany({
      where: from ? { AND: [condition, beyond(from)] } : condition,
      orderBy: from?.d === "prev" ? [{ occurredAt: "asc" }, { id: "asc" }] : NEWEST_FIRST,
      take: limit + 1, // one more tells whether there is another page that way
    });
  // Several actions: one walk of an (…, action, occurred_at) index each, merged here. PostgreSQL
  // cannot walk `action IN (…)` in time order, and one walk of the account's events past all the
  // others is what made a kind its account never had take half a second (docs/performance.md).
  const read = async (from: Cursor | null) => {
    if (!filter.actions || filter.actions.length < 2) return walk(from, where);
    const runs = await Promise.all(filter.actions.map((action) => walk(from, eventWhere({ ...filter, actions: [action] }))));
    const order = from?.d === "prev" ? 1 : -1;
    return runs
      .flat()
      .sort((a, b) => order * (a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
      .slice(0, limit + 1);
  };

  let rows = await read(at);
  let hasNext: boolean;
  let hasPrev: boolean;
  if (at?.d === "prev") {
    hasPrev = rows.length > limit;
    rows = rows.slice(0, limit).reverse();
    hasNext = true;
    // Back at the newest with a short page: the first page whole.
    if (!hasPrev && rows.length < limit) {
      rows = await read(null);
      hasNext = rows.length > limit;
      rows = rows.slice(0, limit);
    }
  } else {
    hasNext = rows.length > limit;
    rows = rows.slice(0, limit);
    hasPrev = at !== null && rows.length > 0;
  }
  const events = rows.map(toEventView);
  return {
    events,
    nextCursor: hasNext && events.length ? encodeCursor(events.at(-1)!, "next") : null,
    prevCursor: hasPrev ? encodeCursor(events[0]!, "prev") : null,
  };
}

/** Every event matching the filter, newest first, read a page at a time (for the exports). */
export async function* everyEvent(filter: EventFilter, batch = 500): AsyncGenerator<EventView> {
  let cursor: string | undefined;
  do {
    const page = await listEvents(filter, { cursor, limit: batch });
    yield* page.events;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** Whose events a caller may read: their own, or (an administrator) anyone's. */
export type EventReach = { own: string } | { everyone: true };

export type ResolvedQuery = { filter: EventFilter; notices: string[] };

const SEARCH_MAX = 500;
const guidLike = z.uuid();
const literalPattern = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** A user id as given, or the accounts whose email contains the text (at most SEARCH_MAX). */
async function usersMatching(text: string, name: "user" | "actor"): Promise<{ id?: string; ids?: string[] }> {
  if (guidLike.safeParse(text).success) return { id: text.toLowerCase() };
  const db = await prisma();
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT "id"::text AS id FROM "users" WHERE "email" ILIKE ${literalPattern(text)} ORDER BY "email" LIMIT ${SEARCH_MAX + 1}`;
  if (rows.length > SEARCH_MAX) {
    throw new ValidationError({ [name]: [`More than ${SEARCH_MAX} accounts have an email containing “${text}”: give more of it, or the user id.`] }, "Some query parameters are not valid.");
  }
  return { ids: rows.map((r) => r.id) };
}

/**
 * A validated query as a filter, within what the caller may read: a person's own events always
 * (whatever `user` says: callers refuse another user before this), or, for an administrator, the
 * accounts `user` names (every account when it is empty or "all"). Dates alone are read in `timeZone`.
 */
export async function eventFilterOf(query: EventQuery, reach: EventReach, timeZone = "UTC"): Promise<ResolvedQuery> {
  const notices: string[] = [];
  const filter: EventFilter = { ...eventRange(query, timeZone), actions: actionsOf(query.action) };
  if (query.token) filter.token = query.token.toLowerCase();
  if (query.actorToken) filter.actorToken = query.actorToken.toLowerCase();
  if ("own" in reach) filter.targetUser = reach.own;
  else if (query.user && query.user !== "all") {
    const { id, ids } = await usersMatching(query.user, "user");
    if (id) filter.targetUser = id;
    else filter.targetUsers = ids;
    if (ids?.length === 0) notices.push(`No account has an email containing “${query.user}”.`);
  }
  if (query.actor && "own" in reach && !guidLike.safeParse(query.actor).success) {
    // Within one's own events, by the email each event recorded: no other account is looked up for a non-administrator.
    filter.actorLabel = query.actor;
  } else if (query.actor) {
    const { id, ids } = await usersMatching(query.actor, "actor");
    if (id) filter.actorUser = id;
    else filter.actorUsers = ids;
    if (ids?.length === 0) notices.push(`No account has an email containing “${query.actor}”.`);
  }
  return { filter, notices };
}

/**
 * The names of the tokens among `guids` that the reader may know by name (their own; any, for an
 * administrator), so that "Your token “CI”" can be said of a token the event does not name.
 */
export async function tokenNamesOf(guids: Iterable<string>, reach: EventReach): Promise<Record<string, string>> {
  const unique = [...new Set(guids)];
  if (!unique.length) return {};
  const db = await prisma();
  const rows = await db.token.findMany({
    where: { guid: { in: unique }, ...("own" in reach && { userId: reach.own }) },
    select: { guid: true, name: true },
  });
  return Object.fromEntries(rows.map((row) => [row.guid, row.name]));
}

/** The token GUIDs an event names (for tokenNamesOf). */
export const tokenGuidsOf = (events: readonly EventView[]) =>
  events.flatMap((e) => [e.actor.tokenGuid, e.target.tokenGuid].filter((g): g is string => g !== null));
