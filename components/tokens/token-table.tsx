"use client";

// A client component although nothing in it is interactive: its children mostly are, and as a
// server component every row's element tree went into the page's React payload as well as its
// HTML. As a client component the payload carries the rows' data once, and the server renders
// the markup only for the HTML (see docs/performance.md).
import Link from "next/link";
import { tokenPath } from "@/lib/paths";
import type { TokenListQuery } from "@/lib/validation/token-list";
import { Badge } from "@/components/ui/badge";
import { thSortable, thStatic } from "@/components/ui/card-table";
import { CopyButton } from "@/components/ui/copy-button";
import { LocalTime, RelativeTime } from "@/components/ui/local-time";
import { ScopeBadges } from "@/components/ui/scope-badges";
import { expiryOf } from "./expiry";
import { SortHeader } from "./sort-header";
import { TokenRowActions } from "./token-row-actions";
import { TokenStatusBadge } from "./token-status";
import type { Token } from "./types";

/**
 * Below xl each row is a card and each cell names its column itself, from data-label: the header
 * row is not above it any more. The row and cell styles are classes in app/globals.css
 * (token-row, token-cell, token-name-cell) rather than utilities here: repeated on 250 cells, the
 * utilities were some 150 KB of the page's HTML and React payload.
 */
const td = "token-cell";
/** More scopes than this and the list shows one less, and "+N more" opens the rest. */
const SCOPES_SHOWN = 4;

/**
 * The token list. From xl up it is a table of fixed column widths (set on the headers, summing to
 * well under the page's 1246 px) with the name taking the rest, so no value can widen it: long
 * names and IP addresses wrap, descriptions stop after two lines and user agents after one, each
 * with its whole text on hover and in the document. Below xl every row is a card. The explicit
 * roles keep the table's structure for screen readers where CSS changes its display.
 */
