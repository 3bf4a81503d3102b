import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponseObject } from "zod-openapi";
import {
  errorSchema,
  healthSchema,
  metricsSchema,
  introspectionSchema,
  inventoryPageSchema,
  meSchema,
  policiesChangeSchema,
  tokenPageSchema,
  tokenUsageSchema,
} from "@/lib/api/schemas";
import { policiesSchema, updatePoliciesSchema } from "@/lib/validation/policies";
import { tokenSchema, tokenWithSecretSchema } from "@/lib/tokens/contract";
import { catalogueScopeSchema, scopeCatalogueSchema } from "@/lib/scopes/contract";
import { createScopeSchema, editScopeSchema } from "@/lib/validation/admin-scopes";
import type { RequiredScope } from "@/lib/api/handler";
import { MAX_BODY_BYTES } from "@/lib/api/limits";
import { BUILT_IN_SCOPES, BUILT_IN_SCOPE_NAMES } from "@/lib/scopes/built-in";
import { createTokenSchema, guidSchema, introspectionRequestSchema, rotateTokenSchema, updateTokenSchema } from "@/lib/validation/tokens";
import { FILTER_NAMES, TOKEN_LIST_PARAMETERS, TOKEN_SORTS } from "@/lib/validation/token-list";
import { USER_LIST_PARAMETERS, adminUserPageSchema, adminUserSchema } from "@/lib/validation/admin-users";
import { INVENTORY_FILTER_NAMES, INVENTORY_PARAMETERS, INVENTORY_SORTS, adminRevokeSchema } from "@/lib/validation/admin-tokens";
import { auditEventPageSchema } from "@/lib/audit/contract";
import { MAX_REPORT_BODY_BYTES, leakReportReceiptSchema, leakReportSchema } from "@/lib/validation/leak-reports";
import { EVENT_KINDS, EVENT_PARAMETERS } from "@/lib/validation/audit-events";

/**
 * The OpenAPI 3.1 description of the protected API, generated from the same zod schemas that
 * validate requests (lib/validation/tokens.ts) and type responses (lib/api/schemas.ts).
 * tests/unit/openapi.test.ts checks that every route handler under app/api is described here.
 */

const errorContent = { "application/json": { schema: errorSchema } };

function errorResponse(id: string, description: string, headers?: ZodOpenApiResponseObject["headers"]): ZodOpenApiResponseObject {
  return { id, description, content: errorContent, ...(headers && { headers }) };
}

const challengeHeader = z.object({
  "WWW-Authenticate": z.string().meta({ description: 'RFC 6750 challenge, e.g. `Bearer realm="tollgate", error="invalid_token"`.' }),
});

const responses = {
  badRequest: errorResponse(
    "BadRequest",
    "invalid_request: a malformed Authorization header, a body that is not a JSON object, or invalid or unknown fields (listed in `fields`).",
  ),
  unauthorized: errorResponse(
    "Unauthorized",
    "missing_token (no Authorization header) or invalid_token (malformed, unknown, revoked, expired or not yet valid).",
    challengeHeader,
  ),
  forbidden: errorResponse(
    "Forbidden",
    "insufficient_scope: the token lacks the scope named in `scope`. When a token manages tokens, also: it asked to give scopes it " +
      "lacks, or to change a token holding them (`scope` lists them); insufficient_lifetime: to change a token that outlives it " +
      "(`validTo` is the calling token's end).",
    challengeHeader,
  ),
  notFound: errorResponse("NotFound", "not_found: no token with this GUID among the caller's own tokens."),
  conflict: errorResponse("Conflict", "conflict: the token's state does not allow this (e.g. rotating a revoked token, or ending an overlap when none is in force)."),
  policyViolation: errorResponse(
    "PolicyViolation",
    "policy_violation: the request breaks one of the administrators' policies, named in `policy` (see GET /api/v1/admin/policies); " +
      "the message says the limit, and `fields` names the field to change when one does (validTo, overlapSeconds).",
  ),
  adminNotFound: errorResponse("AdminNotFound", "not_found: the calling token's owner is not an administrator (the admin routes do not exist for them)."),
  tooLarge: errorResponse("PayloadTooLarge", `payload_too_large: the body is larger than ${MAX_BODY_BYTES / 1024} KiB.`),
  unsupported: errorResponse("UnsupportedMediaType", "unsupported_media_type: send JSON with Content-Type: application/json."),
  rateLimited: errorResponse(
    "TooManyRequests",
    "rate_limited: too many failed authentications from this address; every request from it is refused until Retry-After has passed.",
    z.object({ "Retry-After": z.string().meta({ description: "Seconds to wait." }) }),
  ),
  internal: errorResponse("InternalError", "internal_error: an unexpected failure, logged on the server."),
  unavailable: errorResponse(
    "ServiceUnavailable",
    "unavailable: the instance cannot reach its database, or is shutting down; retry after Retry-After.",
    z.object({ "Retry-After": z.string().meta({ description: "Seconds to wait." }) }),
  ),
} satisfies Record<string, ZodOpenApiResponseObject>;

