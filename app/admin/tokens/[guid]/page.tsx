import type { Metadata } from "next";
import { cookies } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireAdmin } from "@/lib/admin/guard";
import { latestEvents, tokenGuidsOf, tokenNamesOf } from "@/lib/audit/query";
import { NotFoundError } from "@/lib/errors";
import { ADMIN_AUDIT_LOG_PATH, ADMIN_TOKENS_PATH, adminTokenPath } from "@/lib/paths";
import { describeScopes } from "@/lib/scopes/service";
import { CHART_FALLBACK_PREFS, parseTimePrefs, TIME_PREFS_COOKIE } from "@/lib/time-format";
import { tokenAddresses, tokenOwner, tokenUsage } from "@/lib/tokens/activity";
import { serializeToken } from "@/lib/tokens/contract";
import { secretHistory } from "@/lib/tokens/history";
import { getToken } from "@/lib/tokens/service";
import { findUser } from "@/lib/users/service";
import { eventHref } from "@/lib/validation/audit-events";
import type { Granularity } from "@/components/tokens/usage-chart";
import { TokenSections } from "@/components/tokens/token-sections";

export const metadata: Metadata = { title: "Token · Administration" };

const EVENTS_SHOWN = 20;
type Props = { params: Promise<{ guid: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * Any account's token as an administrator sees it: what its owner's page shows (the same sections),
 * read-only, with the owner named, so that "when, from where, how often, and what was done to it
 * by whom" has an answer for every account. Unknown, malformed or deleted: a 404.
 */
export default async function AdminTokenPage({ params, searchParams }: Props) {
  const { user } = await requireAdmin();
  const { guid } = await params;
  const granularity: Granularity = (await searchParams).usage === "daily" ? "day" : "hour";
  const now = new Date();
  const loaded = await tokenOwner(guid)
    .then(async (ownerId) => {
      const [view, usage, addresses, history, owner] = await Promise.all([
        getToken(ownerId, guid, now),
        tokenUsage(ownerId, guid, now),
        tokenAddresses(ownerId, guid),
        secretHistory(ownerId, guid),
        findUser(ownerId),
      ]);
      return { view, usage, addresses, history, owner };
    })
    .catch((error: unknown) => {
      if (error instanceof NotFoundError) notFound();
      throw error;
    });
  const { view, usage, addresses, history, owner } = loaded;
  const token = serializeToken(view);
  const [scopes, events] = await Promise.all([describeScopes(token.scopes), latestEvents({ targetToken: token.guid }, EVENTS_SHOWN)]);
  const tokenNames = await tokenNamesOf(tokenGuidsOf(events), { everyone: true });
  const prefs = parseTimePrefs((await cookies()).get(TIME_PREFS_COOKIE)?.value) ?? CHART_FALLBACK_PREFS;

  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <Link href={ADMIN_TOKENS_PATH} className="text-sm font-medium text-brand-700 underline underline-offset-2 hover:text-brand-800 max-sm:inline-flex max-sm:min-h-10 max-sm:items-center">
          ← Every token
        </Link>
        <h1 className="min-w-0 text-2xl font-semibold wrap-anywhere text-gray-900">{token.name}</h1>
        <p className="text-sm wrap-anywhere text-gray-700">
          Owned by <span className="font-medium">{owner?.email ?? "a deleted account"}</span>
          {owner?.name ? ` (${owner.name})` : null}
        </p>
        {token.description ? <p className="max-w-3xl text-sm wrap-anywhere text-gray-700">{token.description}</p> : null}
      </header>

      <TokenSections
        token={token}
        scopes={scopes}
        now={now}
        usage={usage}
        granularity={granularity}
        prefs={prefs}
        addresses={addresses}
        history={history}
        events={events}
        eventsShown={EVENTS_SHOWN}
        reader={{ userId: user.id, tokenNames }}
        pagePath={adminTokenPath(token.guid)}
        tokenHref={adminTokenPath}
        log={{ href: eventHref(ADMIN_AUDIT_LOG_PATH, { token: token.guid }), label: "All of its events in the audit log" }}
      />
    </div>
  );
}
