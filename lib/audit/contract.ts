import "server-only";
import { z } from "zod";
import { ACTOR_KINDS, EVENT_ACTION_NAMES } from "./events";

/**
 * One event as it leaves the server: pages, exports and the API (the OpenAPI document's
 * AuditEvent) show this shape, so `EventView` is this schema's type and cannot drift from it.
 */
const uuid = z.uuid();
export const auditEventSchema = z
  .object({
    id: uuid,
    occurredAt: z.iso.datetime().meta({ example: "2031-03-01T12:00:00.000Z" }),
    action: z.enum(EVENT_ACTION_NAMES).meta({ description: "What happened (the catalogue in API_DOCUMENTATION.md, \"Audit events\")." }),
    title: z.string().meta({ description: "The action in words.", example: "Token rotated" }),
    actor: z
      .object({
        kind: z.enum(ACTOR_KINDS),
        userId: uuid.nullable().meta({ description: "The person (or administrator) who acted; null for the system." }),
        label: z.string().nullable().meta({ description: "Their email at the time, when known (the account may be deleted since)." }),
        tokenGuid: uuid.nullable().meta({ description: "The API token that made the request, when one did." }),
      })
      .meta({ description: "Who did it: a person on a page, one of their tokens, an administrator, or the system." }),
    target: z
      .object({
        userId: uuid.nullable().meta({ description: "The account the event concerns: its owner's security log lists it." }),
        tokenGuid: uuid.nullable(),
        scope: z.string().nullable(),
      })
      .meta({ description: "What it was done to. Ids only: the account or token may be deleted since (details keep their names)." }),
    details: z.record(z.string(), z.unknown()).meta({ description: "What changed (before and after, a reason, the token's name); never a secret." }),
    ip: z.string().nullable().meta({ description: "The client address of the request, when there was one." }),
    userAgent: z.string().nullable(),
  })
  .meta({ id: "AuditEvent" });

export type EventView = z.infer<typeof auditEventSchema>;

export const auditEventPageSchema = z
  .object({
    events: z.array(auditEventSchema).meta({ description: "Newest first." }),
    nextCursor: z.string().nullable().meta({ description: "Pass as cursor for the older events; null on the last page." }),
    prevCursor: z.string().nullable().meta({ description: "Pass as cursor for the newer events; null on the first page." }),
  })
  .meta({ id: "AuditEventPage" });
