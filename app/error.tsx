"use client";

import Link from "next/link";
import { useEffect } from "react";
import { Button, buttonClasses } from "@/components/ui/button";

/**
 * Any page that failed to render, in the app's frame. The error's message and stack stay in the
 * console and the server log: they mean nothing to the reader and may say too much. The digest
 * lets an operator find the server's log entry.
 */
export default function AppError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;

  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12 text-center">
      <p className="mb-6 text-2xl font-bold tracking-tight text-brand-700">Tollgate</p>
      <div role="alert" className="w-full max-w-md rounded-lg border border-gray-200 bg-white p-6 shadow-sm sm:p-8">
        <h1 className="text-xl font-semibold text-gray-900">Something went wrong</h1>
        <p className="mt-2 text-sm text-gray-700">This page could not be shown. Nothing you saved was lost; please try again in a moment.</p>
        {digest ? <p className="mt-2 text-xs text-gray-600">Reference: {digest}</p> : null}
        <div className="mt-6 flex flex-col justify-center gap-2 sm:flex-row">
          <Button variant="primary" onClick={() => retry()}>
            Try again
          </Button>
          <Link href="/settings/tokens" className={buttonClasses("secondary", "md")}>
            Go to your tokens
          </Link>
        </div>
      </div>
    </main>
  );
}
