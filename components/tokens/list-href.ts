import { TOKENS_PATH } from "@/lib/paths";
import { formSearch, listSearch, withoutFilters, type TokenListQuery } from "@/lib/validation/token-list";

const hrefOf = (search: string) => (search ? `${TOKENS_PATH}?${search}` : TOKENS_PATH);

/** The page URL for a list view; values equal to their default are left out to keep links short. */
export function listHref(query: TokenListQuery, changes: Partial<TokenListQuery> = {}): string {
  return hrefOf(listSearch({ ...query, ...changes }));
}

/** The same view without its filters (sort and page size kept), from page 1. */
export function clearedFiltersHref(query: TokenListQuery): string {
  return listHref(withoutFilters(query));
}

/** Where the filter form goes: its fields as typed, the ones at their default left out, from page 1. */
export function formHref(form: HTMLFormElement): string {
  const entries = [...new FormData(form)].filter((entry): entry is [string, string] => typeof entry[1] === "string");
  return hrefOf(formSearch(entries));
}
