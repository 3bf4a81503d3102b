import { DEFAULT_TOKEN_LIST_QUERY, tokenListQuerySchema, type TokenListQuery } from "@/lib/validation/tokens";

import { TOKENS_PATH } from "@/lib/paths";

export { TOKENS_PATH };

/** The page URL for a list view; values equal to their default are left out to keep links short. */
export function listHref(query: TokenListQuery, changes: Partial<TokenListQuery> = {}): string {
  const next = { ...query, ...changes };
  const params = new URLSearchParams();
  for (const key of Object.keys(DEFAULT_TOKEN_LIST_QUERY) as (keyof TokenListQuery)[]) {
    if (next[key] !== DEFAULT_TOKEN_LIST_QUERY[key]) params.set(key, String(next[key]));
  }
  const search = params.toString();
  return search ? `${TOKENS_PATH}?${search}` : TOKENS_PATH;
}

/** True when the list is narrowed by anything a person typed or picked (not by sort or page). */
export function isFiltered(query: TokenListQuery): boolean {
  return query.q !== "" || query.guid !== "" || query.scope !== "" || query.status !== "all";
}

/** The same view without its filters (sort and page size kept), from page 1. */
export function clearedFiltersHref(query: TokenListQuery): string {
  const { q, guid, scope, status } = DEFAULT_TOKEN_LIST_QUERY;
  return listHref(query, { q, guid, scope, status, page: 1 });
}

const FILTER_LABELS = { q: "name search", guid: "GUID filter", scope: "scope filter" } as const;

/** Filters present in the URL but unusable (and so ignored), each explained with the shared schema's own message. */
export function ignoredFilters(params: Record<string, string | string[] | undefined>, query: TokenListQuery): string[] {
  const notices: string[] = [];
  for (const key of Object.keys(FILTER_LABELS) as (keyof typeof FILTER_LABELS)[]) {
    const value = params[key];
    const raw = (Array.isArray(value) ? value[0] : value)?.trim() ?? "";
    if (!raw || query[key]) continue;
    const problem = tokenListQuerySchema.shape[key].safeParse(raw).error?.issues[0]?.message ?? "";
    const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
    notices.push(`The ${FILTER_LABELS[key]} “${shown}” was ignored. ${problem}`.trim());
  }
  return notices;
}
