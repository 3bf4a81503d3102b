import "server-only";
import { cookies } from "next/headers";
import { prisma } from "@/lib/db";
import { ValidationError } from "@/lib/errors";
import { parseTimePrefs, TIME_PREFS_COOKIE } from "@/lib/time-format";
import {
  DEFAULT_EVENT_QUERY,
  EVENT_KINDS,
  eventQueryFromSearchParams,
  type EventParameter,
  type EventQuery,
} from "@/lib/validation/audit-events";
import type { EventReader } from "./describe";
import { EVENT_ACTIONS, EVENT_ACTION_NAMES } from "./events";
import { eventFilterOf, listEvents, tokenGuidsOf, tokenNamesOf, type EventPage, type EventReach } from "./query";

/**
 * What the two log pages and their downloads share: the URL read leniently (a bad value is
 * dropped and named in a notice), dates in the reader's zone, and one page of events with what
 * the table needs to say them in words.
 */

type SearchParams = Record<string, string | string[] | undefined>;

/** The zone the reader's browser reported (docs/ui.md, "Times read the same"), else UTC. */
export async function readerTimeZone(): Promise<string> {
  return parseTimePrefs((await cookies()).get(TIME_PREFS_COOKIE)?.value)?.timeZone ?? "UTC";
}

export const ACTION_OPTIONS = {
  kinds: Object.entries(EVENT_KINDS).map(([value, kind]) => ({ value, label: kind.label })),
  actions: EVENT_ACTION_NAMES.map((value) => ({ value, label: EVENT_ACTIONS[value] })),
};

/**
 * The query and its filter. A value that parses but cannot be used (a stale cursor, `to` before
 * `from`, a search matching too many accounts) is dropped too, with the reason.
 */
export async function logFilterOf(params: SearchParams, offered: readonly EventParameter[], reach: EventReach) {
  const timeZone = await readerTimeZone();
  const { query: parsed, ignored } = eventQueryFromSearchParams(params, offered);
  const notices = [...ignored];
  let query: EventQuery = parsed;
  for (;;) {
    try {
      const resolved = await eventFilterOf(query, reach, timeZone);
      return { query, filter: resolved.filter, notices: [...notices, ...resolved.notices] };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      query = dropFields(query, error, notices);
    }
  }
}

function dropFields(query: EventQuery, error: ValidationError, notices: string[]): EventQuery {
  const next: Record<string, unknown> = { ...query };
  for (const [field, messages] of Object.entries(error.fieldErrors)) {
    if (!(field in DEFAULT_EVENT_QUERY)) throw error;
    notices.push(`The ${field} filter was ignored. ${messages[0] ?? ""}`.trim());
    next[field] = DEFAULT_EVENT_QUERY[field as EventParameter];
  }
  return next as EventQuery;
}

export type LogPage = { query: EventQuery; page: EventPage; notices: string[]; reader: EventReader; accounts: Record<string, string> };

export async function loadLogPage(params: SearchParams, offered: readonly EventParameter[], reach: EventReach, viewerId: string): Promise<LogPage> {
  const { query, filter, notices } = await logFilterOf(params, offered, reach);
  let page: EventPage;
  let shown = query;
  try {
    page = await listEvents(filter, { cursor: query.cursor || undefined, limit: query.limit });
  } catch (error) {
    if (!(error instanceof ValidationError) || !error.fieldErrors.cursor) throw error;
    notices.push(`The page link was out of date, so the newest events are shown. ${error.fieldErrors.cursor[0]}`);
    shown = { ...query, cursor: "" };
    page = await listEvents(filter, { limit: query.limit });
  }
  const [tokenNames, accounts] = await Promise.all([tokenNamesOf(tokenGuidsOf(page.events), reach), "everyone" in reach ? emailsOf(page.events.map((e) => e.target.userId)) : {}]);
  return { query: shown, page, notices, reader: { userId: viewerId, tokenNames }, accounts };
}

/** The accounts' emails by id, for the audit log's account column (deleted accounts are left out). */
async function emailsOf(ids: (string | null)[]): Promise<Record<string, string>> {
  const unique = [...new Set(ids.filter((id): id is string => id !== null))];
  if (!unique.length) return {};
  const rows = await (await prisma()).user.findMany({ where: { id: { in: unique } }, select: { id: true, email: true } });
  return Object.fromEntries(rows.map((r) => [r.id, r.email]));
}

