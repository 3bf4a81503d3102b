import { formatDate, formatExact, formatRelative, formatUtc, parseTimePrefs, serializeTimePrefs } from "@/lib/time-format";

/** Relative times with a pinned clock, across the boundaries of each unit; and the cookie that carries the reader's zone. */
const NOW = new Date("2030-06-15T12:00:00.000Z");
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (offset: number) => new Date(NOW.getTime() + offset);

test.each([
  [0, "now"],
  [44 * SECOND, "now"],
  [-44 * SECOND, "now"],
  [45 * SECOND, "in 1 minute"],
  [MINUTE, "in 1 minute"],
  [59 * MINUTE + 59 * SECOND, "in 59 minutes"],
  [HOUR, "in 1 hour"],
  [-(HOUR - MINUTE), "59 minutes ago"],
  [-HOUR, "1 hour ago"],
  [-(3 * HOUR - MINUTE), "2 hours ago"],
  [-3 * HOUR, "3 hours ago"],
  [DAY - MINUTE, "in 23 hours"],
  [23 * HOUR + 49 * MINUTE, "in 23 hours"],
  [DAY, "in 1 day"],
  [-DAY, "1 day ago"],
  [3 * DAY - MINUTE, "in 2 days"],
  [3 * DAY + HOUR, "in 3 days"],
  [7 * DAY - MINUTE, "in 6 days"],
  [7 * DAY, "in 1 week"],
  [-(14 * DAY - MINUTE), "1 week ago"],
  [30 * DAY, "in 1 month"],
  [365 * DAY - MINUTE, "in 12 months"],
  [365 * DAY, "in 1 year"],
])("%d ms from now is %s", (offset, words) => {
  expect(formatRelative(at(offset), NOW, "en-GB")).toBe(words);
});

test("in the reader's language", () => {
  expect(formatRelative(at(-5 * MINUTE), NOW, "de-DE")).toBe("vor 5 Minuten");
  expect(formatRelative(at(0), NOW, "de-DE")).toBe("jetzt");
  expect(formatRelative(at(DAY + HOUR), NOW, "de-DE")).toBe("in 1 Tag");
});

test("dates in the given zone, not the process's: one instant is two calendar days", () => {
  const instant = new Date("2030-06-15T20:30:00.000Z");
  expect(formatDate(instant, { locale: "en-GB", timeZone: "UTC" })).toBe("15 Jun 2030");
  expect(formatDate(instant, { locale: "en-GB", timeZone: "Pacific/Kiritimati" })).toBe("16 Jun 2030");
  expect(formatExact(instant, { locale: "en-US", timeZone: "Pacific/Kiritimati" })).toBe("Sunday, June 16, 2030 at 10:30:00 AM GMT+14");
  expect(formatUtc(instant)).toBe("2030-06-15 20:30 UTC");
});

test("the cookie round-trips a locale and zone, and anything malformed or unknown reads as none", () => {
  const prefs = { locale: "de-DE", timeZone: "America/New_York" };
  expect(parseTimePrefs(serializeTimePrefs(prefs))).toEqual(prefs);
  expect(parseTimePrefs(encodeURIComponent(serializeTimePrefs(prefs)))).toEqual(prefs);
  expect(parseTimePrefs("en-gb|UTC")).toEqual({ locale: "en-GB", timeZone: "UTC" });
  for (const bad of [undefined, "", "de-DE", "de-DE|", "|UTC", "de-DE|Mars/Olympus_Mons", "not a locale|UTC", "de-DE|UTC|extra", "%E0%A4%A|UTC", `${"a".repeat(200)}|UTC`]) {
    expect({ bad, parsed: parseTimePrefs(bad) }).toEqual({ bad, parsed: null });
  }
});
