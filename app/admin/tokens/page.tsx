import type { Metadata } from "next";
import Link from "next/link";
import clsx from "clsx";
import { requireAdmin } from "@/lib/admin/guard";
import { COUNT_LIMIT, listAllTokens } from "@/lib/admin/token-inventory";
import { inventoryPageView } from "@/lib/api/views";
import { ValidationError } from "@/lib/errors";
import { scopeCatalogue } from "@/lib/scopes/service";
import { inventoryHref, inventoryQueryFromSearchParams } from "@/lib/validation/admin-tokens";
import { TokenInventoryFilters } from "@/components/admin/token-inventory-filters";
import { TokenInventoryTable } from "@/components/admin/token-inventory-table";
import { revokeTokenAsAdminAction } from "./actions";

export const metadata: Metadata = { title: "Every token · Administration" };

const pageLink = "inline-flex min-h-10 min-w-10 items-center justify-center rounded-md px-2.5 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-brand-600";

export default async function AdminTokensPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin();
  const { query: parsed, ignored } = inventoryQueryFromSearchParams(await searchParams);
  let query = parsed;
  const notices = [...ignored];
  let page;
  try {
    page = await listAllTokens(query);
  } catch (error) {
    // A stale or edited cursor: the first page of the same view, and why.
    if (!(error instanceof ValidationError) || !error.fieldErrors.cursor) throw error;
    notices.push(`The page link was out of date, so the first page is shown. ${error.fieldErrors.cursor[0]}`);
    query = { ...query, cursor: "" };
    page = await listAllTokens(query);
  }
  const view = inventoryPageView(page);
  const scopes = (await scopeCatalogue()).map((s) => s.name);
  const count = view.totalIsExact ? view.total.toLocaleString("en") : `${COUNT_LIMIT.toLocaleString("en")}+`;

  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold text-gray-900">Every token</h1>
        <p className="mt-1 max-w-2xl text-sm text-gray-600">
          All users&apos; API tokens. Revoke one with a reason, which its owner is shown. Secrets are never stored, so none can be shown.
        </p>
      </header>
      <TokenInventoryFilters query={query} scopes={scopes} />
      {[...notices, ...view.notices].map((notice) => (
        <p key={notice} role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {notice}
        </p>
      ))}
      <p className="text-sm text-gray-700" aria-live="polite">
        {view.total === 0 ? "No tokens match." : `${count} ${view.total === 1 && view.totalIsExact ? "token" : "tokens"}`}
      </p>
      {view.tokens.length ? <TokenInventoryTable tokens={view.tokens} query={query} revoke={revokeTokenAsAdminAction} /> : null}
      <nav aria-label="Pages" className="flex flex-wrap items-center gap-1">
        {[
          { label: "First", cursor: view.prevCursor ? "" : null },
          { label: "Previous", cursor: view.prevCursor },
          { label: "Next", cursor: view.nextCursor },
        ].map(({ label, cursor }) =>
          cursor === null ? (
            <span key={label} className={clsx(pageLink, "text-gray-500")} aria-disabled="true">
              {label}
            </span>
          ) : (
            <Link key={label} href={inventoryHref({ ...query, cursor })} className={clsx(pageLink, "text-gray-800 hover:bg-gray-100")}>
              {label}
            </Link>
          ),
        )}
      </nav>
    </div>
  );
}