/** The answers every authenticated route can give besides its own. */
const authErrors = {
  "400": responses.badRequest,
  "401": responses.unauthorized,
  "403": responses.forbidden,
  "429": responses.rateLimited,
  "500": responses.internal,
  "503": responses.unavailable,
};

const bodyErrors = { "413": responses.tooLarge, "415": responses.unsupported };

function authenticated(scope: RequiredScope | null, operation: ZodOpenApiOperationObject): ZodOpenApiOperationObject {
  const needs = scope ? `Needs the scope \`${scope}\` (${BUILT_IN_SCOPES[scope].description}).` : "Any valid token.";
  return {
    ...operation,
    // OpenAPI 3.1 allows role names in a non-OAuth requirement: here, the scope the route needs.
    security: [{ bearerToken: scope ? [scope] : [] }],
    description: [operation.description, needs].filter(Boolean).join("\n\n"),
    responses: { ...authErrors, ...operation.responses },
  };
}

const guidParams = { path: z.object({ guid: guidSchema.meta({ description: "The token's GUID." }) }) };

// The list's parameters with their descriptions; .meta() returns copies, so the schema the page and the route use is untouched.
const listQuery = z.object(
  Object.fromEntries(
    Object.entries(TOKEN_LIST_PARAMETERS).map(([name, { schema, description, openapi }]) => [name, schema.meta({ description, ...(openapi && { override: openapi }) })]),
  ),
);

const inventoryQuery = z.object(
  Object.fromEntries(
    Object.entries(INVENTORY_PARAMETERS).map(([name, parameter]) => [
      name,
      parameter.schema.meta({ description: parameter.description, ...("openapi" in parameter && { override: parameter.openapi }) }),
    ]),
  ),
);
const eventQuery = z.object(
  Object.fromEntries(
    Object.entries(EVENT_PARAMETERS).map(([name, parameter]) => [
      name,
      parameter.schema.meta({ description: parameter.description, ...("openapi" in parameter && { override: parameter.openapi }) }),
    ]),
  ),
);
const adminTokenNotFound = errorResponse(
  "AdminTokenNotFound",
  "not_found: the calling token's owner is not an administrator (the admin API does not exist for them), or no such token.",
);

const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

const scopeParams = { path: z.object({ name: z.string().meta({ description: "The scope's name.", example: "billing:read" }) }) };
const scopeNotFound = errorResponse("ScopeNotFound", "not_found: no scope of this name in the catalogue (or the caller is not an administrator).");
const scopeConflict = errorResponse(
  "ScopeConflict",
  "conflict: the scope is one of Tollgate's own (its description cannot be edited, it cannot be retired), or it is retired.",
);
const adminNote = "Administrators only: any other caller's token gets 404 not_found.";
const ADMIN_ONLY = "Only an administrator's token reaches this route: anyone else's is answered 404, as if it did not exist.";
const adminNotFound = errorResponse("AdminUserNotFound", "not_found: the caller is not an administrator, or there is no user with this id.");
const adminConflict = errorResponse(
  "AdminConflict",
  "conflict: the change would lock administrators out (disabling or deleting your own account, or the last enabled administrator), " +
    "or admin:read/admin:write granted to someone who is not an administrator.",
);
const userIdParams = { path: z.object({ id: z.uuid().meta({ description: "The user's id." }) }) };
const userScopeParams = {
  path: z.object({ id: z.uuid().meta({ description: "The user's id." }), scope: z.string().meta({ description: "A scope name from the catalogue.", example: "tokens:introspect" }) }),
};
const userListQuery = z.object(
  Object.fromEntries(
    Object.entries(USER_LIST_PARAMETERS).map(([name, p]) => [name, p.schema.meta({ description: p.description, ...("openapi" in p && { override: p.openapi }) })]),
  ),
);
const adminUser = (operation: ZodOpenApiOperationObject) => ({ ...operation, tags: ["Administration"], description: [operation.description, ADMIN_ONLY].filter(Boolean).join("\n\n") });

