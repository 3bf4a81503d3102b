"use client";

import Link from "next/link";
import { DEFAULT_TOKEN_LIST_QUERY, isFiltered, type TokenListQuery } from "@/lib/validation/token-list";
import { listHref } from "./list-href";
import { useTokenDialogs } from "./token-dialogs";

/** A token just created that the list does not show (a filter, or another page) is not left to vanish without a word. */
export function CreatedNotice({ query }: { query: TokenListQuery }) {
  const { created } = useTokenDialogs();
  if (!created || created.listed !== false) return null;
  const { perPage, sort, order } = query;
  const href = listHref({ ...DEFAULT_TOKEN_LIST_QUERY, perPage, sort, order }, { guid: created.guid });
  return (
    <p role="status" className="rounded-md border border-blue-200 bg-blue-50 px-3 py-2 text-sm text-blue-900">
      {isFiltered(query) ? `Created “${created.name}”, hidden by the current filters.` : `Created “${created.name}”; it is not on this page.`}{" "}
      <Link href={href} className="font-medium underline underline-offset-2">
        Show it
      </Link>
    </p>
  );
}
