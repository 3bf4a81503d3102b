import type { Metadata } from "next";
import { connection } from "next/server";
import { Toaster } from "sonner";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Tollgate", template: "%s · Tollgate" },
  description: "Personal API tokens: create, rotate, revoke, and verify them.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Rendered per request, never prerendered: Next puts the request's CSP nonce (proxy.ts) on its
  // script tags only while rendering, and a page built ahead of time would carry none.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-gray-50 text-gray-900 antialiased">
        {children}
        {/* At the bottom, toasts never cover the header's controls (Sign out). Above every dialog's
            overlay, and reachable there: a modal dialog turns pointer events off for the rest of the page. */}
        <Toaster closeButton position="bottom-right" style={{ zIndex: 60, pointerEvents: "auto" }} />
      </body>
    </html>
  );
}
