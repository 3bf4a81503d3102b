import "server-only";
import {
  BeyondCallerError,
  ConflictError,
  NotFoundError,
  PolicyViolationError,
  ValidationError,
  isDatabaseUnavailable,
  loggable,
  type FieldErrors,
  type PolicyName,
} from "@/lib/errors";
import { challenge } from "./bearer";
import { ERROR_STATUS, type ErrorCode } from "./schemas";

/**
 * Every error the API answers has one shape, `{"error": {"code", "message", ...}}`, with a code
 * from ERROR_CODES that clients can branch on and a message a person can act on.
 */
export type { ErrorCode };

export type ErrorDetails = { fields?: FieldErrors; scope?: string; validTo?: string; policy?: PolicyName };

/**
 * An answer other than success, as plain data; its HTTP status is its code's (ERROR_STATUS).
 * Returned rather than thrown on the hot path: a stack trace is costly (docs/performance.md).
 */
export type Refusal = {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
  headers?: Record<string, string>;
};

/** A refusal thrown from anywhere below a route, for the rarer errors where a stack is worth having. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function refusalResponse(refusal: Refusal): Response {
  return json(errorBody(refusal.code, refusal.message, refusal.details ?? {}), { status: ERROR_STATUS[refusal.code], headers: refusal.headers });
}

/** API answers carry tokens and secrets: no cache (browser or proxy) may keep them. */
export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return Response.json(body, { status: init.status ?? 200, headers: { "Cache-Control": "no-store", ...init.headers } });
}

function errorBody(code: ErrorCode, message: string, details: ErrorDetails) {
  return { error: { code, message, ...details } };
}

/** A token that asked for more than it holds: the scopes it lacks, or the end it cannot reach past. */
function beyondCaller(error: BeyondCallerError): Response {
  if ("scopes" in error.limit) {
    const scope = error.limit.scopes.join(" ");
    const headers = { "WWW-Authenticate": challenge("insufficient_scope", scope) };
    return refusalResponse({ code: "insufficient_scope", message: error.message, details: { scope }, headers });
  }
  return refusalResponse({ code: "insufficient_lifetime", message: error.message, details: { validTo: error.limit.validTo.toISOString() } });
}

export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) return refusalResponse(error);
  if (error instanceof ValidationError) return refusalResponse({ code: "invalid_request", message: error.message, details: { fields: error.fieldErrors } });
  if (error instanceof NotFoundError) return refusalResponse({ code: "not_found", message: error.message });
  if (error instanceof ConflictError) return refusalResponse({ code: "conflict", message: error.message });
  if (error instanceof PolicyViolationError) {
    const details = { policy: error.policy, ...(error.field && { fields: { [error.field]: [error.message] } }) };
    return refusalResponse({ code: "policy_violation", message: error.message, details });
  }
  if (error instanceof BeyondCallerError) return beyondCaller(error);
  if (isDatabaseUnavailable(error)) {
    console.error("The database is unavailable:", loggable(error));
    return refusalResponse({ code: "unavailable", message: "The service cannot reach its database. Retry in a few seconds.", headers: { "Retry-After": "5" } });
  }
  console.error("Unexpected error in an API route:", error);
  return refusalResponse({ code: "internal_error", message: "Something went wrong on our side. Try again; if it keeps happening, tell the administrator." });
}
