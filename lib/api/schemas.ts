import { z } from "zod";
import { tokenSchema } from "@/lib/tokens/contract";
import { policiesSchema } from "@/lib/validation/policies";

/**
 * What the API answers besides the token itself (lib/tokens/contract.ts), as zod schemas: the
 * views in ./views.ts are typed by them and the OpenAPI document is generated from them. Request
 * bodies and the list query use the shared schemas in lib/validation/tokens.ts.
 */
export const ERROR_CODES = [
  "missing_token",
  "invalid_request",
  "invalid_token",
  "insufficient_scope",
  "insufficient_lifetime",
  "not_found",
  "method_not_allowed",
  "conflict",
  "policy_violation",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  "forbidden",
  "unavailable",
  "internal_error",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The HTTP status of each code: the one place it is written (lib/api/responses.ts and server.js answer with it). */
export const ERROR_STATUS = {
  missing_token: 401,
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  insufficient_lifetime: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  policy_violation: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  forbidden: 403,
  unavailable: 503,
  internal_error: 500,
} as const satisfies Record<ErrorCode, number>;

const timestamp = z.iso.datetime().meta({ example: "2030-01-31T12:00:00.000Z" });
const guid = z.uuid().meta({ description: "The token's public identifier.", example: "3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f" });

export const tokenPageSchema = z
  .object({
    tokens: z.array(tokenSchema),
    total: z.number().int().meta({ description: "Tokens matching the filters, on all pages, counted up to 1,000." }),
    totalIsExact: z.boolean().meta({ description: "false: more than `total` tokens match (the count stops there)." }),
    page: z.number().int(),
    perPage: z.number().int(),
    pageCount: z.number().int().nullable().meta({ description: "Pages in all; null when the total is not exact (the last page is then unknown)." }),
    hasNextPage: z.boolean().meta({ description: "true: page + 1 has tokens." }),
  })
  .meta({ id: "TokenPage" });

export const inventoryPageSchema = z
  .object({
    tokens: z.array(
      tokenSchema.extend({
        owner: z.object({ id: z.uuid(), email: z.email(), name: z.string() }).meta({ description: "Who owns the token." }),
        breaksPolicy: z.boolean().meta({ description: "Active or scheduled, and breaks a policy now in force (see the breaksPolicy filter)." }),
      }),
    ),
    total: z.number().int().meta({ description: "Tokens matching the filters, on all pages, counted up to 10,000." }),
    totalIsExact: z.boolean().meta({ description: "false: more than `total` tokens match (the count stops there)." }),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
    prevCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the previous page; null on the first page." }),
    notices: z.array(z.string()).meta({ description: "What to know about the answer, e.g. that no policy is set for breaksPolicy to match." }),
  })
  .meta({ id: "TokenInventoryPage" });

export type InventoryTokenItem = z.infer<typeof inventoryPageSchema>["tokens"][number];

export const meSchema = z
  .object({
    token: z.object({
      guid,
      name: z.string(),
      scopes: z.array(z.string()).meta({ description: "Effective scopes: the token's scopes that its owner still holds." }),
      validFrom: timestamp,
      validTo: timestamp.nullable(),
      createdAt: timestamp,
    }),
    owner: z.object({ id: z.uuid(), email: z.email(), name: z.string() }),
  })
  .meta({ id: "Me" });

export const introspectionSchema = z
  .discriminatedUnion("active", [
    z.object({
      active: z.literal(true),
      scope: z.string().meta({ description: "Effective scopes, space-separated.", example: "tokens:read tokens:write" }),
      client_id: guid,
      guid,
      username: z.email().meta({ description: "The owner's email address." }),
      sub: z.uuid().meta({ description: "The owner's user id." }),
      token_type: z.literal("Bearer"),
      iat: z.number().int().meta({ description: "Created, in seconds since the epoch." }),
      nbf: z.number().int().meta({ description: "Valid from, in seconds since the epoch." }),
      exp: z.number().int().optional().meta({ description: "Valid to, in seconds since the epoch; absent when it never expires." }),
    }),
    z.object({ active: z.literal(false) }),
  ])
  .meta({ id: "Introspection", description: "RFC 7662. An unknown, malformed or inactive token gets only {\"active\": false}." });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string().meta({ description: "What went wrong and what to do about it, for a person." }),
      fields: z
        .record(z.string(), z.array(z.string()))
        .optional()
        .meta({ description: "invalid_request: the problems with each named field or query parameter." }),
      scope: z
        .string()
        .optional()
        .meta({ description: "insufficient_scope: the scope the route needs, or (space-separated) the scopes the calling token lacks." }),
      validTo: z.iso
        .datetime()
        .optional()
        .meta({ description: "insufficient_lifetime: when the calling token expires, which the token it acts on would outlive." }),
      policy: z
        .enum(["maxTokenLifetimeDays", "maxRotationOverlapSeconds", "maxActiveTokensPerUser"])
        .optional()
        .meta({ description: "policy_violation: the administrators' policy the request breaks (GET /api/v1/admin/policies)." }),
    }),
  })
  .meta({ id: "Error" });

