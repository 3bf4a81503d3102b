import type { Metadata } from "next";
import { requireAdmin } from "@/lib/admin/guard";
import { ACTION_OPTIONS, loadLogPage } from "@/lib/audit/log-page";
import { ADMIN_AUDIT_LOG_EXPORT_PATH, ADMIN_AUDIT_LOG_PATH } from "@/lib/paths";
import { EVENT_PARAMETER_NAMES, eventHref, eventSearch } from "@/lib/validation/audit-events";
import { EventFilters } from "@/components/audit/event-filters";
import { EventDownloads, EventPager } from "@/components/audit/event-pager";
import { EventTable } from "@/components/audit/event-table";

export const metadata: Metadata = { title: "Audit log · Administration" };

export default async function AdminAuditLogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user } = await requireAdmin();
  const { query, page, notices, reader, accounts } = await loadLogPage(await searchParams, EVENT_PARAMETER_NAMES, { everyone: true }, user.id);
  const filters = { action: query.action, user: query.user, actor: query.actor, token: query.token, actorToken: query.actorToken, from: query.from, to: query.to };
  const view = { ...filters, limit: query.limit };

  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold text-gray-900">Audit log</h1>
        <p className="mt-1 max-w-2xl text-sm text-gray-600">
          Every account&apos;s events, newest first: what was done, by whom, from where. Filter by the account concerned, by who did it, or by token.
        </p>
      </header>
      <EventFilters path={ADMIN_AUDIT_LOG_PATH} values={filters} options={ACTION_OPTIONS} admin />
      {notices.map((notice) => (
        <p key={notice} role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {notice}
        </p>
      ))}
      <EventDownloads href={(format) => `${ADMIN_AUDIT_LOG_EXPORT_PATH}?${new URLSearchParams({ format, ...Object.fromEntries(new URLSearchParams(eventSearch(filters))) })}`} />
      {page.events.length ? (
        <EventTable
          events={page.events}
          reader={reader}
          caption="Every account's events"
          accounts={accounts}
          showAccount
          tokenHref={(guid) => eventHref(ADMIN_AUDIT_LOG_PATH, { ...view, token: guid })}
        />
      ) : (
        <p className="text-sm text-gray-700" aria-live="polite">
          No events match.
        </p>
      )}
      <EventPager prevCursor={page.prevCursor} nextCursor={page.nextCursor} href={(cursor) => eventHref(ADMIN_AUDIT_LOG_PATH, { ...view, cursor })} />
    </div>
  );
}
