import "server-only";
import { describeActor, describeEvent, type EventReader } from "./describe";
import type { EventView } from "./contract";
import { everyEvent, tokenGuidsOf, tokenNamesOf, type EventFilter, type EventReach } from "./query";

/**
 * The logs' downloads: every event the filter matches (all pages, newest first), streamed as it is
 * read, as CSV (for a spreadsheet: the page's words and every field) or JSON Lines (one
 * AuditEvent per line, as the API answers them). docs/security.md, "Exports of the logs".
 */
export const EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CSV_COLUMNS = [
  "id",
  "occurredAt",
  "action",
  "title",
  "description",
  "actor",
  "actorKind",
  "actorUserId",
  "actorLabel",
  "actorTokenGuid",
  "targetUserId",
  "targetTokenGuid",
  "targetScope",
  "ip",
  "userAgent",
  "details",
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled.
 * A cell a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage
 * return) is prefixed with an apostrophe, OWASP's advice: every value here is text.
 */
export function csvField(value: string | null): string {
  let cell = value ?? "";
  if (/^[=+\-@\t\r]/.test(cell)) cell = `'${cell}`;
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export function csvRow(view: EventView, reader: EventReader): string {
  const values: Record<(typeof CSV_COLUMNS)[number], string | null> = {
    id: view.id,
    occurredAt: view.occurredAt,
    action: view.action,
    title: view.title,
    description: describeEvent(view, reader),
    actor: describeActor(view, reader),
    actorKind: view.actor.kind,
    actorUserId: view.actor.userId,
    actorLabel: view.actor.label,
    actorTokenGuid: view.actor.tokenGuid,
    targetUserId: view.target.userId,
    targetTokenGuid: view.target.tokenGuid,
    targetScope: view.target.scope,
    ip: view.ip,
    userAgent: view.userAgent,
    details: JSON.stringify(view.details),
  };
  return CSV_COLUMNS.map((column) => csvField(values[column])).join(",") + "\r\n";
}

const BATCH = 500;

/** The download as a streamed response; `name` is the file's stem ("tollgate-security-log"). */
export function exportResponse(filter: EventFilter, format: ExportFormat, reach: EventReach, viewer: string, name: string, now = new Date()): Response {
  const encoder = new TextEncoder();
  const events = everyEvent(filter, BATCH);
  let started = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        if (format === "csv") controller.enqueue(encoder.encode(CSV_COLUMNS.join(",") + "\r\n"));
      }
      // A batch per pull: the reader's pace decides how much is held in memory.
      const batch: EventView[] = [];
      for (let next = await events.next(); ; next = await events.next()) {
        if (next.done) break;
        batch.push(next.value);
        if (batch.length === BATCH) break;
      }
      if (!batch.length) return controller.close();
      const lines =
        format === "csv"
          ? await (async () => {
              const reader: EventReader = { userId: viewer, tokenNames: await tokenNamesOf(tokenGuidsOf(batch), reach) };
              return batch.map((view) => csvRow(view, reader)).join("");
            })()
          : batch.map((view) => JSON.stringify(view) + "\n").join("");
      controller.enqueue(encoder.encode(lines));
    },
    async cancel() {
      await events.return(undefined);
    },
  });
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, "");
  return new Response(stream, {
    headers: {
      "Content-Type": format === "csv" ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}-${stamp}Z.${format}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
