import { z } from "./zod";
import { strictFields } from "./fields";

/**
 * The scope catalogue's input rules, shared by the /admin/scopes forms, their server actions, the
 * admin API and the OpenAPI document. Nothing here may import server-only code.
 */
export const SCOPE_NAME_MAX = 64;
export const SCOPE_DESCRIPTION_MAX = 200;

/** `service:action`, lowercase: what services other than Tollgate check in introspection's `scope`. */
export const CUSTOM_SCOPE_NAME = /^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$/;

// PostgreSQL refuses NUL in text; other control characters only make a description unreadable.
const CONTROL_CHARACTER = /[\p{Cc}\p{Cs}]/u;

export const customScopeNameSchema = z
  .string({ message: "Name is required." })
  .trim()
  .min(1, "Name is required.")
  .max(SCOPE_NAME_MAX, `A scope name has at most ${SCOPE_NAME_MAX} characters.`)
  .regex(CUSTOM_SCOPE_NAME, "Use lowercase service:action, e.g. billing:read (letters, digits and hyphens).");

export const scopeDescriptionSchema = z
  .string({ message: "Description is required." })
  .trim()
  .min(1, "Description is required.")
  .max(SCOPE_DESCRIPTION_MAX, `Description can be at most ${SCOPE_DESCRIPTION_MAX} characters.`)
  .refine((text) => !CONTROL_CHARACTER.test(text), "Description cannot contain control characters.");

export const createScopeSchema = strictFields(
  { name: customScopeNameSchema, description: scopeDescriptionSchema },
  "Expected an object with the scope's name and description.",
);
export type CreateScopeInput = z.input<typeof createScopeSchema>;

/** Either field may be left out; what is left out stays as it is. */
export const editScopeSchema = strictFields(
  {
    description: scopeDescriptionSchema.optional(),
    default: z.boolean({ message: "default must be true or false." }).optional().meta({ description: "Whether new accounts receive the scope." }),
  },
  "Expected an object with description and/or default.",
);
export type EditScopeInput = z.input<typeof editScopeSchema>;