export function TokenTable({ tokens, query, now }: { tokens: Token[]; query: TokenListQuery; now: Date }) {
  return (
    <div className="xl:rounded-lg xl:border xl:border-gray-200 xl:bg-white xl:shadow-sm">
      <table role="table" className="block w-full text-sm xl:table xl:table-fixed xl:divide-y xl:divide-gray-200">
        <caption className="sr-only">Your API tokens</caption>
        <thead role="rowgroup" className="block xl:table-header-group xl:bg-gray-50">
          <tr
            role="row"
            className="max-xl:flex max-xl:flex-wrap max-xl:items-center max-xl:gap-x-4 max-xl:gap-y-1 max-xl:pb-3 max-xl:before:text-xs max-xl:before:font-medium max-xl:before:text-gray-700 max-xl:before:content-['Sort_by']"
          >
            <SortHeader label="Name" sort="name" query={query} className={`${thSortable} xl:pl-3`} />
            <th role="columnheader" scope="col" className={`${thStatic} xl:w-[6.75rem]`}>
              Token
            </th>
            <th role="columnheader" scope="col" className={`${thStatic} xl:w-28`}>
              GUID
            </th>
            <th role="columnheader" scope="col" className={`${thStatic} xl:w-30`}>
              Scopes
            </th>
            <SortHeader label="Created" sort="created" query={query} className={`${thSortable} xl:w-24`} />
            <SortHeader label="Last used" sort="lastUsed" query={query} className={`${thSortable} xl:w-32`} />
            <th role="columnheader" scope="col" className={`${thStatic} xl:w-24`}>
              Active from
            </th>
            <SortHeader label="Expires" sort="expires" query={query} className={`${thSortable} xl:w-28`} />
            <SortHeader label="Status" sort="status" query={query} className={`${thSortable} xl:w-28`} />
            {/* Room for Edit beside one small button (the row menu), or for the buttons stacked. */}
            <th role="columnheader" scope="col" className={`${thStatic} xl:w-28`}>
              Actions
            </th>
          </tr>
        </thead>
        <tbody role="rowgroup" className="block space-y-3 xl:table-row-group xl:space-y-0 xl:divide-y xl:divide-gray-200">
          {tokens.map((token) => (
            <tr key={token.guid} role="row" className="token-row">
              <th role="rowheader" scope="row" className="token-name-cell">
                <span className="font-medium wrap-anywhere text-gray-900">
                  <Link href={tokenPath(token.guid)} className="token-name-link">
                    {token.name}
                  </Link>
                </span>
                {token.description ? (
                  <p className="mt-0.5 line-clamp-2 text-xs wrap-anywhere text-gray-600" title={token.description}>
                    {token.description}
                  </p>
                ) : null}
              </th>
              <td role="cell" data-label="Token" className={td}>
                <code className="font-mono text-xs whitespace-nowrap text-gray-800">{token.partial}</code>
              </td>
              <td role="cell" data-label="GUID" className={td}>
                <div className="flex items-center gap-1">
                  {/* 8 hex digits and an ellipsis: the prefix the GUID filter accepts. */}
                  <code className="block max-w-[9ch] truncate font-mono text-xs text-gray-800" title={token.guid}>
                    {token.guid}
                  </code>
                  <CopyButton value={token.guid} label={`Copy GUID of ${token.name}`} iconOnly />
                </div>
              </td>
              <td role="cell" data-label="Scopes" className={td}>
                <Scopes scopes={token.scopes} />
              </td>
              <td role="cell" data-label="Created" className="token-cell text-gray-800">
                <LocalTime iso={token.createdAt} dateOnly />
              </td>
              <td role="cell" data-label="Last used" className={td}>
                <LastUsed token={token} />
              </td>
              <td role="cell" data-label="Active from" className="token-cell text-gray-800">
                <LocalTime iso={token.validFrom} dateOnly />
              </td>
              <td role="cell" data-label="Expires" className={td}>
                <Expires token={token} now={now} />
              </td>
              <td role="cell" data-label="Status" className={td}>
                <TokenStatusBadge token={token} />
              </td>
              <td role="cell" className="token-cell col-span-full max-xl:before:hidden xl:pr-3">
                <TokenRowActions token={token} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The first few scopes, and the rest behind "+N more" (a native disclosure: it works before the page hydrates). */
function Scopes({ scopes }: { scopes: string[] }) {
  if (scopes.length <= SCOPES_SHOWN) return <ScopeBadges scopes={scopes} />;
  const shown = SCOPES_SHOWN - 1;
  return (
    <div className="space-y-1">
      <ScopeBadges scopes={scopes.slice(0, shown)} />
      <details className="group">
        <summary className="inline-flex cursor-pointer list-none items-center rounded text-xs font-medium text-brand-700 underline underline-offset-2 hover:text-brand-800 focus-visible:outline-2 focus-visible:outline-brand-600 max-sm:min-h-10 pointer-coarse:min-h-10 [&::-webkit-details-marker]:hidden">
          <span className="group-open:hidden">+{scopes.length - shown} more</span>
          <span className="hidden group-open:inline">Show fewer</span>
          <span className="sr-only"> scopes</span>
        </summary>
        <div className="mt-1">
          <ScopeBadges scopes={scopes.slice(shown)} />
        </div>
      </details>
    </div>
  );
}

function LastUsed({ token }: { token: Token }) {
  if (!token.lastUsedAt) return <span className="text-gray-600">Never</span>;
  return (
    <div className="text-gray-800">
      <RelativeTime iso={token.lastUsedAt} />
      {/* The address in full (it is what tells a leaked token), the user agent on one line. */}
      {token.lastUsedIp ? <p className="text-xs wrap-anywhere text-gray-600">from {token.lastUsedIp}</p> : null}
      {token.lastUsedUserAgent ? (
        <p className="truncate text-xs text-gray-600" title={token.lastUsedUserAgent}>
          {token.lastUsedUserAgent}
        </p>
      ) : null}
    </div>
  );
}

function Expires({ token, now }: { token: Token; now: Date }) {
  const expiry = expiryOf(token, now);
  switch (expiry.kind) {
    case "never":
      return <span className="text-gray-600">Never</span>;
    case "later":
      return (
        <span className="text-gray-800">
          <LocalTime iso={expiry.at} dateOnly />
        </span>
      );
    case "soon":
      return (
        <div className="text-gray-800">
          <LocalTime iso={expiry.at} dateOnly />
          <p className="text-xs font-medium text-amber-800">{expiry.inWords}</p>
        </div>
      );
    case "ended":
      return (
        <div className="space-y-0.5 text-gray-800">
          <LocalTime iso={expiry.at} dateOnly />
          <div>
            <Badge tone={expiry.marker === "Revoked" ? "red" : "gray"}>{expiry.marker}</Badge>
          </div>
        </div>
      );
  }
}
