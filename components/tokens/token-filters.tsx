import clsx from "clsx";
import {
  activeFilterCount,
  FILTER_NAMES,
  filterFormValues,
  isFiltered,
  PAGE_SIZES,
  TOKEN_LIST_FILTERS,
  type FilterControl,
  type FilterName,
  type TokenListQuery,
} from "@/lib/validation/token-list";
import { buttonClasses } from "@/components/ui/button";
import { FilterDisclosure } from "./filter-disclosure";
import { FilterForm } from "./filter-form";
import { clearedFiltersHref } from "./list-href";
import { ListLink } from "./list-navigation";
import type { ScopeOption } from "./types";

const label = "mb-1 block text-xs font-medium text-gray-700";
const control =
  "block w-full rounded-md border border-gray-300 bg-white px-2.5 py-1.5 text-sm text-gray-900 shadow-sm placeholder:text-gray-500 focus:border-brand-600 focus:outline-2 focus:outline-brand-600/30";
// Text fields take the room of two selects; on a phone a text field has a line of its own and selects go two to a line.
const textCell = "basis-full sm:basis-48 sm:grow-[2]";
const selectCell = "min-w-0 basis-[calc(50%-0.375rem)] grow sm:basis-28";

/** One filter's field, as its declaration in lib/validation/token-list.ts describes it. */
function FilterField({ name, value, held }: { name: FilterName; value: string; held: readonly string[] }) {
  const filter = TOKEN_LIST_FILTERS[name];
  const spec: FilterControl = filter.control;
  const id = `filter-${name}`;
  return (
    <div className={spec.kind === "text" ? textCell : selectCell}>
      <label htmlFor={id} className={label}>
        {filter.label}
      </label>
      {spec.kind === "text" ? (
        <input
          id={id}
          name={name}
          type="search"
          defaultValue={value}
          placeholder={spec.placeholder}
          {...(spec.monospace && { spellCheck: false, autoComplete: "off" })}
          className={clsx(control, spec.monospace && "font-mono")}
        />
      ) : (
        <select id={id} name={name} defaultValue={value} className={control}>
          {spec.options(held, value).map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

/**
 * The list's filters and page size. Applying them starts again at page 1; a select applies at once
 * (with JavaScript), text on Enter or Apply. On a phone they fold away, saying how many are in force.
 */
export function TokenFilters({ query, scopes }: { query: TokenListQuery; scopes: ScopeOption[] }) {
  const held = scopes.map((s) => s.name);
  const active = activeFilterCount(query);

  return (
    <FilterDisclosure summary={active ? `Filters (${active})` : "Filters"} className="rounded-lg border border-gray-200 bg-white px-3 shadow-sm sm:p-4">
      <FilterForm values={filterFormValues(query)} className="pb-3 sm:pb-0">
        <div role="search" aria-label="Filter tokens" className="flex flex-wrap items-end gap-3">
          {FILTER_NAMES.map((name) => (
            <FilterField key={name} name={name} value={String(query[name])} held={held} />
          ))}
          <div className={selectCell}>
            <label htmlFor="filter-per-page" className={label}>
              Per page
            </label>
            <select id="filter-per-page" name="perPage" defaultValue={String(query.perPage)} className={control}>
              {PAGE_SIZES.map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
            </select>
          </div>
          {/* Sort survives filtering; page does not (it is left out, so the result starts at page 1). */}
          <input type="hidden" name="sort" value={query.sort} />
          <input type="hidden" name="order" value={query.order} />
          <div className="flex basis-full gap-2 sm:basis-auto">
            <button type="submit" className={buttonClasses("primary", "md", "py-1.5")}>
              Apply
            </button>
            {isFiltered(query) ? (
              <ListLink href={clearedFiltersHref(query)} className={buttonClasses("secondary", "md", "py-1.5")}>
                Clear
              </ListLink>
            ) : null}
          </div>
        </div>
      </FilterForm>
    </FilterDisclosure>
  );
}
