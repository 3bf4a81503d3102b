"use client";

// First: Scalar builds zod schemas as it loads, and zod must be told not to probe eval before that.
import "@/lib/validation/zod";
import { ApiReferenceReact } from "@scalar/api-reference-react";
import "@scalar/api-reference-react/style.css";
import type { OpenApiDocument } from "@/lib/openapi";

/**
 * Scalar's reference viewer, configured to stay on this server: no web fonts from Scalar's CDN,
 * no telemetry, no request proxy ("Try it" calls this origin directly), no AI agent and no
 * developer toolbar (whose buttons upload to Scalar's registry).
 */
export function ApiReference({ document }: { document: OpenApiDocument }) {
  return (
    <ApiReferenceReact
      configuration={{
        content: document,
        withDefaultFonts: false,
        telemetry: false,
        showDeveloperTools: "never",
        agent: { disabled: true },
        hideDarkModeToggle: true,
        documentDownloadType: "json",
      }}
    />
  );
}
