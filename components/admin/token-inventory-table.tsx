"use client";

import clsx from "clsx";
import Link from "next/link";
import { useState } from "react";
import type { InventoryTokenItem } from "@/lib/api/schemas";
import { adminTokenPath } from "@/lib/paths";
import { inventoryHref, type InventoryQuery, type InventorySort } from "@/lib/validation/admin-tokens";
import { Badge } from "@/components/ui/badge";
import { Button, TAP_TARGET } from "@/components/ui/button";
import { thSortable, thStatic } from "@/components/ui/card-table";
import { ArrowDownIcon, ArrowUpDownIcon, ArrowUpIcon } from "@/components/ui/icons";
import { LocalTime, RelativeTime } from "@/components/ui/local-time";
import { ScopeBadges } from "@/components/ui/scope-badges";
import { TokenStatusBadge } from "@/components/tokens/token-status";
import { RevokeTokenDialog, type AdminRevoke } from "./revoke-token-dialog";


/** The order a column starts in when first chosen: what an administrator usually looks for first. */
const FIRST_ORDER: Record<InventorySort, InventoryQuery["order"]> = {
  owner: "asc",
  name: "asc",
  status: "asc",
  created: "desc",
  lastUsed: "asc",
  expires: "asc",
};

function SortHeader({ label, sort, query, className }: { label: string; sort: InventorySort; query: InventoryQuery; className?: string }) {
  const current = query.sort === sort;
  const nextOrder = current ? (query.order === "asc" ? "desc" : "asc") : FIRST_ORDER[sort];
  const Arrow = !current ? ArrowUpDownIcon : query.order === "asc" ? ArrowUpIcon : ArrowDownIcon;
  return (
    <th role="columnheader" scope="col" aria-sort={current ? (query.order === "asc" ? "ascending" : "descending") : undefined} className={className}>
      <Link
        href={inventoryHref({ ...query, sort, order: nextOrder, cursor: "" })}
        className={clsx("inline-flex items-center gap-1 rounded hover:text-gray-900 focus-visible:outline-2 focus-visible:outline-brand-600", TAP_TARGET, current ? "text-gray-900" : "text-gray-700")}
      >
        {label}
        <span className="sr-only">, sort {nextOrder === "asc" ? "ascending" : "descending"}</span>
        <Arrow width={14} height={14} className={current ? "" : "opacity-60"} />
      </Link>
    </th>
  );
}

/**
 * Every user's tokens: a table from xl up, a card per token below (the token page's row and cell
 * classes). The list holds the one revoke dialog and the token it is for; rows only open it.
 */
export function TokenInventoryTable({ tokens, query, revoke }: { tokens: InventoryTokenItem[]; query: InventoryQuery; revoke: AdminRevoke }) {
  const [revoking, setRevoking] = useState<InventoryTokenItem | null>(null);
  return (
    <div className="xl:rounded-lg xl:border xl:border-gray-200 xl:bg-white xl:shadow-sm">
      <table role="table" className="block w-full text-sm xl:table xl:table-fixed xl:divide-y xl:divide-gray-200">
        <caption className="sr-only">Every user&apos;s API tokens</caption>
        <thead role="rowgroup" className="block xl:table-header-group xl:bg-gray-50">
          <tr
            role="row"
            className="max-xl:flex max-xl:flex-wrap max-xl:items-center max-xl:gap-x-4 max-xl:gap-y-1 max-xl:pb-3 max-xl:before:text-xs max-xl:before:font-medium max-xl:before:text-gray-700 max-xl:before:content-['Sort_by']"
          >
            <SortHeader label="Name" sort="name" query={query} className={`${thSortable} xl:pl-3`} />
            <SortHeader label="Owner" sort="owner" query={query} className={`${thSortable} xl:w-48`} />
            <th role="columnheader" scope="col" className={`${thStatic} xl:w-32`}>
              Scopes
            </th>
            <SortHeader label="Created" sort="created" query={query} className={`${thSortable} xl:w-24`} />
            <SortHeader label="Last used" sort="lastUsed" query={query} className={`${thSortable} xl:w-32`} />
            <SortHeader label="Expires" sort="expires" query={query} className={`${thSortable} xl:w-24`} />
            <SortHeader label="Status" sort="status" query={query} className={`${thSortable} xl:w-36`} />
            <th role="columnheader" scope="col" className={`${thStatic} xl:w-24`}>
              Actions
            </th>
          </tr>
        </thead>
        <tbody role="rowgroup" className="block space-y-3 xl:table-row-group xl:space-y-0 xl:divide-y xl:divide-gray-200">
          {tokens.map((token) => (
            <tr key={token.guid} role="row" className="token-row">
              <th role="rowheader" scope="row" className="token-name-cell">
                <span className="font-medium wrap-anywhere text-gray-900">
                  <Link href={adminTokenPath(token.guid)} className="token-name-link">
                    {token.name}
                  </Link>
                </span>
                <p className="mt-0.5 font-mono text-xs text-gray-700">{token.partial}</p>
                {token.breaksPolicy ? (
                  <p className="mt-1">
                    <Badge tone="amber">Breaks policy</Badge>
                  </p>
                ) : null}
              </th>
              <td role="cell" data-label="Owner" className="token-cell">
                <span className="block wrap-anywhere text-gray-900">{token.owner.email}</span>
                <span className="block text-xs wrap-anywhere text-gray-600">{token.owner.name}</span>
              </td>
              <td role="cell" data-label="Scopes" className="token-cell">
                <ScopeBadges scopes={token.scopes} />
              </td>
              <td role="cell" data-label="Created" className="token-cell text-gray-800">
                <LocalTime iso={token.createdAt} dateOnly />
              </td>
              <td role="cell" data-label="Last used" className="token-cell">
                {token.lastUsedAt ? (
                  <div className="text-gray-800">
                    <RelativeTime iso={token.lastUsedAt} />
                    {token.lastUsedIp ? <p className="text-xs wrap-anywhere text-gray-600">from {token.lastUsedIp}</p> : null}
                  </div>
                ) : (
                  <span className="text-gray-600">Never</span>
                )}
              </td>
              <td role="cell" data-label="Expires" className="token-cell text-gray-800">
                {token.validTo ? <LocalTime iso={token.validTo} dateOnly /> : <span className="text-gray-600">Never</span>}
              </td>
              <td role="cell" data-label="Status" className="token-cell">
                <TokenStatusBadge token={token} />
              </td>
              <td role="cell" className="token-cell col-span-full max-xl:before:hidden xl:pr-3">
                {token.status === "active" ? (
                  <Button size="sm" variant="secondary" onClick={() => setRevoking(token)} aria-label={`Revoke ${token.name} of ${token.owner.email}…`}>
                    Revoke…
                  </Button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <RevokeTokenDialog token={revoking} onClose={() => setRevoking(null)} revoke={revoke} />
    </div>
  );
}
