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

// One clock for every relative time on the page: a single timer, and all of them move together.
const TICK_MS = 15_000;
const clock = { now: Date.now(), listeners: new Set<() => void>(), timer: undefined as ReturnType<typeof setInterval> | undefined };

function subscribeToClock(listener: () => void): () => void {
  clock.listeners.add(listener);
  if (!clock.timer) {
    clock.now = Date.now();
    clock.timer = setInterval(() => {
      clock.now = Date.now();
      for (const notify of clock.listeners) notify();
    }, TICK_MS);
  }
  return () => {
    clock.listeners.delete(listener);
    if (clock.listeners.size === 0 && clock.timer) {
      clearInterval(clock.timer);
      clock.timer = undefined;
    }
  };
}

/** The time now, moving on every tick; null while rendering on the server and during hydration. */
function useNow(): number | null {
  return useSyncExternalStore(
    subscribeToClock,
    () => clock.now,
    () => null,
  );
}

/** "3 hours ago" in the reader's language, kept current while the page stays open; the exact time on hover. */
export function RelativeTime({ iso }: { iso: string }) {
  const now = useNow();
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={now !== null ? formatExact(date) : formatUtc(date)}>
      {now !== null ? formatRelative(date, new Date(now)) : formatUtc(date)}
    </time>
  );
}
