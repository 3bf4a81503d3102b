import Link from "next/link";
import { DEFAULT_TOKEN_LIST_QUERY, PAGE_SIZES, type TokenListQuery } from "@/lib/validation/tokens";
import { buttonClasses } from "@/components/ui/button";
import { FilterForm } from "./filter-form";
import { clearedFiltersHref, isFiltered } from "./list-href";
import type { ScopeOption } from "./types";

const label = "mb-1 block text-xs font-medium text-gray-700";
const control =
  "block w-full rounded-md border border-gray-300 bg-white px-2.5 py-1.5 text-sm text-gray-900 shadow-sm placeholder:text-gray-500 focus:border-brand-600 focus:outline-2 focus:outline-brand-600/30";

/** Filters by name keywords, GUID, scope and status, and the page size. Applying them starts again at page 1. */
export function TokenFilters({ query, scopes }: { query: TokenListQuery; scopes: ScopeOption[] }) {
  const defaults = DEFAULT_TOKEN_LIST_QUERY;
  // A scope withdrawn from the user may still be named in a bookmarked URL; keep it selectable so the form shows the view.
  const scopeNames = scopes.map((s) => s.name);
  if (query.scope && !scopeNames.includes(query.scope)) scopeNames.push(query.scope);

  return (
    <FilterForm className="rounded-lg border border-gray-200 bg-white p-3 shadow-sm sm:p-4">
      <div role="search" aria-label="Filter tokens" className="grid grid-cols-2 gap-3 sm:grid-cols-3 sm:items-end lg:grid-cols-[2fr_2fr_1.3fr_1fr_0.8fr_auto]">
        <div className="col-span-2 sm:col-span-1">
          <label htmlFor="filter-q" className={label}>
            Name
          </label>
          <input id="filter-q" name="q" type="search" defaultValue={query.q} data-default="" placeholder="Keywords, e.g. ci deploy" className={control} />
        </div>
        <div className="col-span-2 sm:col-span-1">
          <label htmlFor="filter-guid" className={label}>
            GUID
          </label>
          <input
            id="filter-guid"
            name="guid"
            type="search"
            defaultValue={query.guid}
            data-default=""
            placeholder="Full GUID"
            spellCheck={false}
            autoComplete="off"
            className={`${control} font-mono`}
          />
        </div>
        <div className="col-span-2 sm:col-span-1">
          <label htmlFor="filter-scope" className={label}>
            Scope
          </label>
          <select id="filter-scope" name="scope" defaultValue={query.scope} data-default="" className={control}>
            <option value="">All scopes</option>
            {scopeNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="filter-status" className={label}>
            Status
          </label>
          <select id="filter-status" name="status" defaultValue={query.status} data-default={defaults.status} className={control}>
            <option value="all">All</option>
            <option value="active">Active</option>
            <option value="inactive">Inactive</option>
          </select>
        </div>
        <div>
          <label htmlFor="filter-per-page" className={label}>
            Per page
          </label>
          <select id="filter-per-page" name="perPage" defaultValue={String(query.perPage)} data-default={String(defaults.perPage)} className={control}>
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </div>
        {/* Sort survives filtering; page does not (it is left out, so the result starts at page 1). */}
        <input type="hidden" name="sort" value={query.sort} data-default={defaults.sort} />
        <input type="hidden" name="order" value={query.order} data-default={defaults.order} />
        <div className="col-span-2 flex gap-2 sm:col-span-1">
          <button type="submit" className={buttonClasses("primary", "md", "py-1.5")}>
            Apply
          </button>
          {isFiltered(query) ? (
            <Link href={clearedFiltersHref(query)} className={buttonClasses("secondary", "md", "py-1.5")}>
              Clear
            </Link>
          ) : null}
        </div>
      </div>
    </FilterForm>
  );
}
