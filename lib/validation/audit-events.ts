import "server-only";
import { ADMIN_ACTIONS, EVENT_ACTIONS, EVENT_ACTION_NAMES, type EventAction } from "@/lib/audit/events";
import { ValidationError } from "@/lib/errors";
import { z } from "./zod";

/**
 * The security log's and the audit log's query (/settings/security-log, /admin/audit-log, their
 * exports, GET /api/v1/audit-events), each parameter declared once. The pages fall back to a
 * parameter's default for a hand-edited URL and say so; the API refuses anything unknown with 400.
 * Server-only: it reads the event catalogue.
 */

/** The kinds a person filters by: groups of actions. */
export const EVENT_KINDS = {
  tokens: { label: "Tokens", actions: EVENT_ACTION_NAMES.filter((action) => action.startsWith("token.")) },
  account: {
    label: "Sign-in and sessions",
    actions: ["user.signed_in", "user.sign_in_failed", "user.sign_in_paused", "user.session_ended", "user.password_changed",
      "user.password_reset_requested", "user.password_reset", "user.notifications_changed"],
  },
  admin: { label: "Administrator actions", actions: [...ADMIN_ACTIONS] },
} as const satisfies Record<string, { label: string; actions: readonly EventAction[] }>;
export type EventKind = keyof typeof EVENT_KINDS;
const KIND_NAMES = Object.keys(EVENT_KINDS) as EventKind[];

export const EVENT_LIMIT_MAX = 100;
export const EVENT_LIMIT_DEFAULT = 50;
const CURSOR_MAX = 200;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const actionList = z
  .string()
  .trim()
  .max(2000, "action can be at most 2000 characters.")
  .refine((value) => value === "" || value.split(",").every((part) => isKindOrAction(part.trim())), {
    message: `action must be a comma-separated list of kinds (${KIND_NAMES.join(", ")}) or actions (${EVENT_ACTION_NAMES.join(", ")}).`,
  });

const instantOrDate = (name: string) =>
  z
    .string()
    .trim()
    .refine((value) => value === "" || (DATE_ONLY.test(value) ? isCalendarDate(value) : z.iso.datetime({ offset: true }).safeParse(value).success), {
      message: `${name} must be a date (2031-03-01) or a date and time with its time zone (2031-03-01T12:00:00Z).`,
    });

const guid = (name: string) => z.union([z.literal(""), z.uuid({ message: `${name} must be a whole GUID, such as 3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f.` })]);
const person = (name: string) => z.string().trim().max(254, `${name} can be at most 254 characters.`);

export const EVENT_PARAMETERS = {
  action: {
    description: `Only these: a comma-separated list of kinds (${KIND_NAMES.map((k) => `${k}: ${EVENT_KINDS[k].label.toLowerCase()}`).join("; ")}) and actions.`,
    schema: actionList.default(""),
  },
  token: { description: "Only events about this token, or made with it (its GUID).", schema: guid("token").default("") },
  actorToken: { description: "Only events made with this token (its GUID).", schema: guid("actorToken").default("") },
  user: {
    description:
      "Whose events: a user id, part of an email address (any case), or all. Left out: the caller's own. Anyone else's needs an administrator's token with admin:read.",
    schema: person("user").default(""),
  },
  actor: { description: "Only events made by this person: a user id, or part of their email address (any case).", schema: person("actor").default("") },
  from: {
    description: "From this instant on (inclusive). A date alone is its midnight (UTC in the API; the reader's own zone on the pages).",
    schema: instantOrDate("from").default(""),
  },
  to: { description: "Before this instant (exclusive). A date alone includes that whole day.", schema: instantOrDate("to").default("") },
  limit: {
    description: `Events per page, 1 to ${EVENT_LIMIT_MAX}.`,
    schema: z.coerce
      .number({ message: "limit must be a number." })
      .int(`limit must be a whole number from 1 to ${EVENT_LIMIT_MAX}.`)
      .min(1, `limit must be a whole number from 1 to ${EVENT_LIMIT_MAX}.`)
      .max(EVENT_LIMIT_MAX, `limit must be a whole number from 1 to ${EVENT_LIMIT_MAX}.`)
      .default(EVENT_LIMIT_DEFAULT),
    openapi: { type: "integer", minimum: 1, maximum: EVENT_LIMIT_MAX, default: EVENT_LIMIT_DEFAULT },
  },
  cursor: {
    description: "nextCursor (older events) or prevCursor (newer ones) of an earlier answer. Left out: the newest events.",
    schema: z.string().max(CURSOR_MAX, "This cursor is not one Tollgate gave out.").default(""),
  },
} satisfies Record<string, { description: string; schema: z.ZodType; openapi?: Record<string, unknown> }>;

