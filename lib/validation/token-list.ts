import { z } from "./zod";
import { scopeNameSchema } from "./tokens";

/**
 * The token list's view as the page URL and the API query carry it: the filters, each declared
 * once below, then sort, order and page. The page's parser, its form, "Clear" and notices, the
 * API's strict parser and the OpenAPI parameters derive from these declarations; each filter's
 * database condition is in lib/tokens/service.ts, typed so that none can be left out.
 * Shared by server and browser: nothing here may import server-only code.
 */

export type FilterOption = { value: string; label: string };

export type FilterControl =
  | { kind: "text"; placeholder: string; monospace?: boolean }
  /** `held`: the scopes the user holds; `current`: the value in the URL. */
  | { kind: "select"; options: (held: readonly string[], current: string) => FilterOption[] };

type FilterDeclaration = {
  /** The form field's label. */
  label: string;
  /** What a notice calls it: "The GUID filter “…” was ignored." */
  noun: string;
  /** The query parameter's description in the OpenAPI document. */
  description: string;
  /** Reads the parameter; its default means "not filtered". */
  schema: z.ZodType<string>;
  control: FilterControl;
};

export const GUID_PREFIX_MIN = 8;
const GUID_EXAMPLE = "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f";

/** The canonical GUID form (8-4-4-4-12) of up to 32 hex digits, cut where the digits end. */
function hyphenated(hex: string): string {
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].filter(Boolean).join("-");
}

/**
 * A whole GUID or its start, as the table shows it: at least 8 hex digits, any case, hyphens
 * where a GUID has them (or none at all). Read as lower case.
 */
export const guidPrefixSchema = z
  .string()
  .trim()
  .toLowerCase()
  .superRefine((value, context) => {
    const hex = value.replace(/-/g, "");
    const problem = /[^0-9a-f-]/.test(value)
      ? `A GUID has only the hex digits 0–9 and a–f, and hyphens, e.g. ${GUID_EXAMPLE}.`
      : hex.length > 32
        ? `A GUID has 32 hex digits, e.g. ${GUID_EXAMPLE}.`
        : value !== hex && value !== hyphenated(hex.padEnd(32, "0")).slice(0, value.length)
          ? `Put hyphens where a GUID has them (${GUID_EXAMPLE}), or leave them out.`
          : hex.length < GUID_PREFIX_MIN
            ? `Give at least the first ${GUID_PREFIX_MIN} characters of the GUID, e.g. ${GUID_EXAMPLE.slice(0, GUID_PREFIX_MIN)}.`
            : null;
    if (problem) context.addIssue({ code: "custom", message: problem });
  });

/**
 * The GUIDs starting with a valid prefix lie between the prefix padded with 0s and with fs: a
 * range on the uuid column itself, which its indexes serve (docs/database.md, "The GUID filter").
 */
export function guidPrefixBounds(prefix: string): { from: string; to: string } {
  const hex = prefix.replace(/-/g, "").toLowerCase();
  return { from: hyphenated(hex.padEnd(32, "0")), to: hyphenated(hex.padEnd(32, "f")) };
}

export const TOKEN_STATUS_FILTERS = ["all", "active", "inactive"] as const;
const STATUS_LABELS: Record<(typeof TOKEN_STATUS_FILTERS)[number], string> = { all: "All", active: "Active", inactive: "Inactive" };

/**
 * "Not used for 30, 90 or 365 days, or never used": one parameter, `unused`, for the person's list
 * and the administrators' inventory alike (its condition: lib/tokens/unused.ts).
 */
export const UNUSED_FILTERS = ["", "30", "90", "365", "never"] as const;
export type UnusedFilter = (typeof UNUSED_FILTERS)[number];
export const UNUSED_DESCRIPTION =
  "30, 90 or 365: not used for at least that many days (a never-used token counts from its creation); never: never used.";
export const unusedFilterSchema = z.enum(UNUSED_FILTERS, { message: "unused must be one of: 30, 90, 365, never (or empty)." });
/** The options' words, on the person's list and the inventory alike. */
export const UNUSED_LABELS: Record<UnusedFilter, string> = { "": "Any", "30": "30+ days", "90": "90+ days", "365": "365+ days", never: "Never used" };

