import "server-only";
import { ValidationError, fieldErrorsOf, type FieldErrors } from "@/lib/errors";
import { tokenListQuerySchema, type TokenListQuery } from "@/lib/validation/token-list";
import type { z } from "@/lib/validation/zod";

/**
 * The list query of the API, read strictly: the page falls back to defaults for a hand-edited
 * URL, but a program that sends an unknown parameter or value has a bug it should hear about.
 */
export function listQueryOf(searchParams: URLSearchParams): TokenListQuery {
  return strictQueryOf(tokenListQuerySchema, searchParams);
}

/** Any list's query, read as strictly: each parameter known, given once, and valid. */
export function strictQueryOf<Schema extends z.ZodObject>(schema: Schema, searchParams: URLSearchParams): z.output<Schema> {
  const PARAMETERS = Object.keys(schema.shape);
  const errors: FieldErrors = {};
  const given: Record<string, string> = {};
  for (const name of new Set(searchParams.keys())) {
    const values = searchParams.getAll(name);
    if (!PARAMETERS.includes(name)) errors[name] = [`Unknown query parameter. The list accepts: ${PARAMETERS.join(", ")}.`];
    else if (values.length > 1) errors[name] = ["Give this parameter once."];
    else given[name] = values[0]!;
  }
  const parsed = schema.safeParse(given);
  if (!parsed.success) Object.assign(errors, fieldErrorsOf(parsed.error.issues));
  if (Object.keys(errors).length || !parsed.success) throw new ValidationError(errors, "Some query parameters are not valid.");
  return parsed.data;
}
