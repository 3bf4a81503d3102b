import type { ActionResult } from "@/lib/actions/result";
import { z } from "./zod";

/**
 * The administrators' user list: its query (the page's URL and the API's parameters) and the user
 * as it leaves the server (the API's answers, the server actions' results, the page's components
 * and the OpenAPI document). Shared by server and browser: nothing here may import server-only code.
 */

export const USER_PAGE_SIZES = [10, 20, 50, 100] as const;
export const USER_SEARCH_MAX = 200;

export const USER_LIST_PARAMETERS = {
  q: {
    description: "Part of the email address or of the name (case-insensitive).",
    schema: z.string().trim().max(USER_SEARCH_MAX, `Search text can be at most ${USER_SEARCH_MAX} characters.`).default(""),
  },
  page: {
    description: "Page number, from 1.",
    schema: z.coerce.number({ message: "page must be a number." }).int("page must be a whole number.").min(1, "page starts at 1.").max(100_000).default(1),
  },
  perPage: {
    description: "Users per page.",
    schema: z.coerce
      .number({ message: "perPage must be a number." })
      .refine((n): n is (typeof USER_PAGE_SIZES)[number] => (USER_PAGE_SIZES as readonly number[]).includes(n), {
        message: `perPage must be one of: ${USER_PAGE_SIZES.join(", ")}.`,
      })
      .default(20),
    openapi: { type: "integer", enum: [...USER_PAGE_SIZES] },
  },
};

export const userListQuerySchema = z.object({
  q: USER_LIST_PARAMETERS.q.schema,
  page: USER_LIST_PARAMETERS.page.schema,
  perPage: USER_LIST_PARAMETERS.perPage.schema,
});
export type UserListQuery = z.output<typeof userListQuerySchema>;
export const DEFAULT_USER_LIST_QUERY: UserListQuery = userListQuerySchema.parse({});

type SearchParams = Record<string, string | string[] | undefined>;

/** For the page: a hand-edited URL with a bad value falls back to that value's default instead of failing. */
export function userListQueryFromSearchParams(params: SearchParams): UserListQuery {
  const query: Record<string, unknown> = {};
  for (const key of Object.keys(userListQuerySchema.shape) as (keyof UserListQuery)[]) {
    const raw = params[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) continue;
    const field = userListQuerySchema.shape[key].safeParse(value);
    if (field.success) query[key] = field.data;
  }
  return userListQuerySchema.parse(query);
}

/** The query string of a view, without the values equal to their default. */
export function userListSearch(query: UserListQuery, change: Partial<UserListQuery> = {}): string {
  const view = { ...query, ...change };
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_USER_LIST_QUERY) as (keyof UserListQuery)[]) {
    if (view[key] !== DEFAULT_USER_LIST_QUERY[key]) params.set(key, String(view[key]));
  }
  return params.toString();
}

const timestamp = z.iso.datetime().meta({ example: "2030-01-31T12:00:00.000Z" });

export const adminUserSchema = z
  .object({
    id: z.uuid(),
    email: z.email(),
    name: z.string(),
    isAdmin: z.boolean().meta({ description: "Whether the account is an administrator (made one with `npm run admin -- grant EMAIL`)." }),
    disabledAt: timestamp.nullable().meta({ description: "When an administrator disabled the account; null: it is enabled." }),
    createdAt: timestamp,
    lastSignInAt: timestamp.nullable().meta({ description: "The latest sign-in in the browser; null: never signed in." }),
    scopes: z.array(z.string()).meta({ description: "The scopes the user holds (granted), by name." }),
    tokens: z.object({
      active: z.number().int().meta({ description: "Tokens that work now." }),
      inactive: z.number().int().meta({ description: "Revoked, expired or not yet valid tokens." }),
    }),
  })
  .meta({ id: "AdminUser" });
export type AdminUser = z.infer<typeof adminUserSchema>;

export const adminUserPageSchema = z
  .object({
    users: z.array(adminUserSchema),
    total: z.number().int().meta({ description: "Users matching the search, on all pages." }),
    page: z.number().int(),
    perPage: z.number().int(),
    pageCount: z.number().int(),
  })
  .meta({ id: "AdminUserPage" });
export type AdminUserPage = z.infer<typeof adminUserPageSchema>;

/** The user as the server computes with it: the contract, with Dates for its instants. */
export type AdminUserView = Omit<AdminUser, "disabledAt" | "createdAt" | "lastSignInAt"> & {
  disabledAt: Date | null;
  createdAt: Date;
  lastSignInAt: Date | null;
};

export function serializeAdminUser(user: AdminUserView): AdminUser {
  return {
    ...user,
    disabledAt: user.disabledAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
  };
}

/** What the page's server actions answer (app/admin/users/actions.ts), passed to its components. */
export type UserResult = ActionResult<{ user: AdminUser }>;
export type AdminUserActions = {
  grant: (userId: string, scope: string) => Promise<UserResult>;
  withdraw: (userId: string, scope: string) => Promise<UserResult>;
  disable: (userId: string) => Promise<UserResult>;
  enable: (userId: string) => Promise<UserResult>;
  /** What deleting would stop, for the confirmation. */
  impact: (userId: string) => Promise<ActionResult<{ activeTokens: number; totalTokens: number }>>;
  remove: (userId: string) => Promise<ActionResult<{ activeTokens: number }>>;
};
