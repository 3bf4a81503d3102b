import type { Metadata } from "next";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";

export const metadata: Metadata = { title: "Page not found" };

/** Any address the app does not have, in the app's own frame rather than Next's bare default. */
export default function NotFound() {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12 text-center">
      <p className="mb-6 text-2xl font-bold tracking-tight text-brand-700">Tollgate</p>
      <div className="w-full max-w-md rounded-lg border border-gray-200 bg-white p-6 shadow-sm sm:p-8">
        <p className="text-sm font-semibold text-gray-600">404</p>
        <h1 className="mt-1 text-xl font-semibold text-gray-900">This page does not exist</h1>
        <p className="mt-2 text-sm text-gray-700">The address may be mistyped, or the page may have moved.</p>
        <div className="mt-6 flex flex-col justify-center gap-2 sm:flex-row">
          <Link href="/settings/tokens" className={buttonClasses("primary", "md")}>
            Go to your tokens
          </Link>
          <Link href="/docs/api" className={buttonClasses("secondary", "md")}>
            API reference
          </Link>
        </div>
      </div>
    </main>
  );
}