export const TOKEN_LIST_FILTERS = {
  q: {
    label: "Name",
    noun: "name search",
    description: "Name keywords, separated by spaces; every word must appear (case-insensitive).",
    schema: z.string().trim().max(200, "Search text can be at most 200 characters.").default(""),
    control: { kind: "text", placeholder: "Keywords, e.g. ci deploy" },
  },
  guid: {
    label: "GUID",
    noun: "GUID filter",
    description:
      `A token's GUID, or its first ${GUID_PREFIX_MIN} or more hex digits as the token page shows them (any case; hyphens ` +
      "where a GUID has them, or none). A whole GUID matches that token only.",
    schema: z.union([z.literal(""), guidPrefixSchema]).default(""),
    control: { kind: "text", placeholder: `Its first ${GUID_PREFIX_MIN}+ characters`, monospace: true },
  },
  scope: {
    label: "Scope",
    noun: "scope filter",
    description: "Only tokens with this scope.",
    schema: z.union([scopeNameSchema, z.literal("")]).default(""),
    control: {
      kind: "select",
      // A scope withdrawn from the user may still be named in a bookmarked URL: it stays selectable, so the form shows the view.
      options: (held, current) => [
        { value: "", label: "All scopes" },
        ...[...held, ...(current && !held.includes(current) ? [current] : [])].map((name) => ({ value: name, label: name })),
      ],
    },
  },
  status: {
    label: "Status",
    noun: "status filter",
    description: "active, inactive (revoked, expired or not yet valid), or all.",
    schema: z.enum(TOKEN_STATUS_FILTERS, { message: `status must be one of: ${TOKEN_STATUS_FILTERS.join(", ")}.` }).default("all"),
    control: { kind: "select", options: () => TOKEN_STATUS_FILTERS.map((value) => ({ value, label: STATUS_LABELS[value] })) },
  },
  unused: {
    label: "Unused for",
    noun: "unused filter",
    description: UNUSED_DESCRIPTION,
    schema: unusedFilterSchema.default(""),
    control: { kind: "select", options: () => UNUSED_FILTERS.map((value) => ({ value, label: UNUSED_LABELS[value] })) },
  },
} satisfies Record<string, FilterDeclaration>;

export type FilterName = keyof typeof TOKEN_LIST_FILTERS;
export const FILTER_NAMES = Object.keys(TOKEN_LIST_FILTERS) as FilterName[];

export const TOKEN_SORTS = ["name", "status", "created", "lastUsed", "expires"] as const;
export const SORT_ORDERS = ["asc", "desc"] as const;
export const PAGE_SIZES = [10, 20, 50, 100] as const;

/** How the list is shown rather than which tokens it holds: kept by the filter form, not cleared. */
const VIEW_PARAMETERS = {
  sort: {
    description: "The column to sort by.",
    schema: z.enum(TOKEN_SORTS, { message: `sort must be one of: ${TOKEN_SORTS.join(", ")}.` }).default("created"),
  },
  order: { description: "Sort direction.", schema: z.enum(SORT_ORDERS, { message: "order must be asc or desc." }).default("desc") },
  page: {
    description: "Page number, from 1.",
    schema: z.coerce.number({ message: "page must be a number." }).int("page must be a whole number.").min(1, "page starts at 1.").max(100_000).default(1),
  },
  perPage: {
    description: "Tokens per page.",
    schema: z.coerce
      .number({ message: "perPage must be a number." })
      .refine((n): n is (typeof PAGE_SIZES)[number] => (PAGE_SIZES as readonly number[]).includes(n), {
        message: `perPage must be one of: ${PAGE_SIZES.join(", ")}.`,
      })
      .default(20),
    openapi: { type: "integer", enum: [...PAGE_SIZES] },
  },
};

/** Every query parameter of the list, in the order the API names them. */
export const TOKEN_LIST_PARAMETERS: Record<string, { description: string; schema: z.ZodType; openapi?: Record<string, unknown> }> = {
  ...TOKEN_LIST_FILTERS,
  ...VIEW_PARAMETERS,
};

