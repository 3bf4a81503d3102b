import { z } from "./zod";
import type { FieldErrors } from "@/lib/errors";
import { strictFields } from "./fields";

/**
 * Token input rules, shared by the create/edit dialog (to enable Save), the server actions,
 * the API and the OpenAPI document. Nothing here may import server-only code.
 */
export const TOKEN_NAME_MAX = 100;
export const TOKEN_DESCRIPTION_MAX = 500;
export const MAX_SCOPES_PER_TOKEN = 50;
/** The dialog's date pickers have minute resolution; a time picked "now" is up to a minute old. */
export const PAST_GRACE_MS = 60_000;
export const MAX_ROTATION_OVERLAP_SECONDS = 30 * 24 * 3600;

export const scopeNameSchema = z
  .string()
  .max(64, "A scope name has at most 64 characters.")
  .regex(/^[a-z][a-z0-9_-]*(:[a-z][a-z0-9_-]*)*$/, "A scope looks like `tokens:read`.");

const DATE_TIME_MESSAGE = "Use an ISO 8601 date and time, e.g. 2030-01-31T12:00:00Z.";
export const TIME_ZONE_MESSAGE =
  "Give the time zone: end the time with Z (UTC) or an offset such as +02:00, e.g. 2030-01-31T12:00:00Z.";
// A date and time without a zone would be read in the server's zone, which the client cannot know.
const WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const instant = z.iso.datetime({
  offset: true,
  error: (issue) => (typeof issue.input === "string" && WITHOUT_ZONE.test(issue.input) ? TIME_ZONE_MESSAGE : DATE_TIME_MESSAGE),
});
const optionalDateTime = z
  .union([instant, z.literal(""), z.null()], { message: DATE_TIME_MESSAGE })
  .optional()
  .transform((value) => (value ? new Date(value) : null));

// PostgreSQL refuses a NUL character in text (the insert would fail with a server error), and
// other control characters or unpaired surrogates only make a name unreadable.
const CONTROL_CHARACTER = /[\p{Cc}\p{Cs}]/u;
const CONTROL_CHARACTER_EXCEPT_LINE_BREAKS = /(?![\t\n\r])[\p{Cc}\p{Cs}]/u;

const tokenFields = {
  name: z
    .string({ message: "Name is required." })
    .trim()
    .min(1, "Name is required.")
    .max(TOKEN_NAME_MAX, `Name can be at most ${TOKEN_NAME_MAX} characters.`)
    .refine((name) => !CONTROL_CHARACTER.test(name), "Name cannot contain control characters."),
  description: z
    .string({ message: "Description must be text." })
    .trim()
    .max(TOKEN_DESCRIPTION_MAX, `Description can be at most ${TOKEN_DESCRIPTION_MAX} characters.`)
    .refine((text) => !CONTROL_CHARACTER_EXCEPT_LINE_BREAKS.test(text), "Description cannot contain control characters.")
    .nullish()
    .transform((value) => value ?? ""),
  scopes: z
    .array(scopeNameSchema, { message: "Choose at least one scope." })
    .min(1, "Choose at least one scope.")
    .max(MAX_SCOPES_PER_TOKEN, `A token can have at most ${MAX_SCOPES_PER_TOKEN} scopes.`)
    .transform((scopes) => [...new Set(scopes)].sort()),
  validFrom: optionalDateTime,
  validTo: optionalDateTime,
};

const TOKEN_FIELDS_MESSAGE = "Expected object with the token's fields.";
export const tokenFieldsSchema = strictFields(tokenFields, TOKEN_FIELDS_MESSAGE);

export const guidSchema = z.uuid({ message: "A GUID looks like 3f2b8c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f." });

export const createTokenSchema = strictFields({ ...tokenFields, guid: guidSchema.optional() }, TOKEN_FIELDS_MESSAGE);
export type CreateTokenInput = z.input<typeof createTokenSchema>;

/** Edits may name any subset of the fields; what is left out stays as it is. */
export const updateTokenSchema = tokenFieldsSchema.partial();
export type UpdateTokenInput = z.input<typeof updateTokenSchema>;

export const rotateTokenSchema = strictFields(
  {
    overlapSeconds: z
      .number({ message: "overlapSeconds must be a number of seconds." })
      .int("overlapSeconds must be a whole number of seconds.")
      .min(0, "overlapSeconds cannot be negative.")
      .max(MAX_ROTATION_OVERLAP_SECONDS, "The old secret can keep working for at most 30 days.")
      .default(0),
    // Left out: the token keeps its end. null: it never expires. A rotation is a natural moment to renew it.
    validTo: z.union([instant, z.null()], { message: DATE_TIME_MESSAGE }).optional(),
  },
  "Expected object with the rotation options.",
);
export type RotateTokenInput = z.input<typeof rotateTokenSchema>;

/**
 * An introspection request (RFC 7662 §2.1), form-encoded or JSON. Only the two parameters the RFC
 * defines are accepted: anything else is a client's mistake, answered like an unknown token field.
 */
export const introspectionRequestSchema = strictFields(
  {
    token: z
      .string({ message: "Send the token to check in the `token` parameter, as a string." })
      .min(1, "Send the token to check in the `token` parameter, as a string.")
      .meta({ description: "The token secret to check." }),
    token_type_hint: z
      .string({ message: "token_type_hint must be text." })
      .optional()
      .meta({ description: "Accepted and ignored (RFC 7662 §2.1): every Tollgate token is of one type." }),
  },
  "Expected the introspection parameters: token, and optionally token_type_hint.",
).meta({ id: "IntrospectionRequest" });

/**
 * The validity-window rules, which depend on the clock. `previous` holds the stored values when
 * editing: an unchanged date may lie in the past (a token created last year keeps its valid-from).
 */
export function validityProblems(
  window: { validFrom: Date | null; validTo: Date | null },
  now: Date,
  previous?: { validFrom: Date; validTo: Date | null },
): FieldErrors {
  const errors: FieldErrors = {};
  const earliest = now.getTime() - PAST_GRACE_MS;
  const same = (a: Date | null, b: Date | null | undefined) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
  if (window.validFrom && window.validFrom.getTime() < earliest && !same(window.validFrom, previous?.validFrom)) {
    errors.validFrom = ["Valid from cannot be in the past."];
  }
  if (window.validTo && window.validTo.getTime() < earliest && !same(window.validTo, previous?.validTo)) {
    errors.validTo = ["Valid to cannot be in the past."];
  }
  const from = window.validFrom ?? previous?.validFrom ?? now;
  // A stored window sent back unchanged is what the token already has (a token revoked at the instant
  // it became valid has valid-to = valid-from): only a change must be in order.
  const unchanged = previous && same(from, previous.validFrom) && same(window.validTo, previous.validTo);
  if (window.validTo && window.validTo.getTime() <= from.getTime() && !errors.validTo && !unchanged) {
    errors.validTo = ["Valid to must be after valid from."];
  }
  return errors;
}
