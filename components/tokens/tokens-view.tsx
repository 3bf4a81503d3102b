import type { TokenListQuery } from "@/lib/validation/token-list";
import { KeyIcon } from "@/components/ui/icons";
import { CreateTokenButton } from "./create-token-button";
import { clearedFiltersHref, listHref } from "./list-href";
import { CreatedNotice } from "./created-notice";
import { ExpiringBanner, type ExpiringView } from "./expiring-banner";
import { ListBusy, ListLink, ListLoadingStatus, ListNavigation } from "./list-navigation";
import { Pagination } from "./pagination";
import { TokenFilters } from "./token-filters";
import { TokenGuidance } from "./token-guidance";
import { TokenDialogsHost } from "./token-dialogs";
import { TokenTable } from "./token-table";
import type { TokenPolicies } from "./token-form-values";
import type { ScopeOption, TokenActions, Token } from "./types";

export type TokensViewProps = {
  tokens: Token[];
  /** Matching tokens, counted up to the list's limit; `totalIsExact` false: more than that. */
  total: number;
  totalIsExact: boolean;
  /** null when the total is not exact. */
  pageCount: number | null;
  hasNextPage: boolean;
  query: TokenListQuery;
  /** False only when the user owns no token at all (not merely none matching the filters). */
  hasTokens: boolean;
  scopes: ScopeOption[];
  actions: TokenActions;
  /** Filters from the URL that could not be used, each with the reason. */
  notices: string[];
  now: Date;
  /** The administrators' lifetime and overlap limits, which the dialogs offer within. */
  policies?: TokenPolicies;
  /** The person's active tokens that expire within 7 days (the first few, and how many). */
  expiring?: ExpiringView;
  /** The token whose like the new-token dialog opens filled in with (`?similar=`). */
  similar?: Token | null;
};

/** The token page's body: header, then the list (or why it is empty), then guidance. */
export function TokensView({
  tokens,
  total,
  totalIsExact,
  pageCount,
  hasNextPage,
  query,
  hasTokens,
  scopes,
  actions,
  notices,
  now,
  policies,
  expiring,
  similar,
}: TokensViewProps) {
  const first = (query.page - 1) * query.perPage + 1;
  const last = first + tokens.length - 1;
  const counted = totalIsExact ? `${formatCount(total)} ${total === 1 ? "token" : "tokens"}` : `more than ${formatCount(total)} tokens`;

  return (
    <TokenDialogsHost tokens={tokens} scopes={scopes} actions={actions} policies={policies} similar={similar}>
      <div className="space-y-6">
        <header className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
          <div>
            <h1 className="text-2xl font-semibold text-gray-900">API tokens</h1>
            <p className="mt-1 max-w-2xl text-sm text-gray-600">
              Tokens let programs call the Tollgate API as you, limited to the scopes you give them.
            </p>
          </div>
          {hasTokens ? <CreateTokenButton scopes={scopes} /> : null}
        </header>

        {expiring && expiring.total > 0 ? <ExpiringBanner expiring={expiring} /> : null}

        {scopes.length === 0 ? (
          <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            You hold no scopes, so you cannot create tokens. Ask an administrator to grant you access.
          </p>
        ) : null}

        {!hasTokens ? (
          <section className="rounded-lg border border-dashed border-gray-300 bg-white px-6 py-12 text-center">
            <KeyIcon width={32} height={32} className="mx-auto text-gray-500" />
            <h2 className="mt-3 text-lg font-semibold text-gray-900">You have no API tokens yet</h2>
            <p className="mx-auto mt-1 max-w-md text-sm text-gray-600">
              Create a token for each program that needs to call the Tollgate API — a CI job, a script, a service. You choose
              what it may do and how long it works, and you can revoke it at any time.
            </p>
            <div className="mt-5">
              <CreateTokenButton scopes={scopes} label="Create your first token" />
            </div>
          </section>
        ) : (
          <section aria-labelledby="token-list-title" className="space-y-3">
            <h2 id="token-list-title" className="sr-only">
              Your tokens
            </h2>
            <ListNavigation>
              <TokenFilters query={query} scopes={scopes} />
              {notices.map((notice) => (
                <p key={notice} className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
                  {notice}
                </p>
              ))}
              <CreatedNotice query={query} />
              <div className="flex flex-wrap items-center gap-x-3">
                <p className="text-sm text-gray-700" aria-live="polite">
                  {tokens.length ? `Showing ${formatCount(first)}–${formatCount(last)} of ${counted}` : counted}
                </p>
                <ListLoadingStatus />
              </div>
              <ListBusy className="space-y-3">
                {tokens.length ? (
                  <>
                    <TokenTable tokens={tokens} query={query} now={now} />
                    <Pagination query={query} pageCount={pageCount} hasNext={hasNextPage} />
                  </>
                ) : total === 0 ? (
                  <div className="rounded-lg border border-gray-200 bg-white px-6 py-10 text-center text-sm text-gray-700">
                    <p className="font-medium text-gray-900">No tokens match these filters.</p>
                    <p className="mt-1">
                      <ListLink href={clearedFiltersHref(query)} className="font-medium text-brand-700 underline underline-offset-2">
                        Clear filters
                      </ListLink>{" "}
                      to see all your tokens.
                    </p>
                  </div>
                ) : (
                  <div className="rounded-lg border border-gray-200 bg-white px-6 py-10 text-center text-sm text-gray-700">
                    <p className="font-medium text-gray-900">This page is past the end of the list.</p>
                    <p className="mt-1">
                      <ListLink href={listHref(query, { page: 1 })} className="font-medium text-brand-700 underline underline-offset-2">
                        Go to the first page
                      </ListLink>
                    </p>
                  </div>
                )}
              </ListBusy>
            </ListNavigation>
          </section>
        )}

        <TokenGuidance />
      </div>
    </TokenDialogsHost>
  );
}

const formatCount = (n: number) => n.toLocaleString("en");
