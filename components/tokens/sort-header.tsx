import clsx from "clsx";
import type { TokenListQuery } from "@/lib/validation/token-list";
import { TAP_TARGET } from "@/components/ui/button";
import { ArrowDownIcon, ArrowUpDownIcon, ArrowUpIcon } from "@/components/ui/icons";
import { listHref } from "./list-href";
import { ListLink } from "./list-navigation";

type Sort = TokenListQuery["sort"];

/** The order a column starts in when first clicked: what people usually look for first. */
const FIRST_ORDER: Record<Sort, TokenListQuery["order"]> = {
  name: "asc",
  status: "asc",
  created: "desc",
  lastUsed: "desc",
  expires: "asc",
};

export function SortHeader({ label, sort, query, className }: { label: string; sort: Sort; query: TokenListQuery; className?: string }) {
  const current = query.sort === sort;
  const nextOrder = current ? (query.order === "asc" ? "desc" : "asc") : FIRST_ORDER[sort];
  const Arrow = !current ? ArrowUpDownIcon : query.order === "asc" ? ArrowUpIcon : ArrowDownIcon;
  return (
    <th role="columnheader" scope="col" aria-sort={current ? (query.order === "asc" ? "ascending" : "descending") : undefined} className={className}>
      <ListLink
        href={listHref(query, { sort, order: nextOrder, page: 1 })}
        className={clsx(
          "inline-flex items-center gap-1 rounded hover:text-gray-900 focus-visible:outline-2 focus-visible:outline-brand-600",
          TAP_TARGET,
          current ? "text-gray-900" : "text-gray-700",
        )}
      >
        {label}
        <span className="sr-only">, sort {nextOrder === "asc" ? "ascending" : "descending"}</span>
        <Arrow width={14} height={14} className={current ? "" : "opacity-60"} />
      </ListLink>
    </th>
  );
}
