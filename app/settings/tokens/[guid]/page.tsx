import type { Metadata } from "next";
import { cookies } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import { latestEvents, tokenGuidsOf, tokenNamesOf } from "@/lib/audit/query";
import { NotFoundError } from "@/lib/errors";
import { SECURITY_LOG_PATH, TOKENS_PATH, tokenPath } from "@/lib/paths";
import { describeScopes } from "@/lib/scopes/service";
import { requireUser } from "@/lib/session";
import { CHART_FALLBACK_PREFS, parseTimePrefs, TIME_PREFS_COOKIE } from "@/lib/time-format";
import { tokenAddresses, tokenUsage } from "@/lib/tokens/activity";
import { serializeToken } from "@/lib/tokens/contract";
import { secretHistory } from "@/lib/tokens/history";
import { getToken } from "@/lib/tokens/service";
import { eventHref } from "@/lib/validation/audit-events";
import { TokenPageRotate } from "@/components/tokens/token-page-rotate";
import type { Granularity } from "@/components/tokens/usage-chart";
import { TokenSections } from "@/components/tokens/token-sections";
import { getPolicies } from "@/lib/policies/service";
import { rotateTokenAction } from "../actions";

export const metadata: Metadata = { title: "API token" };

const EVENTS_SHOWN = 20;
type Props = { params: Promise<{ guid: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** One token: every field, its secrets, its use (chart and table), its addresses and its events. Another's token, or none, is a 404. */
export default async function TokenPage({ params, searchParams }: Props) {
  const { guid } = await params;
  const user = await requireUser(tokenPath(guid));
  // The period is a link, not a client toggle: the page works without JavaScript. Anything else is the default.
  const search = await searchParams;
  const granularity: Granularity = search.usage === "daily" ? "day" : "hour";
  const now = new Date();
  const loaded = await Promise.all([
    getToken(user.id, guid, now),
    tokenUsage(user.id, guid, now),
    tokenAddresses(user.id, guid),
    secretHistory(user.id, guid),
  ]).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const [view, usage, addresses, history] = loaded;
  const token = serializeToken(view);
  const [scopes, events, policies] = await Promise.all([
    describeScopes(token.scopes),
    latestEvents({ targetUser: user.id, targetToken: token.guid }, EVENTS_SHOWN),
    getPolicies(),
  ]);
  const tokenNames = await tokenNamesOf(tokenGuidsOf(events), { own: user.id });
  const prefs = parseTimePrefs((await cookies()).get(TIME_PREFS_COOKIE)?.value) ?? CHART_FALLBACK_PREFS;

  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <Link href={TOKENS_PATH} className="text-sm font-medium text-brand-700 underline underline-offset-2 hover:text-brand-800 max-sm:inline-flex max-sm:min-h-10 max-sm:items-center">
          ← All tokens
        </Link>
        <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
          <h1 className="min-w-0 text-2xl font-semibold wrap-anywhere text-gray-900">{token.name}</h1>
          {/* A mail's "Rotate" link (?rotate=1) opens the dialog on arrival. */}
          <TokenPageRotate
            token={token}
            policies={{ maxTokenLifetimeDays: policies.maxTokenLifetimeDays, maxRotationOverlapSeconds: policies.maxRotationOverlapSeconds }}
            rotate={rotateTokenAction}
            openOnArrival={search.rotate === "1"}
          />
        </div>
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
        pagePath={tokenPath(token.guid)}
        tokenHref={tokenPath}
        log={{ href: eventHref(SECURITY_LOG_PATH, { token: token.guid }), label: "All of its events in the security log" }}
      />
    </div>
  );
}
