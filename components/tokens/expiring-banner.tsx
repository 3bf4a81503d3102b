import Link from "next/link";
import { DEFAULT_TOKEN_LIST_QUERY } from "@/lib/validation/token-list";
import { tokenPath } from "@/lib/paths";
import { LocalTime, RelativeTime } from "@/components/ui/local-time";
import { WarningIcon } from "@/components/ui/icons";
import { listHref } from "./list-href";

export type ExpiringView = { tokens: { guid: string; name: string; validTo: string }[]; total: number };

/** There is no expiry filter: the rest are the active tokens, soonest end first. */
const SOONEST_FIRST = listHref({ ...DEFAULT_TOKEN_LIST_QUERY, status: "active", sort: "expires", order: "asc" });

const link = "font-medium text-amber-950 underline underline-offset-2 hover:text-black";

/** Above the list: the person's active tokens that stop working within 7 days, each linked to its page. */
export function ExpiringBanner({ expiring }: { expiring: ExpiringView }) {
  const more = expiring.total - expiring.tokens.length;
  return (
    <section aria-labelledby="expiring-title" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      <h2 id="expiring-title" className="flex items-center gap-2 font-semibold">
        <WarningIcon className="shrink-0" />
        {expiring.total === 1 ? "1 token expires within 7 days" : `${expiring.total} tokens expire within 7 days`}
      </h2>
      <p className="mt-1">Rotate or extend them before programs using them are refused.</p>
      <ul className="mt-2 space-y-1">
        {expiring.tokens.map((token) => (
          <li key={token.guid} className="wrap-anywhere">
            <Link href={tokenPath(token.guid)} className={`${link} max-sm:inline-flex max-sm:min-h-10 max-sm:items-center`}>
              {token.name}
            </Link>{" "}
            — expires <RelativeTime iso={token.validTo} /> (<LocalTime iso={token.validTo} />)
          </li>
        ))}
      </ul>
      {more > 0 ? (
        <p className="mt-2">
          <Link href={SOONEST_FIRST} className={`${link} max-sm:inline-flex max-sm:min-h-10 max-sm:items-center`}>
            and {more} more
          </Link>{" "}
          (your active tokens, soonest expiry first)
        </p>
      ) : null}
    </section>
  );
}
