import type { Metadata } from "next";
import { ACTION_OPTIONS, loadLogPage } from "@/lib/audit/log-page";
import { SECURITY_LOG_EXPORT_PATH, SECURITY_LOG_PATH } from "@/lib/paths";
import { requireUser } from "@/lib/session";
import { eventHref, eventSearch, OWN_LOG_PARAMETERS } from "@/lib/validation/audit-events";
import { EventFilters } from "@/components/audit/event-filters";
import { EventDownloads, EventPager } from "@/components/audit/event-pager";
import { EventTable } from "@/components/audit/event-table";

export const metadata: Metadata = { title: "Security log" };

export default async function SecurityLogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser(SECURITY_LOG_PATH);
  const { query, page, notices, reader } = await loadLogPage(await searchParams, OWN_LOG_PARAMETERS, { own: user.id }, user.id);
  const filters = { action: query.action, token: query.token, from: query.from, to: query.to };
  const view = { ...filters, limit: query.limit };

  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold text-gray-900">Security log</h1>
        <p className="mt-1 max-w-2xl text-sm text-gray-600">
          What was done to your account and your tokens, and by whom: you, your tokens, an administrator or Tollgate itself. Newest first.
          If something here was not you, revoke the token concerned and change your password.
        </p>
      </header>
      <EventFilters path={SECURITY_LOG_PATH} values={filters} options={ACTION_OPTIONS} />
      {notices.map((notice) => (
        <p key={notice} role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {notice}
        </p>
      ))}
      <EventDownloads href={(format) => `${SECURITY_LOG_EXPORT_PATH}?${new URLSearchParams({ format, ...Object.fromEntries(new URLSearchParams(eventSearch(filters))) })}`} />
      {page.events.length ? (
        <EventTable events={page.events} reader={reader} caption="Your security log" tokenHref={(guid) => eventHref(SECURITY_LOG_PATH, { ...view, token: guid })} />
      ) : (
        <p className="text-sm text-gray-700" aria-live="polite">
          No events match.
        </p>
      )}
      <EventPager prevCursor={page.prevCursor} nextCursor={page.nextCursor} href={(cursor) => eventHref(SECURITY_LOG_PATH, { ...view, cursor })} />
    </div>
  );
}
