import type { TokenListQuery } from "@/lib/validation/tokens";
import { Badge } from "@/components/ui/badge";
import { CopyButton } from "@/components/ui/copy-button";
import { LocalTime, RelativeTime } from "@/components/ui/local-time";
import { expiryOf } from "./expiry";
import { SortHeader } from "./sort-header";
import { TokenRowActions } from "./token-row-actions";
import { TokenStatusBadge } from "./token-status";
import type { ScopeOption, TokenActions, TokenItem } from "./types";

const th = "px-3 py-2.5 text-left text-xs font-semibold tracking-wide whitespace-nowrap text-gray-700 uppercase";
const td = "px-3 py-3 align-top";
/** On a phone the table scrolls sideways; the name column stays in view so each row stays identifiable. */
const stickyOnPhones = "max-sm:sticky max-sm:left-0 max-sm:z-10 max-sm:shadow-[1px_0_0_var(--color-gray-200)]";

/**
 * The token list. On narrow screens it scrolls sideways inside its frame rather than squeezing
 * the columns; the frame is `relative` so that visually hidden (absolutely positioned) text in
 * the cells stays inside it instead of widening the whole page.
 */
export function TokenTable({
  tokens,
  query,
  scopes,
  actions,
  now,
}: {
  tokens: TokenItem[];
  query: TokenListQuery;
  scopes: ScopeOption[];
  actions: TokenActions;
  now: Date;
}) {
  return (
    <>
    <p className="text-xs text-gray-600 sm:hidden">Scroll the table sideways to see every column.</p>
    <div className="relative overflow-x-auto rounded-lg border border-gray-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-gray-200 text-sm">
        <caption className="sr-only">Your API tokens</caption>
        <thead className="bg-gray-50">
          <tr>
            <SortHeader label="Name" sort="name" query={query} className={`${th} ${stickyOnPhones} bg-gray-50`} />
            <th scope="col" className={th}>
              Token
            </th>
            <th scope="col" className={th}>
              GUID
            </th>
            <th scope="col" className={th}>
              Scopes
            </th>
            <SortHeader label="Created" sort="created" query={query} className={th} />
            <SortHeader label="Last used" sort="lastUsed" query={query} className={th} />
            <th scope="col" className={th}>
              Active from
            </th>
            <SortHeader label="Expires" sort="expires" query={query} className={th} />
            <SortHeader label="Status" sort="status" query={query} className={th} />
            <th scope="col" className={th}>
              Actions
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-200">
          {tokens.map((token) => (
            <tr key={token.guid} className="hover:bg-gray-50/60">
              <th scope="row" className={`${td} ${stickyOnPhones} min-w-36 max-w-64 bg-white text-left font-normal`}>
                <span className="font-medium break-words text-gray-900">{token.name}</span>
                {token.description ? <p className="mt-0.5 line-clamp-2 text-xs break-words text-gray-600">{token.description}</p> : null}
              </th>
              <td className={td}>
                <code className="font-mono text-xs whitespace-nowrap text-gray-800">{token.partial}</code>
              </td>
              <td className={td}>
                <div className="flex items-center gap-1">
                  <code className="block max-w-[6.5rem] truncate font-mono text-xs text-gray-800" title={token.guid}>
                    {token.guid}
                  </code>
                  <CopyButton value={token.guid} label={`Copy GUID of ${token.name}`} iconOnly />
                </div>
              </td>
              <td className={td}>
                <ul className="flex min-w-32 flex-wrap gap-1">
                  {token.scopes.map((scope) => (
                    <li key={scope}>
                      <Badge tone="gray" className="font-mono">
                        {scope}
                      </Badge>
                    </li>
                  ))}
                </ul>
              </td>
              <td className={`${td} whitespace-nowrap text-gray-800`}>
                <LocalTime iso={token.createdAt} dateOnly />
              </td>
              <td className={td}>
                <LastUsed token={token} />
              </td>
              <td className={`${td} whitespace-nowrap text-gray-800`}>
                <LocalTime iso={token.validFrom} dateOnly />
              </td>
              <td className={td}>
                <Expires token={token} now={now} />
              </td>
              <td className={td}>
                <TokenStatusBadge token={token} />
              </td>
              <td className={td}>
                <TokenRowActions token={token} scopes={scopes} actions={actions} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
    </>
  );
}

function LastUsed({ token }: { token: TokenItem }) {
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

function Expires({ token, now }: { token: TokenItem; now: Date }) {
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
