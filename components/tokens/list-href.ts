import { DEFAULT_TOKEN_LIST_QUERY, type TokenListQuery } from "@/lib/validation/tokens";

export const TOKENS_PATH = "/settings/tokens";

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

/** Filters present in the URL but unusable (and so ignored), each as a sentence for the page to show. */
export function ignoredFilters(params: Record<string, string | string[] | undefined>, query: TokenListQuery): string[] {
  const raw = (key: string) => {
    const value = params[key];
    return (Array.isArray(value) ? value[0] : value)?.trim() ?? "";
  };
  const notices: string[] = [];
  if (raw("guid") && !query.guid) notices.push(`“${raw("guid")}” is not a complete GUID, so the GUID filter was ignored.`);
  if (raw("scope") && !query.scope) notices.push(`“${raw("scope")}” is not a scope name, so the scope filter was ignored.`);
  if (raw("q") && !query.q) notices.push("The name search was too long (at most 200 characters), so it was ignored.");
  return notices;
}
