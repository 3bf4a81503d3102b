import type { Metadata } from "next";
import Link from "next/link";
import { ApiReference } from "@/components/api-docs/api-reference";
import { openApiDocument, type OpenApiDocument } from "@/lib/openapi";

export const metadata: Metadata = { title: "API reference" };

// Built once per process, not per request (pages render per request for their CSP nonce): it
// only changes with the code, and building it costs tens of milliseconds.
let builtDocument: OpenApiDocument | undefined;

/** Public, like the document it shows: reading how the API works needs no account. */
export default function ApiReferencePage() {
  return (
    <>
      <nav aria-label="API reference" className="flex items-center justify-between gap-4 border-b border-gray-200 bg-white px-6 py-3 text-sm">
        <Link href="/settings/tokens" className="font-medium text-blue-700 underline-offset-2 hover:underline">
          ← Back to your tokens
        </Link>
        <a href="/api/openapi.json" className="text-gray-700 underline-offset-2 hover:underline">
          OpenAPI document (JSON)
        </a>
      </nav>
      <main>
        <ApiReference document={(builtDocument ??= openApiDocument())} />
      </main>
    </>
  );
}
