import "server-only";
import type { NextRequest } from "next/server";
import type { EventParameter } from "@/lib/validation/audit-events";
import { EXPORT_FORMATS, exportResponse, type ExportFormat } from "./export";
import { logFilterOf } from "./log-page";
import type { EventReach } from "./query";

/** A log page's download (?format=csv|jsonl and the page's filters), once the route has decided who may have it. */
export async function exportRequest(request: NextRequest, offered: readonly EventParameter[], reach: EventReach, viewer: string, name: string): Promise<Response> {
  const params = Object.fromEntries(request.nextUrl.searchParams);
  const format = params.format ?? "csv";
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    return new Response(`format must be one of: ${EXPORT_FORMATS.join(", ")}.\n`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  }
  const { filter } = await logFilterOf(params, offered.filter((p) => p !== "cursor" && p !== "limit"), reach);
  return exportResponse(filter, format as ExportFormat, reach, viewer, name);
}
