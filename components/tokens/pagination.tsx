import clsx from "clsx";
import type { TokenListQuery } from "@/lib/validation/token-list";
import { listHref } from "./list-href";
import { ListLink } from "./list-navigation";

/** Page numbers to offer: the first, the last, and two either side of the current one; null marks a gap. */
export function pageWindow(page: number, pageCount: number): (number | null)[] {
  const pages: (number | null)[] = [];
  for (let p = 1; p <= pageCount; p++) {
    if (p === 1 || p === pageCount || Math.abs(p - page) <= 2) pages.push(p);
    else if (pages.at(-1) !== null) pages.push(null);
  }
  return pages;
}

const item = "inline-flex min-h-10 min-w-10 items-center justify-center rounded-md px-2.5 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-brand-600";

export function Pagination({ query, pageCount, hasNext }: { query: TokenListQuery; pageCount: number | null; hasNext: boolean }) {
  return <PageLinks page={query.page} pageCount={pageCount} hasNext={hasNext} hrefOf={(page) => listHref(query, { page })} />;
}

/**
 * Any list's page links (the token page's, the administrators' user list): `hrefOf` gives a page's
 * URL. A null `pageCount` is a list whose total was not counted to the end: it offers the pages up
 * to the next one (when `hasNext`), never a last page it cannot know.
 */
export function PageLinks({
  page,
  pageCount,
  hasNext = false,
  hrefOf,
}: {
  page: number;
  pageCount: number | null;
  hasNext?: boolean;
  hrefOf: (page: number) => string;
}) {
  const nextExists = pageCount === null ? hasNext : page < pageCount;
  if (page === 1 && !nextExists) return null;
  const known = pageCount ?? (hasNext ? page + 1 : page);
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center gap-1">
      {page > 1 ? (
        <ListLink href={hrefOf(page - 1)} className={clsx(item, "text-gray-800 hover:bg-gray-100")}>
          Previous
        </ListLink>
      ) : (
        <span className={clsx(item, "text-gray-500")}>
          Previous
        </span>
      )}
      {pageWindow(page, known).map((p, index) =>
        p === null ? (
          <span key={`gap-${index}`} className={clsx(item, "text-gray-600")} aria-hidden="true">
            …
          </span>
        ) : (
          <ListLink
            key={p}
            href={hrefOf(p)}
            aria-current={p === page ? "page" : undefined}
            aria-label={`Page ${p}`}
            className={clsx(item, p === page ? "bg-brand-600 font-semibold text-white" : "text-gray-800 hover:bg-gray-100")}
          >
            {p}
          </ListLink>
        ),
      )}
      {pageCount === null && hasNext ? (
        <span className={clsx(item, "text-gray-600")} aria-hidden="true">
          …
        </span>
      ) : null}
      {nextExists ? (
        <ListLink href={hrefOf(page + 1)} className={clsx(item, "text-gray-800 hover:bg-gray-100")}>
          Next
        </ListLink>
      ) : (
        <span className={clsx(item, "text-gray-500")}>
          Next
        </span>
      )}
    </nav>
  );
}
