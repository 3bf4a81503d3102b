import type { Metadata } from "next";
import { cookies } from "next/headers";
import { connection } from "next/server";
import { Toaster } from "sonner";
import { TimePrefsProvider } from "@/components/ui/local-time";
import { parseTimePrefs, TIME_PREFS_COOKIE } from "@/lib/time-format";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tollgate", template: "%s · Tollgate" },
  description: "Personal API tokens: create, rotate, revoke, and verify them.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Rendered per request, never prerendered: Next puts the request's CSP nonce (proxy.ts) on its
  // script tags only while rendering, and a page built ahead of time would carry none.
  await connection();
  // Times are rendered in the reader's own locale and zone, which their browser stored in this cookie.
  const timePrefs = parseTimePrefs((await cookies()).get(TIME_PREFS_COOKIE)?.value);
  // A server component renders once per request: the request's time is what hydration must reuse.
  // eslint-disable-next-line react-hooks/purity
  const now = Date.now();
  return (
    <html lang="en">
      <body className="min-h-screen bg-gray-50 text-gray-900 antialiased">
        <TimePrefsProvider prefs={timePrefs} now={now}>
          {children}
        </TimePrefsProvider>
        {/* At the bottom, toasts never cover the header's controls (Sign out). Above every dialog's
            overlay, and reachable there: a modal dialog turns pointer events off for the rest of the page. */}
        <Toaster closeButton position="bottom-right" style={{ zIndex: 60, pointerEvents: "auto" }} />
      </body>
    </html>
  );
}
