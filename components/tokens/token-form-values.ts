import { fieldErrorsOf, type FieldErrors } from "@/lib/errors";
import { createTokenSchema, tokenFieldsSchema, validityProblems } from "@/lib/validation/tokens";
import { newGuid } from "./guid";
import type { Token } from "./types";

/**
 * The create/edit dialog's fields as the inputs hold them. The plain fields are the contract's;
 * the dates are datetime-local strings in the browser's zone ("" for none), not the contract's instants.
 */
export type TokenFormValues = Pick<Token, "guid" | "name" | "description" | "scopes"> & { validFrom: string; validTo: string };

const pad = (n: number) => String(n).padStart(2, "0");

/** An instant as a datetime-local value ("2030-01-31T09:30") in the browser's time zone. */
export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * A datetime-local value as an ISO instant. `new Date("2030-01-31T09:30")` reads it in the
 * browser's zone, which is what the person picked. A value that still shows the stored time
 * sends the stored instant itself, so an edit does not move it by the seconds the input cannot show.
 */
function toIso(local: string, stored: string | null | undefined): string {
  if (stored && toLocalInput(new Date(stored)) === local) return stored;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
}

export function initialValues(token?: Token): TokenFormValues {
  if (!token) return { guid: newGuid(), name: "", description: "", scopes: [], validFrom: "", validTo: "" };
  return {
    guid: token.guid,
    name: token.name,
    description: token.description,
    scopes: token.scopes,
    validFrom: toLocalInput(new Date(token.validFrom)),
    validTo: token.validTo ? toLocalInput(new Date(token.validTo)) : "",
  };
}

/**
 * What the dialog sends to the server action. Creating: an empty valid-from means "from now".
 * Editing: an empty valid-from keeps the stored one (it cannot be cleared), an empty valid-to
 * means "never expires".
 */
export function payloadOf(values: TokenFormValues, token?: Token): Record<string, unknown> {
  const common = {
    name: values.name,
    description: values.description,
    scopes: values.scopes,
    validTo: values.validTo ? toIso(values.validTo, token?.validTo) : null,
  };
  if (!token) return { ...common, guid: values.guid, validFrom: values.validFrom ? toIso(values.validFrom, null) : null };
  return values.validFrom ? { ...common, validFrom: toIso(values.validFrom, token.validFrom) } : common;
}

/** Every reason the server would refuse this payload, found with the server's own rules. */
export function problemsOf(payload: Record<string, unknown>, now: Date, token?: Token): FieldErrors {
  const parsed = (token ? tokenFieldsSchema : createTokenSchema).safeParse(payload);
  const errors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues);
  const dateOf = (value: unknown) => {
    const date = typeof value === "string" && value ? new Date(value) : null;
    return date && !Number.isNaN(date.getTime()) ? date : null;
  };
  const stored = token && { validFrom: new Date(token.validFrom), validTo: token.validTo ? new Date(token.validTo) : null };
  const window = { validFrom: dateOf(payload.validFrom) ?? stored?.validFrom ?? null, validTo: dateOf(payload.validTo) };
  for (const [field, messages] of Object.entries(validityProblems(window, now, stored))) errors[field] ??= messages;
  return errors;
}