/** The administrators' user routes (/admin/users does the same in the browser). */
const adminUserPaths = {
  "/api/v1/admin/users": {
    get: authenticated("admin:read", adminUser({
      operationId: "adminListUsers",
      summary: "List and search accounts",
      description: "By email address. Each user with the scopes they hold, their active and inactive token counts and last sign-in. Unknown parameters and values are rejected with 400.",
      requestParams: { query: userListQuery },
      responses: { "200": { description: "One page of users.", content: json(adminUserPageSchema) }, "404": adminNotFound },
    })),
  },
  "/api/v1/admin/users/{id}": {
    get: authenticated("admin:read", adminUser({
      operationId: "adminGetUser",
      summary: "Get an account",
      requestParams: userIdParams,
      responses: { "200": { description: "The user.", content: json(adminUserSchema) }, "404": adminNotFound },
    })),
    delete: authenticated("admin:write", adminUser({
      operationId: "adminDeleteUser",
      summary: "Delete an account",
      description: "Deletes the account with its tokens (which stop working at once), grants and sessions. This cannot be undone.",
      requestParams: userIdParams,
      responses: { "204": { description: "Deleted." }, "404": adminNotFound, "409": adminConflict },
    })),
  },
  "/api/v1/admin/users/{id}/disable": {
    post: authenticated("admin:write", adminUser({
      operationId: "adminDisableUser",
      summary: "Disable an account",
      description:
        "The account's sessions end and its tokens are refused (invalid_token, \"Account disabled\") on every instance within a second, " +
        "until it is enabled again. Disabling a disabled account changes nothing.",
      requestParams: userIdParams,
      responses: { "200": { description: "The user, disabledAt set.", content: json(adminUserSchema) }, "404": adminNotFound, "409": adminConflict },
    })),
  },
  "/api/v1/admin/users/{id}/enable": {
    post: authenticated("admin:write", adminUser({
      operationId: "adminEnableUser",
      summary: "Enable a disabled account",
      description: "Its tokens work again as they were; its owner signs in afresh. Enabling an enabled account changes nothing.",
      requestParams: userIdParams,
      responses: { "200": { description: "The user, disabledAt null.", content: json(adminUserSchema) }, "404": adminNotFound },
    })),
  },
  "/api/v1/admin/users/{id}/scopes/{scope}": {
    put: authenticated("admin:write", adminUser({
      operationId: "adminGrantScope",
      summary: "Grant a scope to a user",
      description: "Granting a scope the user holds changes nothing. admin:read and admin:write can be granted only to administrators.",
      requestParams: userScopeParams,
      responses: {
        "200": { description: "The user, with the scope.", content: json(adminUserSchema) },
        "404": errorResponse("AdminScopeNotFound", "not_found: the caller is not an administrator, or there is no such user or scope."),
        "409": adminConflict,
      },
    })),
    delete: authenticated("admin:write", adminUser({
      operationId: "adminWithdrawScope",
      summary: "Withdraw a scope from a user",
      description:
        "The user's tokens lose the scope at once, on every instance within a second (they keep it on record, and regain it if it " +
        "is granted again). Withdrawing a scope the user does not hold changes nothing.",
      requestParams: userScopeParams,
      responses: { "200": { description: "The user, without the scope.", content: json(adminUserSchema) }, "404": adminNotFound },
    })),
  },
};

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

