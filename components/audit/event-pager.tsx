import clsx from "clsx";
import Link from "next/link";

const pageLink = "inline-flex min-h-10 min-w-10 items-center justify-center rounded-md px-2.5 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-brand-600";

/** Newest, Newer, Older: a log's pages by cursor (`href` of a cursor; "" is the newest page). */
export function EventPager({ prevCursor, nextCursor, href }: { prevCursor: string | null; nextCursor: string | null; href: (cursor: string) => string }) {
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center gap-1">
      {[
        { label: "Newest", cursor: prevCursor ? "" : null },
        { label: "Newer", cursor: prevCursor },
        { label: "Older", cursor: nextCursor },
      ].map(({ label, cursor }) =>
        cursor === null ? (
          <span key={label} className={clsx(pageLink, "text-gray-500")} aria-disabled="true">
            {label}
          </span>
        ) : (
          <Link key={label} href={href(cursor)} className={clsx(pageLink, "text-gray-800 hover:bg-gray-100")}>
            {label}
          </Link>
        ),
      )}
    </nav>
  );
}

/** The downloads of everything the filters match (every page). */
export function EventDownloads({ href }: { href: (format: "csv" | "jsonl") => string }) {
  return (
    <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-gray-700">
      <span>Download everything that matches:</span>
      <a href={href("csv")} className="inline-flex min-h-10 min-w-10 items-center justify-center font-medium text-brand-700 underline-offset-2 hover:underline" download>
        CSV
      </a>
      <a href={href("jsonl")} className="inline-flex min-h-10 min-w-10 items-center justify-center font-medium text-brand-700 underline-offset-2 hover:underline" download>
        JSON Lines
      </a>
    </p>
  );
}
