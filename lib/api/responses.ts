import "server-only";
import { BeyondCallerError, ConflictError, NotFoundError, ValidationError, isDatabaseUnavailable, loggable, type FieldErrors } from "@/lib/errors";
import { challenge } from "./bearer";
import type { ERROR_CODES } from "./schemas";

/**
 * Every error the API answers has one shape, `{"error": {"code", "message", ...}}`, with a code
 * from ERROR_CODES that clients can branch on and a message a person can act on.
 */
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorDetails = { fields?: FieldErrors; scope?: string; validTo?: string };

/**
 * An answer other than success, as plain data. The refusals every protected call may meet
 * (no token, a bad token, a blocked address, a missing scope) are returned as these rather than
 * thrown: an Error captures a stack trace, and through Next's deep stack that was the largest
 * single cost of refusing a malformed token (see docs/performance.md).
 */
export type Refusal = {
  status: number;
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
  headers?: Record<string, string>;
};

/** A refusal thrown from anywhere below a route, for the rarer errors where a stack is worth having. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
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
  return json(errorBody(refusal.code, refusal.message, refusal.details ?? {}), { status: refusal.status, headers: refusal.headers });
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
    return refusalResponse({ status: 403, code: "insufficient_scope", message: error.message, details: { scope }, headers });
  }
  return refusalResponse({ status: 403, code: "insufficient_lifetime", message: error.message, details: { validTo: error.limit.validTo.toISOString() } });
}

export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) return refusalResponse(error);
  if (error instanceof ValidationError) {
    return json(errorBody("invalid_request", error.message, { fields: error.fieldErrors }), { status: 400 });
  }
  if (error instanceof NotFoundError) return json(errorBody("not_found", error.message, {}), { status: 404 });
  if (error instanceof ConflictError) return json(errorBody("conflict", error.message, {}), { status: 409 });
  if (error instanceof BeyondCallerError) return beyondCaller(error);
  if (isDatabaseUnavailable(error)) {
    console.error("The database is unavailable:", loggable(error));
    return json(errorBody("unavailable", "The service cannot reach its database. Retry in a few seconds.", {}), {
      status: 503,
      headers: { "Retry-After": "5" },
    });
  }
  console.error("Unexpected error in an API route:", error);
  return json(
    errorBody("internal_error", "Something went wrong on our side. Try again; if it keeps happening, tell the administrator.", {}),
    { status: 500 },
  );
}
