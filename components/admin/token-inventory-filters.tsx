import Form from "next/form";
import Link from "next/link";
import { ADMIN_TOKENS_PATH } from "@/lib/paths";
import { PAGE_SIZES, UNUSED_FILTERS, UNUSED_LABELS } from "@/lib/validation/token-list";
import { INVENTORY_FILTER_NAMES, DEFAULT_INVENTORY_QUERY, type InventoryQuery } from "@/lib/validation/admin-tokens";
import { buttonClasses } from "@/components/ui/button";

const label = "mb-1 block text-xs font-medium text-gray-700";
const control =
  "block w-full rounded-md border border-gray-300 bg-white px-2.5 py-1.5 text-sm text-gray-900 shadow-sm placeholder:text-gray-500 focus:border-brand-600 focus:outline-2 focus:outline-brand-600/30";
const textCell = "basis-full sm:basis-56 sm:grow-[2]";
const selectCell = "min-w-0 basis-[calc(50%-0.375rem)] grow sm:basis-32";

const STATUS_OPTIONS = [
  ["all", "All"],
  ["active", "Active"],
  ["inactive", "Inactive"],
  ["revoked", "Revoked"],
  ["expired", "Expired"],
  ["scheduled", "Scheduled"],
] as const;
const UNUSED_OPTIONS = UNUSED_FILTERS.map((value) => [value, UNUSED_LABELS[value]] as const);
const EXPIRING_OPTIONS = [
  ["", "Any time"],
  ["7", "Within 7 days"],
  ["30", "Within 30 days"],
] as const;

function Select({ name, title, value, options }: { name: string; title: string; value: string; options: readonly (readonly [string, string])[] }) {
  return (
    <div className={selectCell}>
      <label htmlFor={`inventory-${name}`} className={label}>
        {title}
      </label>
      <select id={`inventory-${name}`} name={name} defaultValue={value} className={control}>
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * The inventory's filters as a GET form: the view lives in the URL (bookmarkable, Back works),
 * and next/form navigates without a full reload when JavaScript runs. Applying starts at the first page.
 */
export function TokenInventoryFilters({ query, scopes }: { query: InventoryQuery; scopes: string[] }) {
  const filtered = INVENTORY_FILTER_NAMES.some((name) => query[name] !== DEFAULT_INVENTORY_QUERY[name]);
  const scopeOptions = [["", "All scopes"] as const, ...[...scopes, ...(query.scope && !scopes.includes(query.scope) ? [query.scope] : [])].map((s) => [s, s] as const)];
  return (
    <Form action={ADMIN_TOKENS_PATH} key={JSON.stringify(query)} className="rounded-lg border border-gray-200 bg-white p-3 shadow-sm sm:p-4">
      <div role="search" aria-label="Filter tokens" className="flex flex-wrap items-end gap-3">
        <div className={textCell}>
          <label htmlFor="inventory-owner" className={label}>
            Owner
          </label>
          <input id="inventory-owner" name="owner" type="search" defaultValue={query.owner} placeholder="Email, name or user id" className={control} />
        </div>
        <Select name="scope" title="Scope" value={query.scope} options={scopeOptions} />
        <Select name="status" title="Status" value={query.status} options={STATUS_OPTIONS} />
        <Select name="unused" title="Unused for" value={query.unused} options={UNUSED_OPTIONS} />
        <Select name="expiring" title="Expires" value={query.expiring} options={EXPIRING_OPTIONS} />
        <Select name="perPage" title="Per page" value={String(query.perPage)} options={PAGE_SIZES.map((n) => [String(n), String(n)] as const)} />
        <div className="flex min-h-10 basis-full items-center gap-2 sm:basis-auto">
          <input id="inventory-breaks-policy" name="breaksPolicy" type="checkbox" value="true" defaultChecked={query.breaksPolicy === "true"} className="size-4" />
          <label htmlFor="inventory-breaks-policy" className="text-sm text-gray-800">
            Breaks policy
          </label>
        </div>
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="order" value={query.order} />
        <div className="flex basis-full gap-2 sm:basis-auto">
          <button type="submit" className={buttonClasses("primary", "md", "py-1.5")}>
            Apply
          </button>
          {filtered ? (
            <Link href={`${ADMIN_TOKENS_PATH}?sort=${query.sort}&order=${query.order}`} className={buttonClasses("secondary", "md", "py-1.5")}>
              Clear
            </Link>
          ) : null}
        </div>
      </div>
    </Form>
  );
}
