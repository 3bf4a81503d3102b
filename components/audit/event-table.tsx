import Link from "next/link";
import type { EventView } from "@/lib/audit/contract";
import { describeActor, describeEvent, type EventReader } from "@/lib/audit/describe";
import { TAP_TARGET } from "@/components/ui/button";
import { thStatic } from "@/components/ui/card-table";
import { LocalTime } from "@/components/ui/local-time";

export type EventTableProps = {
  events: EventView[];
  /** Who reads the table ("You") and the token names the page looked up. */
  reader: EventReader;
  caption: string;
  /** The account each event concerns (the audit log over every account): its email by user id. */
  accounts?: Readonly<Record<string, string>>;
  /** Show the account column (needs `accounts`). */
  showAccount?: boolean;
  /** Show the address and user agent (default true). */
  showClient?: boolean;
  /** Where a token's GUID leads (the log filtered by it, or the token's page); none: plain text. */
  tokenHref?: (guid: string) => string;
};

const link = `${TAP_TARGET} inline-flex items-center rounded font-mono text-xs text-brand-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-brand-600`;

function TokenRef({ guid, href }: { guid: string; href?: (guid: string) => string }) {
  const text = `${guid.slice(0, 8)}…`;
  return href ? (
    <Link href={href(guid)} title={guid} className={link} aria-label={`Token ${guid}`}>
      {text}
    </Link>
  ) : (
    <span title={guid} className="font-mono text-xs text-gray-700">
      {text}
    </span>
  );
}

/**
 * A log of events, newest first: a table from xl up, a card per event below (the token list's
 * row and cell classes). Each event says what happened in words, who did it from the reader's
 * side, from where, and when, in the reader's zone (LocalTime).
 */
export function EventTable({ events, reader, caption, accounts, showAccount = false, showClient = true, tokenHref }: EventTableProps) {
  return (
    <div className="xl:rounded-lg xl:border xl:border-gray-200 xl:bg-white xl:shadow-sm">
      <table role="table" className="block w-full text-sm xl:table xl:table-fixed xl:divide-y xl:divide-gray-200">
        <caption className="sr-only">{caption}</caption>
        <thead role="rowgroup" className="block xl:table-header-group xl:bg-gray-50">
          <tr role="row">
            <th role="columnheader" scope="col" className={`${thStatic} xl:pl-3`}>
              What happened
            </th>
            <th role="columnheader" scope="col" className={`${thStatic} xl:w-44`}>
              When
            </th>
            <th role="columnheader" scope="col" className={`${thStatic} xl:w-56`}>
              Who
            </th>
            {showAccount ? (
              <th role="columnheader" scope="col" className={`${thStatic} xl:w-52`}>
                Account
              </th>
            ) : null}
            {showClient ? (
              <th role="columnheader" scope="col" className={`${thStatic} xl:w-56 xl:pr-3`}>
                From
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody role="rowgroup" className="block space-y-3 xl:table-row-group xl:space-y-0 xl:divide-y xl:divide-gray-200">
          {events.map((event) => {
            const words = describeEvent(event, reader);
            return (
            <tr key={event.id} role="row" className="token-row" data-event-id={event.id}>
              <th role="rowheader" scope="row" className="token-name-cell">
                <span className="block font-medium wrap-anywhere text-gray-900">{words}</span>
                {words !== event.title || event.target.tokenGuid ? (
                  <span className="mt-0.5 flex flex-wrap items-center gap-x-2 text-xs text-gray-600">
                    {words !== event.title ? <span>{event.title}</span> : null}
                    {event.target.tokenGuid ? <TokenRef guid={event.target.tokenGuid} href={tokenHref} /> : null}
                  </span>
                ) : null}
              </th>
              <td role="cell" data-label="When" className="token-cell text-gray-800">
                <LocalTime iso={event.occurredAt} />
              </td>
              <td role="cell" data-label="Who" className="token-cell wrap-anywhere text-gray-800">
                {describeActor(event, reader)}
              </td>
              {showAccount ? (
                <td role="cell" data-label="Account" className="token-cell wrap-anywhere text-gray-800">
                  {event.target.userId ? (accounts?.[event.target.userId] ?? <span className="font-mono text-xs">{event.target.userId}</span>) : <span className="text-gray-600">None</span>}
                </td>
              ) : null}
              {showClient ? (
                <td role="cell" data-label="From" className="token-cell xl:pr-3">
                  {event.ip ? <span className="block wrap-anywhere text-gray-800">{event.ip}</span> : <span className="text-gray-600">No address</span>}
                  {event.userAgent ? (
                    <span className="block truncate text-xs text-gray-600" title={event.userAgent}>
                      {event.userAgent}
                    </span>
                  ) : null}
                </td>
              ) : null}
            </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