export function openApiDocument() {
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Tollgate API",
      version: "1.0.0",
      description:
        "Manage your personal API tokens and check tokens from other services. Authenticate with " +
        "`Authorization: Bearer <token>`; create a token on the token page (/settings/tokens). " +
        "Errors are `{\"error\": {\"code\", \"message\"}}` with the codes listed in the Error schema.",
    },
    tags: [
      { name: "Tokens", description: "The caller's own tokens: the same operations as the token page." },
      { name: "Introspection", description: "For services that accept Tollgate tokens (RFC 7662)." },
      { name: "Leaked secrets", description: "For whoever finds a Tollgate secret where it should not be; no token needed." },
      { name: "Service", description: "Health and this document; no token needed." },
      { name: "Administration", description: "Administrators only: accounts, grants, the scope catalogue, every token and the policies." },
    ],
    // The default for every operation, so that reference viewers offer the token field; the
    // operations below name their scope, and the public ones opt out.
    security: [{ bearerToken: [] }],
    components: {
      securitySchemes: {
        bearerToken: {
          type: "http",
          scheme: "bearer",
          description:
            "A Tollgate token secret (`tgp_…`). Its effective scopes are its own scopes that its owner still holds. " +
            "Tollgate's routes check these scopes: " +
            BUILT_IN_SCOPE_NAMES.map((name) => `\`${name}\` (${BUILT_IN_SCOPES[name].description})`).join(", ") +
            ".",
        },
      },
      schemas: { Token: tokenSchema },
    },
    paths: {
      "/api/v1/me": {
        get: authenticated(null, {
          operationId: "getMe",
          tags: ["Tokens"],
          summary: "The calling token and its owner",
          responses: { "200": { description: "The token (with its effective scopes) and who owns it.", content: json(meSchema) } },
        }),
      },
      "/api/v1/audit-events": {
        get: authenticated("tokens:read", {
          operationId: "listAuditEvents",
          tags: ["Tokens"],
          summary: "Your security log",
          description:
            "What was done to the caller's account and tokens, by whom, from where, newest first: the page /settings/security-log. " +
            `Kinds for action: ${Object.entries(EVENT_KINDS).map(([name, kind]) => `${name} (${kind.actions.join(", ")})`).join("; ")}. ` +
            "Pages are reached by cursor: pass nextCursor back for older events, prevCursor for newer ones. With user naming anyone " +
            "else (an id, part of an email, or all) an administrator's token with admin:read reads their events (all: every " +
            "account's, including those that concern no account); anyone else's token gets 404. Unknown parameters and values are " +
            "rejected with 400.",
          requestParams: { query: eventQuery },
          responses: {
            "200": { description: "One page of events.", content: json(auditEventPageSchema) },
            "404": errorResponse("AuditUserNotFound", "not_found: user names another account and the caller is not an administrator."),
          },
        }),
      },
      "/api/v1/tokens": {
        get: authenticated("tokens:read", {
          operationId: "listTokens",
          tags: ["Tokens"],
          summary: "List your tokens",
          description:
            `Filter by ${FILTER_NAMES.join(", ")} (all given must match); sort by ${TOKEN_SORTS.join(", ")}. ` +
            "The total is counted up to 1,000 (totalIsExact says whether it stopped there; pageCount is then null and " +
            "hasNextPage tells whether the next page has tokens). Unknown parameters and values are rejected with 400.",
          requestParams: { query: listQuery },
          responses: { "200": { description: "One page of tokens.", content: json(tokenPageSchema) } },
        }),
        post: authenticated("tokens:write", {
          operationId: "createToken",
          tags: ["Tokens"],
          summary: "Create a token",
          description:
            "The response holds the secret; it is shown only once. Without validFrom/validTo the token is active from now, forever " +
            "(or, when the calling token expires, until the calling token does). A token can give only scopes it has itself, " +
            "and a validTo no later than its own.",
          requestBody: { required: true, content: json(createTokenSchema) },
          responses: {
            "201": {
              description: "Created.",
              headers: z.object({ Location: z.string().meta({ description: "The new token's URL." }) }),
              content: json(tokenWithSecretSchema),
            },
            "422": responses.policyViolation,
            ...bodyErrors,
          },
        }),
      },
      "/api/v1/tokens/{guid}": {
        get: authenticated("tokens:read", {
          operationId: "getToken",
          tags: ["Tokens"],
          summary: "Get a token",
          requestParams: guidParams,
          responses: { "200": { description: "The token.", content: json(tokenSchema) }, "404": responses.notFound },
        }),
        patch: authenticated("tokens:write", {
          operationId: "updateToken",
          tags: ["Tokens"],
          summary: "Edit a token",
          description:
            "Name any subset of the fields; the rest stay as they are. validTo: null means never expires. The secret does not change. " +
            "A token can edit only tokens within its own scopes and lifetime, and cannot widen or lengthen them (itself included).",
          requestParams: guidParams,
          requestBody: { required: true, content: json(updateTokenSchema) },
          responses: {
            "200": { description: "The edited token.", content: json(tokenSchema) },
            "404": responses.notFound,
            "422": responses.policyViolation,
            ...bodyErrors,
          },
        }),
        delete: authenticated("tokens:write", {
          operationId: "deleteToken",
          tags: ["Tokens"],
          summary: "Delete a token",
          description:
            "Programs using it stop working at once. This cannot be undone. A token can delete only tokens within its own scopes " +
            "and lifetime (revoke any other).",
          requestParams: guidParams,
          responses: { "204": { description: "Deleted." }, "404": responses.notFound },
        }),
      },
      "/api/v1/tokens/{guid}/revoke": {
        post: authenticated("tokens:write", {
          operationId: "revokeToken",
          tags: ["Tokens"],
          summary: "Revoke a token",
          description:
            "The token becomes inactive at once and its validTo is set to now. Revoking a revoked token changes nothing. " +
            "Any of the owner's tokens with tokens:write may revoke any other, broader ones included.",
          requestParams: guidParams,
          responses: {
            "200": { description: "The revoked token.", content: json(tokenSchema) },
            "404": responses.notFound,
            "409": responses.conflict,
          },
        }),
      },
      "/api/v1/tokens/{guid}/rotate": {
        post: authenticated("tokens:write", {
          operationId: "rotateToken",
          tags: ["Tokens"],
          summary: "Issue a new secret",
          description:
            "GUID, name, scopes and validity stay, unless validTo gives a new end (null: none). With overlapSeconds > 0 the " +
            "old secret keeps working for that long; without, it stops at once. The body is optional. A token can rotate only " +
            "tokens within its own scopes and lifetime.",
          requestParams: guidParams,
          requestBody: { required: false, content: json(rotateTokenSchema) },
          responses: {
            "200": { description: "The token and its new secret (shown only once).", content: json(tokenWithSecretSchema) },
            "404": responses.notFound,
            "409": responses.conflict,
            "422": responses.policyViolation,
            ...bodyErrors,
          },
        }),
      },
      "/api/v1/tokens/{guid}/end-overlap": {
        post: authenticated("tokens:write", {
          operationId: "endOverlap",
          tags: ["Tokens"],
          summary: "Stop the previous secret now",
          description:
            "Ends the overlap of a rotation with overlapSeconds > 0: every secret but the current one stops working at once " +
            "(on every instance within a second). With no overlap in force (previousSecretExpiresAt is null) it answers 409 " +
            "and changes nothing. Any of the owner's tokens with tokens:write may end an overlap, as with revoking.",
          requestParams: guidParams,
          responses: {
            "200": { description: "The token, previousSecretExpiresAt now null.", content: json(tokenSchema) },
            "404": responses.notFound,
            "409": responses.conflict,
          },
        }),
      },
      "/api/v1/tokens/{guid}/usage": {
        get: authenticated("tokens:read", {
          operationId: "getTokenUsage",
          tags: ["Tokens"],
          summary: "A token's use: requests per hour and per day, and where from",
          description:
            "Requests made with the token, answered and refused, per UTC hour over the last 7 days and per UTC day over the " +
            "last 90, every bucket present (zeros included), summed over its own requests and the introspections of it by " +
            "service tokens (listed in sources). Counters are written in batches, so the newest uses appear within " +
            "USAGE_FLUSH_SECONDS. Also the addresses it was used from. The token page (/settings/tokens/{guid}) shows the same.",
          requestParams: guidParams,
          responses: { "200": { description: "The token's usage.", content: json(tokenUsageSchema) }, "404": responses.notFound },
        }),
      },
      "/api/v1/admin/policies": {
        get: authenticated("admin:read", {
          operationId: "getPolicies",
          tags: ["Administration"],
          summary: "The token policies",
          description: "The deployment's limits on tokens; null is no limit.",
          responses: { "200": { description: "The policies.", content: json(policiesSchema) }, "404": responses.adminNotFound },
        }),
        patch: authenticated("admin:write", {
          operationId: "setPolicies",
          tags: ["Administration"],
          summary: "Change the token policies",
          description:
            "Name any subset of the limits; the rest stay. null removes a limit. A policy binds every token created, edited or " +
            "rotated from then on, on every instance at once (refusals answer 422 policy_violation); existing tokens that break it keep " +
            "working and are counted in breakingTokens. Recorded as policy.changed.",
          requestBody: { required: true, content: json(updatePoliciesSchema) },
          responses: {
            "200": { description: "The policies as saved, and how many existing tokens break them.", content: json(policiesChangeSchema) },
            "404": responses.adminNotFound,
            ...bodyErrors,
          },
        }),
      },
      "/api/v1/admin/tokens": {
        get: authenticated("admin:read", {
          operationId: "listAllTokens",
          tags: ["Administration"],
          summary: "Every user's tokens",
          description:
            `Filter by ${INVENTORY_FILTER_NAMES.join(", ")} (all given must match); sort by ${INVENTORY_SORTS.join(", ")}. ` +
            "Pages are reached by cursor: pass nextCursor or prevCursor back with the same sort and order. The total is counted " +
            "up to 10,000 (totalIsExact says whether it stopped there). Unknown parameters and values are rejected with 400. " +
            "No secret or hash is ever in an answer, only the partial.",
          requestParams: { query: inventoryQuery },
          responses: { "200": { description: "One page of tokens, with their owners.", content: json(inventoryPageSchema) }, "404": adminTokenNotFound },
        }),
      },
      "/api/v1/admin/tokens/{guid}/revoke": {
        post: authenticated("admin:write", {
          operationId: "revokeTokenAsAdmin",
          tags: ["Administration"],
          summary: "Revoke anyone's token, with a reason",
          description:
            "The token becomes inactive at once (on every instance within a second) and its validTo is set to now. Its owner " +
            "sees revokedBy \"administrator\" and the reason (1–500 characters). A token already revoked answers 409 and keeps " +
            "its first reason; an expired or not yet valid one answers 409 as well.",
          requestParams: guidParams,
          requestBody: { required: true, content: json(adminRevokeSchema) },
          responses: {
            "200": { description: "The revoked token.", content: json(tokenSchema) },
            "404": adminTokenNotFound,
            "409": responses.conflict,
            ...bodyErrors,
          },
        }),
      },
      "/api/v1/admin/tokens/{guid}/usage": {
        get: authenticated("admin:read", {
          operationId: "getTokenUsageAsAdmin",
          tags: ["Administration"],
          summary: "Anyone's token's use: requests per hour and per day, and where from",
          description:
            "What GET /api/v1/tokens/{guid}/usage answers its owner, for any account's token: the hourly and daily counts, the " +
            "service tokens that introspected it (named when they are the owner's), and its addresses. With the audit log " +
            "(GET /api/v1/audit-events?token={guid}&user=all) it says when, from where and how often a token was used and what " +
            "was done to it.",
          requestParams: guidParams,
          responses: { "200": { description: "The token's usage.", content: json(tokenUsageSchema) }, "404": adminTokenNotFound },
        }),
      },
      "/api/v1/introspect": {
        post: authenticated("tokens:introspect", {
          operationId: "introspectToken",
          tags: ["Introspection"],
          summary: "Is a token active? (RFC 7662)",
          description:
            "Any user's token can be checked. An unknown, malformed or inactive token gives only {\"active\": false}. " +
            "An active one is counted in its hourly usage with the asking token as the source; its last use and addresses are not changed.",
          requestBody: {
            required: true,
            content: {
              "application/x-www-form-urlencoded": { schema: introspectionRequestSchema },
              "application/json": { schema: introspectionRequestSchema },
            },
          },
          responses: { "200": { description: "What the token is, or that it is not active.", content: json(introspectionSchema) }, ...bodyErrors },
        }),
      },
      "/api/v1/introspect/changes": {
        get: authenticated("tokens:introspect", {
          operationId: "followIntrospectionChanges",
          tags: ["Introspection"],
          summary: "Change feed: which introspected tokens changed (server-sent events)",
          description:
            "A stream of server-sent events for a service that keeps introspection answers in memory (clients/node does). " +
            "`event: ready` (data `{}`) once the feed hears every change: trust cached answers only after it. " +
            "`event: tokens.changed` with data `{\"guids\": [...]}`: tokens this service token has introspected (active) that were revoked, edited, " +
            "rotated or deleted, or whose owner's grants or account changed; drop their answers. Never a token this service token has not introspected. " +
            "`event: end` with data `{\"reason\": \"shutdown\" | \"token_invalid\" | \"changes_unheard\"}`, then the stream ends: forget every cached answer and reconnect. " +
            "A comment line (`: heartbeat`) every 15 seconds (CHANGE_FEED_HEARTBEAT_SECONDS), when the feed also checks its own token. " +
            "When the stream ends for any reason, forget every cached answer: changes may have gone unheard. " +
            "One token may hold 10 feeds open on one instance (CHANGE_FEEDS_PER_TOKEN).",
          responses: {
            "200": {
              description: "The stream; it lasts until the client, the instance or the token ends it.",
              content: { "text/event-stream": { schema: { type: "string", description: "Server-sent events, as described above." } } },
            },
            "429": errorResponse("TooManyFeeds", "rate_limited: this token already holds CHANGE_FEEDS_PER_TOKEN feeds on this instance; wait Retry-After seconds or close one."),
          },
        }),
      },
      "/api/v1/credentials/revoke": {
        post: {
          operationId: "reportLeakedCredentials",
          tags: ["Leaked secrets"],
          summary: "Report leaked secrets, to have them revoked",
          description:
            "No token needed: anyone who finds a Tollgate secret (tgp_…) where it should not be can report it. Each real token whose " +
            "secret still works is revoked with the reason \"Reported as leaked\", and its owner is told by mail and in the app. The " +
            "answer is the same whether none, some or all of the secrets were real, and is given before the report is worked through " +
            "(revocation follows within a moment). Anything in the list that is not a well-formed secret is ignored. Each address may send " +
            `60 reports an hour (CREDENTIAL_REPORT_LIMIT), malformed ones included. The body may be up to ${MAX_REPORT_BODY_BYTES / 1024} KiB. ` +
            "docs/secret-scanning.md has the pattern that finds Tollgate secrets and a script that submits them.",
          security: [],
          requestBody: { required: true, content: json(leakReportSchema) },
          responses: {
            "202": { description: "Received; the real secrets among them are being revoked.", content: json(leakReportReceiptSchema) },
            "400": errorResponse("BadLeakReport", "invalid_request: the body is not a JSON object of the documented shape (the fields at fault in `fields`)."),
            "413": errorResponse("LeakReportTooLarge", `payload_too_large: the body is larger than ${MAX_REPORT_BODY_BYTES / 1024} KiB.`),
            "415": responses.unsupported,
            "429": errorResponse(
              "TooManyReports",
              "rate_limited: this address has sent its reports for the hour; wait Retry-After seconds.",
              z.object({ "Retry-After": z.string().meta({ description: "Seconds to wait." }) }),
            ),
            "500": responses.internal,
          },
        },
      },
      "/api/v1/admin/scopes": {
        get: authenticated("admin:read", {
          operationId: "listScopes",
          tags: ["Administration"],
          summary: "The scope catalogue",
          description: `Every scope by name, retired ones included, with how many users hold it and how many live tokens carry it. ${adminNote}`,
          responses: { "200": { description: "The catalogue.", content: json(scopeCatalogueSchema) }, "404": scopeNotFound },
        }),
        post: authenticated("admin:write", {
          operationId: "createScope",
          tags: ["Administration"],
          summary: "Add a scope for another service",
          description:
            "The name is lowercase `service:action` (at most 64 characters) and cannot be one of Tollgate's own services (tokens, metrics, " +
            `admin) or a name used before, retired ones included. Tollgate carries the scope on tokens and reports it in introspection. ${adminNote}`,
          requestBody: { required: true, content: json(createScopeSchema) },
          responses: {
            "201": {
              description: "Added.",
              headers: z.object({ Location: z.string().meta({ description: "The scope's URL." }) }),
              content: json(catalogueScopeSchema),
            },
            "404": scopeNotFound,
            ...bodyErrors,
          },
        }),
      },
      "/api/v1/admin/scopes/{name}": {
        patch: authenticated("admin:write", {
          operationId: "editScope",
          tags: ["Administration"],
          summary: "Edit a scope's description, or whether new accounts receive it",
          description:
            "Only custom scopes' descriptions can be edited (409 for Tollgate's own). `default` chooses whether new accounts receive the " +
            "scope; the first such choice replaces the DEFAULT_SCOPES variable for good. Administrators' scopes cannot be defaults. " +
            `A retired scope cannot be edited (409). ${adminNote}`,
          requestParams: scopeParams,
          requestBody: { required: true, content: json(editScopeSchema) },
          responses: {
            "200": { description: "The scope.", content: json(catalogueScopeSchema) },
            "404": scopeNotFound,
            "409": scopeConflict,
            ...bodyErrors,
          },
        }),
      },
      "/api/v1/admin/scopes/{name}/retire": {
        post: authenticated("admin:write", {
          operationId: "retireScope",
          tags: ["Administration"],
          summary: "Retire a custom scope",
          description:
            "Withdraws it from every user at once, so every token loses it (on every instance within a second), removes it from the " +
            "defaults, and it can never be granted again; tokens keep it on record. This cannot be undone. Tollgate's own scopes " +
            `cannot be retired (409). ${adminNote}`,
          requestParams: scopeParams,
          responses: {
            "200": { description: "The retired scope, with the holders and tokens it had.", content: json(catalogueScopeSchema) },
            "404": scopeNotFound,
            "409": scopeConflict,
          },
        }),
      },
      ...adminUserPaths,
      "/api/metrics": {
        get: authenticated("metrics:read", {
          operationId: "metrics",
          tags: ["Service"],
          summary: "Operational counters of this instance",
          responses: { "200": { description: "Database queries, verification cache and pending usage counters.", content: json(metricsSchema) } },
        }),
      },
      "/api/health": {
        get: {
          operationId: "health",
          tags: ["Service"],
          summary: "Is the process up? (liveness)",
          description: "Answered from memory, without the database: for an orchestrator's liveness probe.",
          security: [],
          responses: { "200": { description: "The process is up.", content: json(healthSchema) } },
        },
      },
      "/api/health/ready": {
        get: {
          operationId: "readiness",
          tags: ["Service"],
          summary: "Can this instance serve requests? (readiness)",
          description: "Asks the database a trivial query, with a 5 s limit: for a load balancer's readiness probe.",
          security: [],
          responses: {
            "200": { description: "The database is reachable.", content: json(healthSchema) },
            "503": { description: "The database is not reachable.", content: json(healthSchema) },
          },
        },
      },
      "/api/openapi.json": {
        get: {
          operationId: "openApiDocument",
          tags: ["Service"],
          summary: "This document",
          security: [],
          responses: { "200": { description: "The OpenAPI 3.1 document.", content: { "application/json": {} } } },
        },
      },
    },
  });
}
