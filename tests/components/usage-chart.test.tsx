import { render, screen, within } from "@testing-library/react";
import { UsageChart, type ChartBucket, type Granularity } from "@/components/tokens/usage-chart";
import type { TimePrefs } from "@/lib/time-format";

/** The usage chart as the server draws it: its bars and its table must say the same, whatever the reader's zone. */

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const UTC: TimePrefs = { locale: "en-GB", timeZone: "UTC" };

function hourly(first = Date.parse("2031-03-03T13:00:00Z")): ChartBucket[] {
  return Array.from({ length: 168 }, (_, i) => ({ start: new Date(first + i * HOUR).toISOString(), answered: (i * 7) % 5, refusedScope: i % 11 === 0 ? 2 : 0, refusedRate: i === 100 ? 9 : 0 }));
}
function daily(): ChartBucket[] {
  const first = Date.parse("2030-12-11T00:00:00Z");
  return Array.from({ length: 90 }, (_, i) => ({ start: new Date(first + i * DAY).toISOString(), answered: i * 3, refusedScope: i % 2, refusedRate: 0 }));
}

function renderChart(buckets: ChartBucket[], granularity: Granularity, prefs = UTC) {
  const { container } = render(<UsageChart id="chart" buckets={buckets} granularity={granularity} prefs={prefs} />);
  const bars = [...container.querySelectorAll("svg [data-bar]")].map((g) => ({
    start: g.getAttribute("data-start")!,
    answered: Number(g.getAttribute("data-answered")),
    refusedScope: Number(g.getAttribute("data-refused-scope")),
    refusedRate: Number(g.getAttribute("data-refused-rate")),
  }));
  const table = screen.getByRole("table");
  const rows = within(table)
    .getAllByRole("row")
    .slice(1)
    .map((row) => {
      const [answered, refusedScope, refusedRate] = within(row).getAllByRole("cell").map((cell) => Number(cell.textContent));
      return { start: row.querySelector("time")!.getAttribute("datetime")!, answered: answered!, refusedScope: refusedScope!, refusedRate: refusedRate! };
    });
  const ticks = [...container.querySelectorAll<HTMLElement>("[data-tick]")].map((span) => ({ label: span.textContent, left: span.style.left }));
  return { container, bars, rows, ticks };
}

test.each([
  ["hour", hourly()],
  ["day", daily()],
] as const)("per %s: every bucket is a bar, and the table holds exactly the bars' numbers, in order", (granularity, buckets) => {
  const { bars, rows } = renderChart([...buckets], granularity);
  expect(bars).toEqual(buckets);
  expect(rows).toEqual(bars);
});

test("a bar's segments are as tall as its numbers, stacked answered, scope, rate from the axis up; the scale is round", () => {
  const buckets = hourly().map((b) => ({ ...b, answered: 0, refusedScope: 0, refusedRate: 0 }));
  buckets[10] = { ...buckets[10]!, answered: 30, refusedScope: 5, refusedRate: 2 };
  const { container } = renderChart(buckets, "hour");
  const svg = container.querySelector("svg")!;
  // 37 at most: gridlines every 10, up to 40.
  expect(svg.getAttribute("viewBox")).toBe("0 0 168 40");
  const segments = [...container.querySelectorAll("[data-bar]")[10]!.querySelectorAll("rect[class]")].map((r) => ({
    fill: r.getAttribute("class"),
    y: Number(r.getAttribute("y")),
    height: Number(r.getAttribute("height")),
  }));
  expect(segments).toEqual([
    { fill: "fill-brand-700", y: 10, height: 30 },
    { fill: "fill-amber-600", y: 5, height: 5 },
    { fill: "fill-red-800", y: 3, height: 2 },
  ]);
  expect(container.querySelectorAll("[data-bar]")[11]!.querySelectorAll("rect[class]")).toHaveLength(0);
});

test("the chart is an image named by its summary, which the caption and the table's caption repeat", () => {
  const buckets = hourly().map((b) => ({ ...b, answered: 0, refusedScope: 0, refusedRate: 0 }));
  buckets[167] = { ...buckets[167]!, answered: 4, refusedScope: 1 };
  buckets[20] = { ...buckets[20]!, refusedRate: 2 };
  renderChart(buckets, "hour");
  const summary =
    "Requests per hour over the last 7 days: 4 answered, 1 refused for a missing scope, 2 refused for the rate limit. Busiest hour: Mon 10 Mar, 12:00, 5 requests.";
  expect(screen.getByRole("img")).toHaveAccessibleName(summary);
  expect(screen.getByRole("figure")).toHaveAccessibleName(summary);
  expect(screen.getByRole("table")).toHaveAccessibleName(summary);
});

test("no use at all is said in words, with a scale of 0 to 1", () => {
  const buckets = daily().map((b) => ({ ...b, answered: 0, refusedScope: 0 }));
  const { container } = renderChart(buckets, "day");
  expect(screen.getByRole("img")).toHaveAccessibleName("Requests per day over the last 90 days (UTC days): none.");
  expect(container.querySelector("svg")!.getAttribute("viewBox")).toBe("0 0 90 1");
});

test("the reader's zone moves the hourly labels and ticks, never the buckets; days stay UTC days", () => {
  const utc = renderChart(hourly(), "hour", UTC);
  document.body.innerHTML = "";
  const kolkata = renderChart(hourly(), "hour", { locale: "en-GB", timeZone: "Asia/Kolkata" });
  expect(kolkata.bars).toEqual(utc.bars);
  const at = (index: number) => `${(index / 168) * 100}%`;
  // A tick at each of the reader's midnights: 00:00 UTC is bucket 11; 00:30 in Kolkata falls in the 19:00 UTC bucket, 6.
  expect(utc.ticks).toEqual(["Tue 4", "Wed 5", "Thu 6", "Fri 7", "Sat 8", "Sun 9", "Mon 10"].map((label, day) => ({ label, left: day === 6 ? at(11 + 144 + 1) : at(11 + 24 * day) })));
  expect(kolkata.ticks).toEqual(["Tue 4", "Wed 5", "Thu 6", "Fri 7", "Sat 8", "Sun 9", "Mon 10"].map((label, day) => ({ label, left: day === 6 ? at(6 + 144 + 1) : at(6 + 24 * day) })));
  expect(screen.getAllByRole("rowheader")[0]).toHaveTextContent("Mon 3 Mar, 18:30");
  document.body.innerHTML = "";
  const days = renderChart(daily(), "day", { locale: "en-GB", timeZone: "Pacific/Kiritimati" });
  expect(days.ticks.map((t) => t.label)).toEqual(["15 Dec", "1 Jan", "15 Jan", "1 Feb", "15 Feb", "1 Mar"]);
  expect(screen.getAllByRole("rowheader")[0]).toHaveTextContent("11 Dec 2030");
});