type Parameters = typeof EVENT_PARAMETERS;
export type EventParameter = keyof Parameters;
export const EVENT_PARAMETER_NAMES = Object.keys(EVENT_PARAMETERS) as EventParameter[];
/** What a person's own log offers; the administrators' log offers every parameter. */
export const OWN_LOG_PARAMETERS = ["action", "token", "from", "to", "limit", "cursor"] as const satisfies readonly EventParameter[];
/** The parameters that narrow the list (the rest say how it is paged). */
export const EVENT_FILTER_NAMES = ["action", "token", "actorToken", "user", "actor", "from", "to"] as const satisfies readonly EventParameter[];

export const eventQuerySchema = z.object(
  Object.fromEntries(EVENT_PARAMETER_NAMES.map((name) => [name, EVENT_PARAMETERS[name].schema])) as { [K in EventParameter]: Parameters[K]["schema"] },
);
export type EventQuery = z.output<typeof eventQuerySchema>;
export const DEFAULT_EVENT_QUERY: EventQuery = eventQuerySchema.parse({});

/** 2031-02-31 matches the pattern and Date.parse rolls it into March: the day must read back as given. */
function isCalendarDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

function isKindOrAction(value: string): boolean {
  return Object.hasOwn(EVENT_KINDS, value) || Object.hasOwn(EVENT_ACTIONS, value);
}

/** The actions an `action` value stands for (kinds expanded), or undefined for "every action". */
export function actionsOf(value: string): EventAction[] | undefined {
  if (!value) return undefined;
  const actions = new Set<EventAction>();
  for (const part of value.split(",").map((p) => p.trim())) {
    if (Object.hasOwn(EVENT_KINDS, part)) EVENT_KINDS[part as EventKind].actions.forEach((a) => actions.add(a));
    else actions.add(part as EventAction);
  }
  return [...actions];
}

type SearchParams = Record<string, string | string[] | undefined>;
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** For the pages: a bad value falls back to its default and is named in the notices; parameters the page does not offer are ignored. */
export function eventQueryFromSearchParams(params: SearchParams, offered: readonly EventParameter[]): { query: EventQuery; ignored: string[] } {
  const query: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const name of offered) {
    const value = first(params[name]);
    if (value === undefined) continue;
    const field = EVENT_PARAMETERS[name].schema.safeParse(value);
    if (field.success) query[name] = field.data;
    else ignored.push(`The ${name} “${value.slice(0, 40)}” was ignored. ${field.error.issues[0]?.message ?? ""}`.trim());
  }
  return { query: eventQuerySchema.parse(query), ignored };
}

/** The query string of a view, without the values at their default. */
export function eventSearch(query: Partial<EventQuery>): string {
  const params = new URLSearchParams();
  for (const name of EVENT_PARAMETER_NAMES) {
    const value = query[name];
    if (value !== undefined && value !== DEFAULT_EVENT_QUERY[name]) params.set(name, String(value));
  }
  return params.toString();
}

export function eventHref(path: string, query: Partial<EventQuery>): string {
  const search = eventSearch(query);
  return search ? `${path}?${search}` : path;
}

/** The offset of `timeZone` from UTC at `at`, in milliseconds (Berlin in winter: +3,600,000). */
function zoneOffset(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(at / 1000) * 1000;
}

/** Midnight starting `date` (YYYY-MM-DD) in `timeZone`, plus `days`. */
export function midnightIn(date: string, timeZone: string, days = 0): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d + days);
  // The offset at the guess, then at the corrected instant: right across a change of summer time.
  const guess = wall - zoneOffset(wall, timeZone);
  return new Date(wall - zoneOffset(guess, timeZone));
}

/** The range of a query as instants: dates alone are read in `timeZone` (the API's is UTC); `to` must come after `from`. */
export function eventRange(query: Pick<EventQuery, "from" | "to">, timeZone = "UTC"): { from?: Date; to?: Date } {
  const from = query.from ? (DATE_ONLY.test(query.from) ? midnightIn(query.from, timeZone) : new Date(query.from)) : undefined;
  const to = query.to ? (DATE_ONLY.test(query.to) ? midnightIn(query.to, timeZone, 1) : new Date(query.to)) : undefined;
  if (from && to && to <= from) throw new ValidationError({ to: ["to must come after from."] }, "Some query parameters are not valid.");
  return { from, to };
}
