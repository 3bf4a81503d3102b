import { ADMIN_TOKENS_PATH } from "@/lib/paths";
import { z } from "./zod";
import { strictFields } from "./fields";
import { scopeNameSchema } from "./tokens";
import { PAGE_SIZES, SORT_ORDERS, UNUSED_DESCRIPTION, unusedFilterSchema } from "./token-list";

/**
 * The administrators' token inventory (/admin/tokens and GET /api/v1/admin/tokens): its filters,
 * sort and cursor as the URL and the API query carry them, declared once. The page falls back to
 * a parameter's default for a hand-edited URL; the API refuses anything unknown with 400.
 * Shared by server and browser: nothing here may import server-only code.
 */

export const INVENTORY_STATUSES = ["all", "active", "inactive", "revoked", "expired", "scheduled"] as const;
export const EXPIRING_FILTERS = ["", "7", "30"] as const;
export const INVENTORY_SORTS = ["owner", "name", "status", "created", "lastUsed", "expires"] as const;
export type InventorySort = (typeof INVENTORY_SORTS)[number];
/** The cursor is opaque to clients; its length is bounded so a hostile one costs nothing to refuse. */
const CURSOR_MAX = 500;

const oneOf = <T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, { message: `${name} must be one of: ${values.filter(Boolean).join(", ")}${values.includes("") ? " (or empty)" : ""}.` });

export const INVENTORY_PARAMETERS = {
  owner: {
    description: "The owner: part of their email address or name (case-insensitive), or their user id exactly.",
    schema: z.string().trim().max(254, "owner can be at most 254 characters.").default(""),
  },
  scope: { description: "Only tokens given this scope.", schema: z.union([z.literal(""), scopeNameSchema]).default("") },
  status: {
    description: "active; inactive (revoked, expired or not yet valid); or one of revoked, expired, scheduled; or all.",
    schema: oneOf("status", INVENTORY_STATUSES).default("all"),
  },
  unused: { description: UNUSED_DESCRIPTION, schema: unusedFilterSchema.default("") },
  expiring: {
    description: "7 or 30: not revoked, and its validTo is in the future and at most that many days away.",
    schema: oneOf("expiring", EXPIRING_FILTERS).default(""),
  },
  breaksPolicy: {
    description:
      "true: only active or scheduled tokens that break a policy now in force (a lifetime beyond the maximum, or a previous " +
      "secret working longer after a rotation than the maximum overlap). With no such policy set, nothing matches.",
    schema: z.enum(["", "true"], { message: "breaksPolicy must be true (or empty)." }).default(""),
  },
  sort: { description: "The column to sort by.", schema: oneOf("sort", INVENTORY_SORTS).default("created") },
  order: { description: "Sort direction.", schema: oneOf("order", SORT_ORDERS).default("desc") },
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
  cursor: {
    description:
      "nextCursor or prevCursor of an earlier answer with the same sort and order: the page after (or before) it. Left out: the first page.",
    schema: z.string().max(CURSOR_MAX, "This cursor is not one Tollgate gave out.").default(""),
  },
} satisfies Record<string, { description: string; schema: z.ZodType; openapi?: Record<string, unknown> }>;

type Parameters = typeof INVENTORY_PARAMETERS;
export type InventoryParameter = keyof Parameters;
export const INVENTORY_PARAMETER_NAMES = Object.keys(INVENTORY_PARAMETERS) as InventoryParameter[];
/** The parameters that narrow the list (the rest say how it is shown). */
export const INVENTORY_FILTER_NAMES = ["owner", "scope", "status", "unused", "expiring", "breaksPolicy"] as const satisfies readonly InventoryParameter[];

export const inventoryQuerySchema = z.object(
  Object.fromEntries(INVENTORY_PARAMETER_NAMES.map((name) => [name, INVENTORY_PARAMETERS[name].schema])) as {
    [K in InventoryParameter]: Parameters[K]["schema"];
  },
);
export type InventoryQuery = z.output<typeof inventoryQuerySchema>;
export const DEFAULT_INVENTORY_QUERY: InventoryQuery = inventoryQuerySchema.parse({});

type SearchParams = Record<string, string | string[] | undefined>;
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** For the page: a bad value falls back to its default, and is named in the notices. */
export function inventoryQueryFromSearchParams(params: SearchParams): { query: InventoryQuery; ignored: string[] } {
  const query: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const name of INVENTORY_PARAMETER_NAMES) {
    const value = first(params[name]);
    if (value === undefined) continue;
    const field = INVENTORY_PARAMETERS[name].schema.safeParse(value);
    if (field.success) query[name] = field.data;
    else ignored.push(`The ${name} “${value.slice(0, 40)}” was ignored. ${field.error.issues[0]?.message ?? ""}`.trim());
  }
  return { query: inventoryQuerySchema.parse(query), ignored };
}

/** The query string of a view, without the values at their default. */
export function inventorySearch(query: Partial<InventoryQuery>): string {
  const params = new URLSearchParams();
  for (const name of INVENTORY_PARAMETER_NAMES) {
    const value = query[name];
    if (value !== undefined && value !== DEFAULT_INVENTORY_QUERY[name]) params.set(name, String(value));
  }
  return params.toString();
}

/** The inventory page's link for a view. */
export function inventoryHref(query: Partial<InventoryQuery>): string {
  const search = inventorySearch(query);
  return search ? `${ADMIN_TOKENS_PATH}?${search}` : ADMIN_TOKENS_PATH;
}

export const INVENTORY_REVOKE_REASON_MAX = 500;

/** An administrator's revocation: the reason is shown to the token's owner. */
export const adminRevokeSchema = strictFields(
  {
    reason: z
      .string({ message: "Give a reason: the token's owner is shown it." })
      .trim()
      .min(1, "Give a reason: the token's owner is shown it.")
      .max(INVENTORY_REVOKE_REASON_MAX, `The reason can be at most ${INVENTORY_REVOKE_REASON_MAX} characters.`)
      .refine((text) => !/(?![\t\n\r])[\p{Cc}\p{Cs}]/u.test(text), "The reason cannot contain control characters."),
  },
  'Send a JSON object such as {"reason": "Leaked in a public repository"}.',
);
