/**
 * The errors the domain modules throw on purpose. Server actions turn them into form state,
 * route handlers into JSON error bodies; anything else is a bug and is logged, not shown.
 */
export type FieldErrors = Record<string, string[]>;

export class ValidationError extends Error {
  constructor(
    readonly fieldErrors: FieldErrors,
    message = "Some fields need attention.",
  ) {
    super(message);
    this.name = "ValidationError";
  }
}

/** Also used for another user's resource, so that its existence is not revealed. */
export class NotFoundError extends Error {
  constructor(message = "No such token.") {
    super(message);
    this.name = "NotFoundError";
  }
}

/** Too many attempts (failed sign-ins, sign-ups) from one address or for one account; retry later. */
export class TooManyAttemptsError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = "TooManyAttemptsError";
  }
}

/**
 * An administrator disabled the account: thrown only after its password (or external provider)
 * was accepted, so that it tells nothing to someone who does not know the password.
 */
export class AccountDisabledError extends Error {
  constructor() {
    super("This account has been disabled by an administrator.");
    this.name = "AccountDisabledError";
  }
}

/** The request is valid but the resource's state does not allow it (revoking an expired token). */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConflictError";
  }
}

/** The deployment's policies (lib/policies) that a request can break. */
export type PolicyName = "maxTokenLifetimeDays" | "maxRotationOverlapSeconds" | "maxActiveTokensPerUser";

/**
 * The request breaks one of the administrators' policies: its message names the policy and the
 * limit; `field` is the input that breaks it, when one does (the page shows the message there).
 */
export class PolicyViolationError extends Error {
  constructor(
    readonly policy: PolicyName,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "PolicyViolationError";
  }
}

/**
 * An API token asked to act beyond itself: to give scopes it lacks, or to change a token that holds
 * scopes it lacks (`scopes`) or outlives it (`validTo`, the calling token's end). People never meet it.
 */
export class BeyondCallerError extends Error {
  constructor(
    message: string,
    readonly limit: { scopes: string[] } | { validTo: Date },
  ) {
    super(message);
    this.name = "BeyondCallerError";
  }
}

type Issue = { path: readonly PropertyKey[]; message: string; code?: string; keys?: readonly string[] };

export function fieldErrorsOf(issues: readonly Issue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    // A strict object reports its unknown fields in one issue; each is named under its own key.
    if (issue.code === "unrecognized_keys" && issue.keys) {
      for (const key of issue.keys) (errors[key] ??= []).push(`Unknown field. ${issue.message}`);
      continue;
    }
    const key = issue.path.length ? String(issue.path[0]) : "form";
    const messages = (errors[key] ??= []);
    // Three malformed scopes produce three identical issues; the person needs to read it once.
    if (!messages.includes(issue.message)) messages.push(issue.message);
  }
  return errors;
}

// Prisma's codes for a database it cannot reach, a connection that closed, a query timeout, and
// a pool with no free connection; then the socket errors pg raises before Prisma sees them; then
// PostgreSQL's "shutting down" and "cannot connect now" (57P01–57P03).
const UNAVAILABLE_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH", "57P01", "57P02", "57P03"]);

const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "SocketTimeout", "ConnectionClosed", "TooManyConnections"]);

/**
 * Whether an error means the database is unavailable (a failure to retry later) rather than a bug.
 * pg reports a refused connection to a host with several addresses as an AggregateError. Prisma
 * wraps a PostgreSQL error it has no code for (57P01 at a fast shutdown) as P2039 or P2010, with
 * the driver adapter's error, whose `cause` holds PostgreSQL's code, in `meta.driverAdapterError`.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 5) return false;
  const { code, errors, cause, meta } = error as { code?: unknown; errors?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
  // A raw query (P2010) keeps the adapter's kind where other queries get P1001/P1008/P1017.
  const { kind } = error as { kind?: unknown };
  if (typeof kind === "string" && UNAVAILABLE_KINDS.has(kind)) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  if (meta?.driverAdapterError !== undefined && isDatabaseUnavailable(meta.driverAdapterError, depth + 1)) return true;
  return cause !== undefined && cause !== error && isDatabaseUnavailable(cause, depth + 1);
}

/**
 * What to log of an error: an outage is expected, not a bug, so one line without a stack however
 * many requests meet it; anything else whole, stack included.
 */
export function loggable(error: unknown): unknown {
  if (!isDatabaseUnavailable(error)) return error;
  return error instanceof Error ? error.message.trim().split("\n").at(-1)!.trim() : String(error);
}
