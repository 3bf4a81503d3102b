"use client";

import { createContext, useContext, useEffect, useSyncExternalStore, type ReactNode } from "react";
import {
  browserTimePrefs,
  formatDate,
  formatDateTime,
  formatExact,
  formatRelative,
  formatUtc,
  serializeTimePrefs,
  TIME_PREFS_COOKIE,
  type TimePrefs,
} from "@/lib/time-format";

/**
 * What the server rendered with: the reader's locale and zone from their cookie (null when it has
 * none yet) and the moment of the request. The browser hydrates with the same values, so the
 * HTML and the hydrated page show the same text (docs/ui.md, "Times read the same").
 */
type ServerTime = { prefs: TimePrefs | null; now: number };
const ServerTimeContext = createContext<ServerTime>({ prefs: null, now: 0 });

const noSubscription = () => () => {};
let ownPrefs: TimePrefs | undefined;
const browserPrefs = () => (ownPrefs ??= browserTimePrefs());

/**
 * Wraps the whole document (app/layout.tsx). Stores the browser's own locale and zone in the cookie
 * whenever the server did not already use them, so the next page is rendered in them.
 */
export function TimePrefsProvider({ prefs, now, children }: ServerTime & { children: ReactNode }) {
  useEffect(() => {
    const own = serializeTimePrefs(browserPrefs());
    if (prefs && serializeTimePrefs(prefs) === own) return;
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `${TIME_PREFS_COOKIE}=${encodeURIComponent(own)}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
  }, [prefs]);
  return <ServerTimeContext.Provider value={{ prefs, now }}>{children}</ServerTimeContext.Provider>;
}

/**
 * The locale and zone to format in: the server's while it renders and while the page hydrates,
 * the browser's own afterwards. They differ only when the cookie is missing or out of date.
 */
function useTimePrefs(): TimePrefs | null {
  const server = useContext(ServerTimeContext).prefs;
  return useSyncExternalStore(
    noSubscription,
    () => {
      const own = browserPrefs();
      return server && serializeTimePrefs(server) === serializeTimePrefs(own) ? server : own;
    },
    () => server,
  );
}

/** A date, or date and time, in the reader's locale and time zone; the exact time on hover. */
export function LocalTime({ iso, dateOnly = false }: { iso: string; dateOnly?: boolean }) {
  const prefs = useTimePrefs();
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={prefs ? formatExact(date, prefs) : formatUtc(date)}>
      {prefs ? (dateOnly ? formatDate(date, prefs) : formatDateTime(date, prefs)) : formatUtc(date)}
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

/** The time now, moving on every tick; the request's moment while rendering on the server and during hydration. */
function useNow(): number {
  const serverNow = useContext(ServerTimeContext).now;
  return useSyncExternalStore(
    subscribeToClock,
    () => clock.now,
    () => serverNow,
  );
}

/** "3 hours ago" in the reader's language, kept current while the page stays open; the exact time on hover. */
export function RelativeTime({ iso }: { iso: string }) {
  const prefs = useTimePrefs();
  const now = useNow();
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={prefs ? formatExact(date, prefs) : formatUtc(date)}>
      {prefs ? formatRelative(date, new Date(now), prefs.locale) : formatUtc(date)}
    </time>
  );
}
