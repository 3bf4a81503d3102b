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

/** The request is valid but the resource's state does not allow it (revoking an expired token). */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConflictError";
  }
}

export function fieldErrorsOf(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.length ? String(issue.path[0]) : "form";
    const messages = (errors[key] ??= []);
    // Three malformed scopes produce three identical issues; the person needs to read it once.
    if (!messages.includes(issue.message)) messages.push(issue.message);
  }
  return errors;
}