type Shape<T extends Record<string, { schema: z.ZodType }>> = { [K in keyof T]: T[K]["schema"] };
function shapeOf<T extends Record<string, { schema: z.ZodType }>>(parameters: T): Shape<T> {
  return Object.fromEntries(Object.entries(parameters).map(([name, { schema }]) => [name, schema])) as Shape<T>;
}

export const tokenListQuerySchema = z.object({ ...shapeOf(TOKEN_LIST_FILTERS), ...shapeOf(VIEW_PARAMETERS) });
export type TokenListQuery = z.output<typeof tokenListQuerySchema>;

export const DEFAULT_TOKEN_LIST_QUERY: TokenListQuery = tokenListQuerySchema.parse({});

type SearchParams = Record<string, string | string[] | undefined>;
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** For the page: a hand-edited URL with a bad value falls back to that value's default instead of failing. */
export function tokenListQueryFromSearchParams(params: SearchParams): TokenListQuery {
  const query: Record<string, unknown> = {};
  for (const key of Object.keys(tokenListQuerySchema.shape) as (keyof TokenListQuery)[]) {
    const value = first(params[key]);
    if (value === undefined) continue;
    const field = tokenListQuerySchema.shape[key].safeParse(value);
    if (field.success) query[key] = field.data;
  }
  return tokenListQuerySchema.parse(query);
}

/** How many filters narrow the list (sort and page do not count). */
export function activeFilterCount(query: TokenListQuery): number {
  return FILTER_NAMES.filter((name) => query[name] !== DEFAULT_TOKEN_LIST_QUERY[name]).length;
}

/** True when the list is narrowed by anything a person typed or picked (not by sort or page). */
export function isFiltered(query: TokenListQuery): boolean {
  return activeFilterCount(query) > 0;
}

/** The same view without its filters (sort and page size kept), from page 1. */
export function withoutFilters(query: TokenListQuery): TokenListQuery {
  const cleared = { ...query, page: 1 };
  for (const name of FILTER_NAMES) Object.assign(cleared, { [name]: DEFAULT_TOKEN_LIST_QUERY[name] });
  return cleared;
}

/** The query string of a view; values equal to their default are left out to keep links short. */
export function listSearch(query: TokenListQuery): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_TOKEN_LIST_QUERY) as (keyof TokenListQuery)[]) {
    if (query[key] !== DEFAULT_TOKEN_LIST_QUERY[key]) params.set(key, String(query[key]));
  }
  return params.toString();
}

/**
 * The query string the filter form submits, as typed (a value the page cannot use reaches it, to
 * be explained there), without the fields left at their default.
 */
export function formSearch(entries: Iterable<[string, string]>): string {
  const params = new URLSearchParams();
  const defaults: Record<string, unknown> = DEFAULT_TOKEN_LIST_QUERY;
  for (const [name, value] of entries) {
    if (name in defaults && value.trim() !== String(defaults[name])) params.set(name, value);
  }
  return params.toString();
}

/** What each field of the filter form shows for a view: the filters and the page size. */
export function filterFormValues(query: TokenListQuery): Record<string, string> {
  return Object.fromEntries([...FILTER_NAMES, "perPage" as const].map((name) => [name, String(query[name])]));
}

/** Filters present in the URL but unusable (and so ignored), each explained with its parser's own message. */
export function ignoredFilters(params: SearchParams): string[] {
  const notices: string[] = [];
  for (const name of FILTER_NAMES) {
    const raw = first(params[name])?.trim() ?? "";
    const problem = raw ? TOKEN_LIST_FILTERS[name].schema.safeParse(raw).error?.issues[0]?.message : undefined;
    if (problem === undefined) continue;
    const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
    notices.push(`The ${TOKEN_LIST_FILTERS[name].noun} “${shown}” was ignored. ${problem}`);
  }
  return notices;
}

/**
 * The words of a name search, each of which must match. Every distinct word is kept (the 200-character
 * limit on `q` bounds their number): dropping some would return tokens the person did not ask for.
 */
export function keywordsOf(q: string): string[] {
  const seen = new Set<string>();
  return q.split(/[\s\p{Cc}]+/u).filter((word) => {
    const key = word.toLowerCase();
    if (!word || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