const breachCount = (what: string) => z.number().int().meta({ description: `Live tokens that ${what}.` });

export const policiesChangeSchema = policiesSchema
  .extend({
    breakingTokens: z
      .object({
        total: breachCount("break any policy, each counted once (the inventory's filter breaksPolicy=1)"),
        maxTokenLifetimeDays: breachCount("never expire, or whose window (from their start or creation) is longer than the lifetime allows"),
        maxRotationOverlapSeconds: breachCount("have a previous secret working longer after the rotation than the overlap allows"),
        maxActiveTokensPerUser: breachCount("are beyond their owner's first N live tokens, oldest first (not in total: the limit is a person's)"),
      })
      .meta({ description: "Existing tokens that break the policies as saved. They keep working; the administrators' token list flags them." }),
  })
  .meta({ id: "PoliciesChanged" });

export const healthSchema = z
  .object({
    status: z.enum(["ok", "unavailable"]),
    error: errorSchema.shape.error.optional(),
  })
  .meta({ id: "Health" });

export const metricsSchema = z
  .object({
    database: z.object({
      queries: z.number().int().meta({ description: "Queries this instance has sent since it started." }),
      backgroundQueries: z
        .number()
        .int()
        .meta({
          description:
            "Of those, the ones sent off the request path, which no request waited for: writing \"last used\", listening for changes, the embedded database's statistics upkeep.",
        }),
    }),
    verificationCache: z.object({
      hits: z.number().int(),
      negativeHits: z.number().int().meta({ description: "Unknown secrets refused from memory." }),
      misses: z.number().int(),
      invalidations: z.number().int(),
      size: z.number().int(),
    }),
    usage: z.object({ pending: z.number().int().meta({ description: "Token uses waiting to be written as \"last used\"." }) }),
    mail: z
      .object({
        transport: z.enum(["smtp", "log"]).meta({ description: "Where this instance sends mail: the SMTP_URL server, or the server log when none is set." }),
        sent: z.number().int().meta({ description: "Mails this instance has sent since it started." }),
        retried: z.number().int().meta({ description: "Sending attempts that failed and were scheduled again (docs/notifications.md, \"Retries\")." }),
        gaveUp: z.number().int().meta({ description: "Mails given up on: refused for good by the server, or failed on every attempt." }),
      })
      .meta({ description: "The mail outbox as this instance works it. What is still queued, across instances, is in the mail_outbox table." }),
    process: z.object({ rssBytes: z.number().int(), heapUsedBytes: z.number().int(), uptimeSeconds: z.number() }),
  })
  .meta({ id: "Metrics", description: "Counters of this instance (each instance keeps its own)." });

const usageCounts = {
  answered: z.number().int().meta({ description: "Requests answered (any status but the two refusals below)." }),
  refusedScope: z.number().int().meta({ description: "Refused with 403 insufficient_scope: the route needs a scope the token lacks." }),
  refusedRate: z.number().int().meta({ description: "Refused with 429 rate_limited while the token itself was valid." }),
};
const usageBucket = z.object({ start: timestamp.meta({ description: "The bucket's start: a UTC hour, or a UTC midnight." }), ...usageCounts });

export const tokenUsageSchema = z
  .object({
    hourly: z.array(usageBucket).meta({ description: "168 buckets, one per UTC hour, oldest first; the last holds the current hour. Zeros included." }),
    daily: z.array(usageBucket).meta({ description: "90 buckets, one per UTC day, oldest first; the last is today (UTC). Zeros included." }),
    totals: z
      .object({ hourly: z.object(usageCounts), daily: z.object(usageCounts) })
      .meta({ description: "The sums of each series: the last 168 hours, and the last 90 days." }),
    sources: z
      .array(
        z.object({
          guid: z.string().meta({ description: "The GUID of a service token that introspected this one (POST /api/v1/introspect)." }),
          name: z.string().nullable().meta({ description: "Its name when it is one of your own tokens; null for another account's." }),
          ...usageCounts,
        }),
      )
      .meta({ description: "Over the 90 days, the introspections that counted as uses, per asking token, most first. Included in the buckets." }),
    addresses: z
      .array(
        z.object({
          ip: z.string(),
          firstSeenAt: timestamp,
          lastSeenAt: timestamp,
          uses: z.number().int().meta({ description: "Requests from this address." }),
          userAgent: z.string().nullable().meta({ description: "The user agent of the latest request from it." }),
        }),
      )
      .meta({ description: "The addresses the token was used from, most recently seen first; the 20 most recent are kept." }),
  })
  .meta({ id: "TokenUsage" });
