import "server-only";
import { ConflictError, NotFoundError, ValidationError, isDatabaseUnavailable, type FieldErrors } from "@/lib/errors";
import type { ERROR_CODES } from "./schemas";

/**
 * Every error the API answers has one shape, `{"error": {"code", "message", ...}}`, with a code
 * from ERROR_CODES that clients can branch on and a message a person can act on.
 */
export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorDetails = { fields?: FieldErrors; scope?: string };

/** An answer other than success, thrown anywhere below a route and turned into a response once. */
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

/** API answers carry tokens and secrets: no cache (browser or proxy) may keep them. */
export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return Response.json(body, { status: init.status ?? 200, headers: { "Cache-Control": "no-store", ...init.headers } });
}

function errorBody(code: ErrorCode, message: string, details: ErrorDetails) {
  return { error: { code, message, ...details } };
}

export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) {
    return json(errorBody(error.code, error.message, error.details), { status: error.status, headers: error.headers });
  }
  if (error instanceof ValidationError) {
    return json(errorBody("invalid_request", error.message, { fields: error.fieldErrors }), { status: 400 });
  }
  if (error instanceof NotFoundError) return json(errorBody("not_found", error.message, {}), { status: 404 });
  if (error instanceof ConflictError) return json(errorBody("conflict", error.message, {}), { status: 409 });
  if (isDatabaseUnavailable(error)) {
    console.error("The database is unavailable:", error);
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
