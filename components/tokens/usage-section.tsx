import Link from "next/link";
import type { TimePrefs } from "@/lib/time-format";
import { total, type TokenUsageView } from "@/lib/tokens/activity";
import { Section, SourceList } from "./token-detail";
import { UsageChart, type Granularity } from "./usage-chart";

const PERIODS = { hour: "Last 7 days (hourly)", day: "Last 90 days (daily)" } as const satisfies Record<Granularity, string>;

/**
 * A token's "Use" section: the period links (a link each, no client state: the page works without
 * JavaScript), the chart with its table, and the services that introspected it. The owner's page
 * and the administrators' page of a token show it alike; `path` is the page's own.
 */
export function UsageSection({ path, usage, granularity, prefs }: { path: string; usage: TokenUsageView; granularity: Granularity; prefs: TimePrefs }) {
  const buckets = (granularity === "hour" ? usage.hourly : usage.daily).map(({ start, ...counts }) => ({ start: start.toISOString(), ...counts }));
  const totals = granularity === "hour" ? usage.totals.hourly : usage.totals.daily;
  return (
    <Section
      id="usage"
      title="Use"
      description={`${total(totals)} requests in the ${granularity === "hour" ? "last 7 days" : "last 90 days"}, counted in UTC ${granularity === "hour" ? "hours" : "days"}; the latest may take a few seconds to appear.`}
    >
      <nav aria-label="Period" className="mb-4 flex flex-wrap gap-2">
        {(Object.keys(PERIODS) as Granularity[]).map((period) => (
          <Link
            key={period}
            href={`${path}${period === "day" ? "?usage=daily" : ""}#usage`}
            aria-current={period === granularity ? "page" : undefined}
            scroll={false}
            className={
              "inline-flex min-h-10 items-center rounded-md px-3 text-sm font-medium ring-1 ring-inset " +
              (period === granularity ? "bg-brand-700 text-white ring-brand-700" : "bg-white text-gray-800 ring-gray-300 hover:bg-gray-50")
            }
          >
            {PERIODS[period]}
          </Link>
        ))}
      </nav>
      <UsageChart id={`usage-${granularity}`} buckets={buckets} granularity={granularity} prefs={prefs} />
      <h3 className="mt-6 text-sm font-semibold text-gray-900">Services that introspected it</h3>
      <div className="mt-2">
        <SourceList sources={usage.sources} />
      </div>
    </Section>
  );
}
