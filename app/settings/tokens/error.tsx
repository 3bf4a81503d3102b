"use client";

import { useEffect } from "react";
import { Button } from "@/components/ui/button";

/** The token page failed to render (the database is unreachable, say). The details stay in the logs. */
export default function TokensError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;

  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-6 text-sm text-red-900">
      <h1 className="text-lg font-semibold">Your tokens could not be loaded</h1>
      <p className="mt-1">Something went wrong on our side. Your tokens are unaffected; please try again in a moment.</p>
      {digest ? <p className="mt-2 text-xs text-red-800">Reference: {digest}</p> : null}
      <Button className="mt-4" onClick={() => retry()}>
        Try again
      </Button>
    </div>
  );
}
