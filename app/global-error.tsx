"use client";

import { useEffect } from "react";
import { Button } from "@/components/ui/button";
import "./globals.css";

/**
 * The root layout itself failed, so app/error.tsx (which renders inside it) cannot: this replaces
 * the whole document, and says no more than app/error.tsx does.
 */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <html lang="en">
      <body className="min-h-screen bg-gray-50 text-gray-900 antialiased">
        <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12 text-center">
          <div role="alert" className="w-full max-w-md rounded-lg border border-gray-200 bg-white p-6 shadow-sm sm:p-8">
            <h1 className="text-xl font-semibold text-gray-900">Tollgate is not responding</h1>
            <p className="mt-2 text-sm text-gray-700">Something went wrong on our side. Please try again in a moment.</p>
            <Button variant="primary" className="mt-6" onClick={() => retry()}>
              Try again
            </Button>
          </div>
        </main>
      </body>
    </html>
  );
}
