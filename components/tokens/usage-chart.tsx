import {
  formatDayBucket,
  formatDayTick,
  formatHourBucket,
  formatHourTick,
  localHour,
  type TimePrefs,
} from "@/lib/time-format";

/**
 * A token's requests per hour or per day as stacked bars (answered, refused for scope, refused for
 * rate), drawn on the server as SVG: no client JavaScript (docs/ui.md, "The usage chart"). The bars'
 * SVG stretches to its box (viewBox one unit per bucket); the labels are HTML placed by percentage,
 * so they stay legible at phone width. The same numbers follow as a table.
 */

export type ChartBucket = { start: string; answered: number; refusedScope: number; refusedRate: number };
export type Granularity = "hour" | "day";

export const SERIES = [
  { key: "answered", label: "Answered", fill: "fill-brand-700", swatch: "bg-brand-700" },
  { key: "refusedScope", label: "Refused: missing scope", fill: "fill-amber-600", swatch: "bg-amber-600" },
  { key: "refusedRate", label: "Refused: rate limited", fill: "fill-red-800", swatch: "bg-red-800" },
] as const;

const sum = (b: ChartBucket) => b.answered + b.refusedScope + b.refusedRate;

/** A round step for about four gridlines: 1, 2 or 5 times a power of ten, never below 1. */
function niceStep(max: number): number {
  const raw = max / 4;
  if (raw <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
}

export function bucketLabel(bucket: ChartBucket, granularity: Granularity, prefs: TimePrefs): string {
  const start = new Date(bucket.start);
  return granularity === "hour" ? formatHourBucket(start, prefs) : formatDayBucket(start, prefs.locale);
}

/** Where the axis has ticks: each of the reader's midnights (hourly), the 1st and 15th of each month (daily). */
function ticks(buckets: ChartBucket[], granularity: Granularity, prefs: TimePrefs): { index: number; label: string }[] {
  return buckets.flatMap((bucket, index) => {
    const start = new Date(bucket.start);
    if (granularity === "hour") return localHour(start, prefs.timeZone) === 0 ? [{ index, label: formatHourTick(start, prefs) }] : [];
    return [1, 15].includes(start.getUTCDate()) ? [{ index, label: formatDayTick(start, prefs.locale) }] : [];
  });
}

export function chartSummary(buckets: ChartBucket[], granularity: Granularity, prefs: TimePrefs): string {
  const period = granularity === "hour" ? "per hour over the last 7 days" : "per day over the last 90 days (UTC days)";
  const totals = SERIES.map((s) => buckets.reduce((n, b) => n + b[s.key], 0));
  const busiest = buckets.reduce<ChartBucket | null>((top, b) => (sum(b) > (top ? sum(top) : 0) ? b : top), null);
  const words = `${totals[0]} answered, ${totals[1]} refused for a missing scope, ${totals[2]} refused for the rate limit`;
  if (!busiest) return `Requests ${period}: none.`;
  return `Requests ${period}: ${words}. Busiest ${granularity}: ${bucketLabel(busiest, granularity, prefs)}, ${sum(busiest)} requests.`;
}

export function UsageChart({ buckets, granularity, prefs, id }: { buckets: ChartBucket[]; granularity: Granularity; prefs: TimePrefs; id: string }) {
  const max = Math.max(0, ...buckets.map(sum));
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const gridlines = Array.from({ length: top / step + 1 }, (_, i) => i * step);
  const n = buckets.length;
  const summary = chartSummary(buckets, granularity, prefs);
  const unit = granularity === "hour" ? "Hour" : "Day (UTC)";

  return (
    <figure className="space-y-3" aria-labelledby={`${id}-caption`}>
      <div className="flex gap-2">
        {/* The value axis: HTML, so its numbers keep their size however narrow the chart gets. */}
        <div aria-hidden="true" className="relative h-48 w-8 shrink-0 text-right text-xs text-gray-700">
          {gridlines.map((value) => (
            <span key={value} className="absolute right-0 translate-y-1/2" style={{ bottom: `${(value / top) * 100}%` }}>
              {value}
            </span>
          ))}
        </div>
        <div className="min-w-0 flex-1">
          <svg
            role="img"
            aria-label={summary}
            viewBox={`0 0 ${n} ${top}`}
            preserveAspectRatio="none"
            className="block h-48 w-full border-b border-l border-gray-400"
            data-testid={`${id}-svg`}
          >
            {gridlines.slice(1).map((value) => (
              <line key={value} x1={0} x2={n} y1={top - value} y2={top - value} className="stroke-gray-200" strokeWidth={1} vectorEffect="non-scaling-stroke" />
            ))}
            {buckets.map((bucket, i) => {
              let y = top;
              return (
                <g
                  key={bucket.start}
                  data-bar=""
                  data-start={bucket.start}
                  data-answered={bucket.answered}
                  data-refused-scope={bucket.refusedScope}
                  data-refused-rate={bucket.refusedRate}
                >
                  <title>{`${bucketLabel(bucket, granularity, prefs)}: ${bucket.answered} answered, ${bucket.refusedScope} refused (scope), ${bucket.refusedRate} refused (rate)`}</title>
                  {/* A transparent full-height target, so that hovering any bucket shows its numbers. */}
                  <rect x={i} y={0} width={1} height={top} fill="transparent" />
                  {SERIES.map((series) => {
                    const value = bucket[series.key];
                    if (!value) return null;
                    y -= value;
                    return <rect key={series.key} x={i + 0.15} width={0.7} y={y} height={value} className={series.fill} />;
                  })}
                </g>
              );
            })}
          </svg>
          {/* The time axis, in the reader's own days (hourly) or UTC days (daily). */}
          <div aria-hidden="true" className="relative h-5 text-xs text-gray-700">
            {ticks(buckets, granularity, prefs).map(({ index, label }, order) => (
              <span
                key={index}
                data-tick=""
                // On a phone every other label, so that they do not run into each other.
                className={`absolute top-1 border-l border-gray-400 pl-0.5 whitespace-nowrap ${index / n > 0.85 ? "-translate-x-full border-r border-l-0 pr-0.5 pl-0" : ""} ${order % 2 ? "max-sm:hidden" : ""}`}
                style={{ left: `${index / n > 0.85 ? ((index + 1) / n) * 100 : (index / n) * 100}%` }}
              >
                {label}
              </span>
            ))}
          </div>
        </div>
      </div>
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-gray-800" aria-label="Legend">
        {SERIES.map((series, order) => (
          <li key={series.key} className="flex items-center gap-1.5">
            <span aria-hidden="true" className={`inline-block size-3 rounded-sm ${series.swatch}`} />
            {series.label}
            <span className="text-gray-600">({["bottom", "middle", "top"][order]} of each bar)</span>
          </li>
        ))}
      </ul>
      <figcaption id={`${id}-caption`} className="text-sm text-gray-700">
        {summary}
      </figcaption>
      <details className="rounded-md border border-gray-200 bg-white">
        <summary className="cursor-pointer rounded-md px-3 py-2 text-sm font-medium text-brand-700 focus-visible:outline-2 focus-visible:outline-brand-600 max-sm:min-h-10">
          Show the numbers as a table
        </summary>
        {/* Scrolls on its own: focusable, so the keyboard can scroll it too. */}
        <div tabIndex={0} role="region" aria-label={`Requests per ${granularity}: the numbers`} className="max-h-96 overflow-y-auto border-t border-gray-200 focus-visible:outline-2 focus-visible:outline-brand-600">
          {/* Cell styles once on the table: 168 rows of utilities would weigh twice, in the HTML and in the React payload. */}
          <table
            className="w-full text-xs sm:text-sm [&_tbody_th]:py-1 [&_tbody_th]:pr-1 [&_tbody_th]:pl-3 [&_tbody_th]:text-left [&_tbody_th]:font-normal [&_tbody_th]:text-gray-800 sm:[&_tbody_th]:whitespace-nowrap [&_td]:px-1.5 [&_td]:py-1 [&_td]:text-right sm:[&_td]:px-2 [&_td:last-child]:pr-3"
            data-testid={`${id}-table`}
          >
            <caption className="sr-only">{summary}</caption>
            <thead className="sticky top-0 bg-gray-50 text-left text-xs text-gray-700">
              <tr>
                <th scope="col" className="py-2 pr-1 pl-3 font-semibold">
                  {unit}
                </th>
                <th scope="col" className="px-1.5 py-2 text-right font-semibold sm:px-2">
                  Answered
                </th>
                <th scope="col" className="px-1.5 py-2 text-right font-semibold sm:px-2">
                  Refused: scope
                </th>
                <th scope="col" className="py-2 pr-3 pl-1.5 text-right font-semibold sm:pl-2">
                  Refused: rate
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-gray-100 tabular-nums">
              {buckets.map((bucket) => (
                <tr key={bucket.start}>
                  <th scope="row">
                    <time dateTime={bucket.start}>{bucketLabel(bucket, granularity, prefs)}</time>
                  </th>
                  <td>{bucket.answered}</td>
                  <td>{bucket.refusedScope}</td>
                  <td>{bucket.refusedRate}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
