"use client";

import { useSyncExternalStore } from "react";
import { formatDate, formatDateTime, formatExact, formatRelative, formatUtc } from "./time-format";

const noSubscription = () => () => {};

/**
 * False while rendering on the server and during hydration, true afterwards. The server cannot
 * know the reader's locale, time zone or clock, so times first render in UTC and are then
 * re-rendered in the browser's own format, without a hydration mismatch.
 */
function useInBrowser(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

/** A date, or date and time, in the reader's locale and time zone; the exact time on hover. */
export function LocalTime({ iso, dateOnly = false }: { iso: string; dateOnly?: boolean }) {
  const inBrowser = useInBrowser();
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={inBrowser ? formatExact(date) : formatUtc(date)}>
      {inBrowser ? (dateOnly ? formatDate(date) : formatDateTime(date)) : formatUtc(date)}
    </time>
  );
}

/** "3 hours ago" in the reader's language; the exact time on hover. */
export function RelativeTime({ iso }: { iso: string }) {
  const inBrowser = useInBrowser();
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={inBrowser ? formatExact(date) : formatUtc(date)}>
      {inBrowser ? formatRelative(date, new Date()) : formatUtc(date)}
    </time>
  );
}
