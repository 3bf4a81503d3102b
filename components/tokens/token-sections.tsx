import Link from "next/link";
import type { EventView } from "@/lib/audit/contract";
import type { EventReader } from "@/lib/audit/describe";
import type { TimePrefs } from "@/lib/time-format";
import type { TokenAddressView, TokenUsageView } from "@/lib/tokens/activity";
import type { SecretHistoryEntry } from "@/lib/tokens/history";
import { EventTable } from "@/components/audit/event-table";
import { AddressTable, Section, SecretHistoryTable, TokenFields } from "@/components/tokens/token-detail";
import type { ScopeOption, Token } from "@/components/tokens/types";
import type { Granularity } from "@/components/tokens/usage-chart";
import { UsageSection } from "@/components/tokens/usage-section";

export type TokenSectionsProps = {
  token: Token;
  scopes: ScopeOption[];
  now: Date;
  usage: TokenUsageView;
  granularity: Granularity;
  prefs: TimePrefs;
  addresses: TokenAddressView[];
  history: SecretHistoryEntry[];
  events: EventView[];
  /** How many events the page read (said in the section's description). */
  eventsShown: number;
  reader: EventReader;
  /** The page itself (the chart's period links) and where a token GUID in an event leads. */
  pagePath: string;
  tokenHref: (guid: string) => string;
  /** All of the token's events: the person's security log or the administrators' audit log. */
  log: { href: string; label: string };
};

/** What the owner's token page and the administrators' one both show below their headers. */
export function TokenSections({ token, scopes, now, usage, granularity, prefs, addresses, history, events, eventsShown, reader, pagePath, tokenHref, log }: TokenSectionsProps) {
  return (
    <>
      <Section id="details" title="Details">
        <TokenFields token={token} scopes={scopes} now={now} />
      </Section>

      <UsageSection path={pagePath} usage={usage} granularity={granularity} prefs={prefs} />

      <Section id="addresses" title="Addresses" description="Where it was used from, most recent first (the 20 most recent are kept).">
        <AddressTable addresses={addresses.map((a) => ({ ...a, firstSeenAt: a.firstSeenAt.toISOString(), lastSeenAt: a.lastSeenAt.toISOString() }))} />
      </Section>

      <Section id="secrets" title="Rotation history" description="Each secret the token has had, newest first.">
        <SecretHistoryTable
          token={token}
          now={now}
          history={history.map((s) => ({ partial: s.partial, issuedAt: s.issuedAt.toISOString(), stoppedAt: s.stoppedAt?.toISOString() ?? null, current: s.current }))}
        />
      </Section>

      <Section id="events" title="Events" description={`What was done to it and by whom, newest first (the latest ${eventsShown}).`}>
        {events.length ? (
          <EventTable events={events} reader={reader} caption={`Events of ${token.name}, newest first`} tokenHref={tokenHref} />
        ) : (
          <p className="text-sm text-gray-600">Nothing recorded yet.</p>
        )}
        <Link href={log.href} className="mt-3 inline-flex min-h-10 items-center text-sm font-medium text-brand-700 underline underline-offset-2 hover:text-brand-800">
          {log.label}
        </Link>
      </Section>
    </>
  );
}
