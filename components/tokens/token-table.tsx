"use client";

// A client component although nothing in it is interactive: its children mostly are, and as a
// server component every row's element tree went into the page's React payload as well as its
// HTML. As a client component the payload carries the rows' data once, and the server renders
// the markup only for the HTML (see docs/performance.md).
import type { TokenListQuery } from "@/lib/validation/tokens";
import { Badge } from "@/components/ui/badge";
import { CopyButton } from "@/components/ui/copy-button";
import { LocalTime, RelativeTime } from "@/components/ui/local-time";
import { expiryOf } from "./expiry";
import { SortHeader } from "./sort-header";
import { TokenRowActions } from "./token-row-actions";
import { TokenStatusBadge } from "./token-status";
import type { ScopeOption, TokenActions, Token } from "./types";

const th = "px-2.5 py-2.5 text-left text-xs font-semibold tracking-wide whitespace-nowrap text-gray-700 uppercase";
/** Below xl a header that cannot sort is kept for screen readers only; the sortable ones form a "Sort by" bar. */
const thStatic = `${th} max-xl:sr-only`;
const thSortable = `${th} max-xl:p-0`;
/**
 * Below xl each row is a card and each cell names its column itself, from data-label: the header
 * row is not above it any more. The row and cell styles are classes in app/globals.css
 * (token-row, token-cell, token-name-cell) rather than utilities here: repeated on 250 cells, the
 * utilities were some 150 KB of the page's HTML and React payload.
 */
const td = "token-cell";
/** The name column's header stays in view with its cells (token-name-cell) when the table scrolls sideways. */
const sticky = "xl:sticky xl:left-0 xl:z-10 xl:shadow-[1px_0_0_var(--color-gray-200)]";

/**
 * The token list. From xl up it is a table, which fits the page's width there; should a long value
 * make it wider, it scrolls sideways inside its frame (`relative`, so that visually hidden,
 * absolutely positioned text in the cells stays inside it instead of widening the whole page).
 * Below xl every row is a card, so neither a phone nor a narrow window scrolls sideways. The
 * explicit roles keep the table's structure for screen readers where CSS changes its display.
 */
export function TokenTable({
  tokens,
  query,
  scopes,
  actions,
  now,
}: {
  tokens: Token[];
  query: TokenListQuery;
  scopes: ScopeOption[];
  actions: TokenActions;
  now: Date;
}) {
  return (
    <div className="relative xl:overflow-x-auto xl:rounded-lg xl:border xl:border-gray-200 xl:bg-white xl:shadow-sm">
      <table role="table" className="block w-full text-sm xl:table xl:min-w-full xl:divide-y xl:divide-gray-200">
        <caption className="sr-only">Your API tokens</caption>
        <thead role="rowgroup" className="block xl:table-header-group xl:bg-gray-50">
          <tr
            role="row"
            className="max-xl:flex max-xl:flex-wrap max-xl:items-center max-xl:gap-x-4 max-xl:gap-y-1 max-xl:pb-3 max-xl:before:text-xs max-xl:before:font-medium max-xl:before:text-gray-700 max-xl:before:content-['Sort_by']"
          >
            <SortHeader label="Name" sort="name" query={query} className={`${thSortable} ${sticky} xl:bg-gray-50`} />
            <th role="columnheader" scope="col" className={thStatic}>
              Token
            </th>
            <th role="columnheader" scope="col" className={thStatic}>
              GUID
            </th>
            <th role="columnheader" scope="col" className={thStatic}>
              Scopes
            </th>
            <SortHeader label="Created" sort="created" query={query} className={thSortable} />
            <SortHeader label="Last used" sort="lastUsed" query={query} className={thSortable} />
            <th role="columnheader" scope="col" className={thStatic}>
              Active from
            </th>
            <SortHeader label="Expires" sort="expires" query={query} className={thSortable} />
            <SortHeader label="Status" sort="status" query={query} className={thSortable} />
            <th role="columnheader" scope="col" className={thStatic}>
              Actions
            </th>
          </tr>
        </thead>
        <tbody role="rowgroup" className="block space-y-3 xl:table-row-group xl:space-y-0 xl:divide-y xl:divide-gray-200">
          {tokens.map((token) => (
            <tr
              key={token.guid}
              role="row"
              className="token-row"
            >
              <th
                role="rowheader"
                scope="row"
                className="token-name-cell"
              >
                <span className="font-medium break-words text-gray-900">{token.name}</span>
                {token.description ? <p className="mt-0.5 line-clamp-2 text-xs break-words text-gray-600">{token.description}</p> : null}
              </th>
              <td role="cell" data-label="Token" className={td}>
                <code className="font-mono text-xs whitespace-nowrap text-gray-800">{token.partial}</code>
              </td>
              <td role="cell" data-label="GUID" className={td}>
                <div className="flex items-center gap-1">
                  <code className="block max-w-[5.5rem] truncate font-mono text-xs text-gray-800" title={token.guid}>
                    {token.guid}
                  </code>
                  <CopyButton value={token.guid} label={`Copy GUID of ${token.name}`} iconOnly />
                </div>
              </td>
              <td role="cell" data-label="Scopes" className={td}>
                <ul className="flex flex-wrap gap-1 xl:min-w-24">
                  {token.scopes.map((scope) => (
                    <li key={scope}>
                      <Badge tone="gray" className="font-mono">
                        {scope}
                      </Badge>
                    </li>
                  ))}
                </ul>
              </td>
              <td role="cell" data-label="Created" className="token-cell whitespace-nowrap text-gray-800">
                <LocalTime iso={token.createdAt} dateOnly />
              </td>
              <td role="cell" data-label="Last used" className={td}>
                <LastUsed token={token} />
              </td>
              <td role="cell" data-label="Active from" className="token-cell whitespace-nowrap text-gray-800">
                <LocalTime iso={token.validFrom} dateOnly />
              </td>
              <td role="cell" data-label="Expires" className={td}>
                <Expires token={token} now={now} />
              </td>
              <td role="cell" data-label="Status" className={td}>
                <TokenStatusBadge token={token} />
              </td>
              <td role="cell" className="token-cell col-span-full max-xl:before:hidden">
                <TokenRowActions token={token} scopes={scopes} actions={actions} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LastUsed({ token }: { token: Token }) {
  if (!token.lastUsedAt) return <span className="text-gray-600">Never</span>;
  const where = [token.lastUsedIp, token.lastUsedUserAgent].filter(Boolean).join(" · ");
  return (
    <div className="whitespace-nowrap text-gray-800">
      <RelativeTime iso={token.lastUsedAt} />
      {where ? (
        <p className="max-w-48 truncate text-xs text-gray-600" title={where}>
          from {where}
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
        <span className="whitespace-nowrap text-gray-800">
          <LocalTime iso={expiry.at} dateOnly />
        </span>
      );
    case "soon":
      return (
        <div className="whitespace-nowrap text-gray-800">
          <LocalTime iso={expiry.at} dateOnly />
          <p className="text-xs font-medium text-amber-800">{expiry.inWords}</p>
        </div>
      );
    case "ended":
      return (
        <div className="space-y-0.5 whitespace-nowrap text-gray-800">
          <LocalTime iso={expiry.at} dateOnly />
          <div>
            <Badge tone={expiry.marker === "Revoked" ? "red" : "gray"}>{expiry.marker}</Badge>
          </div>
        </div>
      );
  }
}
