/**
 * Formatting for <LocalTime> and <RelativeTime>. Every function takes the locale and time zone
 * explicitly, so that the server (reading them from the reader's cookie) and the browser produce
 * the same text for the same instant.
 */

/** How one reader writes times: what their browser's Intl resolves to. */
export type TimePrefs = { locale: string; timeZone: string };

/** Written by the browser (TimePrefsProvider), read by the server's root layout. */
export const TIME_PREFS_COOKIE = "tollgate-time";

/** The cookie's value: locale and time zone, neither of which contains "|". */
export function serializeTimePrefs(prefs: TimePrefs): string {
  return `${prefs.locale}|${prefs.timeZone}`;
}

/** The cookie's value read back, or null unless both parts are well-formed and known to this runtime's Intl. */
export function parseTimePrefs(value: string | undefined): TimePrefs | null {
  if (!value || value.length > 120) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return null;
  }
  const [locale, timeZone, ...rest] = decoded.split("|");
  if (!locale || !timeZone || rest.length || !/^[A-Za-z0-9-]{2,40}$/.test(locale) || !/^[A-Za-z0-9_+\-/]{1,64}$/.test(timeZone)) return null;
  try {
    // Both throw a RangeError for a malformed tag or an unknown zone.
    const [canonical] = Intl.getCanonicalLocales(locale);
    new Intl.DateTimeFormat(canonical, { timeZone });
    return canonical ? { locale: canonical, timeZone } : null;
  } catch {
    return null;
  }
}

/** What this browser formats with when given no locale or zone. */
export function browserTimePrefs(): TimePrefs {
  const { locale, timeZone } = Intl.DateTimeFormat().resolvedOptions();
  return { locale, timeZone };
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/**
 * "3 hours ago", "in 2 days", "now": the largest unit that fits, in the reader's language. The
 * count rounds towards zero (2 days 23 hours is "in 2 days"), so it never overstates, and it is
 * always a number: "tomorrow" or "next week" would name calendar days the count does not mean.
 */
export function formatRelative(date: Date, now: Date, locale?: string): string {
  const seconds = (date.getTime() - now.getTime()) / 1000;
  if (Math.abs(seconds) < 45) return new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(0, "second");
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "always" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(seconds < 0 ? -1 : 1, "minute");
}

export function formatDate(date: Date, prefs: TimePrefs): string {
  return new Intl.DateTimeFormat(prefs.locale, { dateStyle: "medium", timeZone: prefs.timeZone }).format(date);
}

export function formatDateTime(date: Date, prefs: TimePrefs): string {
  return new Intl.DateTimeFormat(prefs.locale, { dateStyle: "medium", timeStyle: "short", timeZone: prefs.timeZone }).format(date);
}

/** The exact moment, with seconds and the time zone: what a hover shows. */
export function formatExact(date: Date, prefs: TimePrefs): string {
  return new Intl.DateTimeFormat(prefs.locale, { dateStyle: "full", timeStyle: "long", timeZone: prefs.timeZone }).format(date);
}

/** What the server renders when it does not know the reader's zone yet: unambiguous, in UTC. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** What a usage chart's labels are written in before the reader's browser has said (the first page it ever loads). */
export const CHART_FALLBACK_PREFS: TimePrefs = { locale: "en-GB", timeZone: "UTC" };

/** A usage chart's hour (a UTC hour) as the reader names it: "Mon 30 Nov, 14:00" in their zone. */
export function formatHourBucket(date: Date, prefs: TimePrefs): string {
  return new Intl.DateTimeFormat(prefs.locale, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: prefs.timeZone }).format(date);
}

/** A usage chart's day. Days are UTC days whatever the reader's zone, so they are named in UTC: "30 Nov 2026". */
export function formatDayBucket(date: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(date);
}

/** An hourly chart's axis tick: the reader's day, "Mon 30". */
export function formatHourTick(date: Date, prefs: TimePrefs): string {
  return new Intl.DateTimeFormat(prefs.locale, { weekday: "short", day: "numeric", timeZone: prefs.timeZone }).format(date);
}

/** A daily chart's axis tick: "30 Nov" (UTC). */
export function formatDayTick(date: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(date);
}

/** The hour of the day (0–23) at `date` in the reader's zone: where an hourly chart's ticks go. */
export function localHour(date: Date, timeZone: string): number {
  const hour = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", hourCycle: "h23", timeZone }).formatToParts(date).find((part) => part.type === "hour");
  return Number(hour?.value ?? 0);
}
