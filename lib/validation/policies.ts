import { z } from "./zod";
import { strictFields } from "./fields";
import { MAX_ROTATION_OVERLAP_SECONDS } from "./tokens";

/**
 * The deployment's token policies as administrators set them, shared by the /admin/policies form,
 * its server action, the API and the OpenAPI document. null is "no limit"; a field left out of a
 * change stays as it is.
 */
export const MAX_LIFETIME_DAYS_LIMIT = 3650;
export const MAX_ACTIVE_TOKENS_LIMIT = 100_000;

function limit(label: string, min: number, max: number, unit: string, description: string) {
  const range = `The ${label} must be a whole number of ${unit} from ${min} to ${max.toLocaleString("en")}, or null for no limit.`;
  return z
    .number({ message: range })
    .int(range)
    .min(min, range)
    .max(max, range)
    .nullable()
    .meta({ description: `${description} null: no limit.` });
}

export const policyFields = {
  maxTokenLifetimeDays: limit(
    "maximum token lifetime",
    1,
    MAX_LIFETIME_DAYS_LIMIT,
    "days",
    "New, edited and rotated tokens must end within this many days of their start (or of now, if later).",
  ),
  maxRotationOverlapSeconds: limit(
    "maximum rotation overlap",
    0,
    MAX_ROTATION_OVERLAP_SECONDS,
    "seconds",
    "The longest a rotation may keep the previous secret working (0: no overlap at all).",
  ),
  maxActiveTokensPerUser: limit(
    "maximum of active tokens per person",
    1,
    MAX_ACTIVE_TOKENS_LIMIT,
    "tokens",
    "Tokens a person may have active or scheduled at once; creating one more is refused.",
  ),
};

export const policiesSchema = z.object(policyFields).meta({ id: "Policies" });

/** A change: any subset of the three fields. */
export const updatePoliciesSchema = strictFields(
  {
    maxTokenLifetimeDays: policyFields.maxTokenLifetimeDays.optional(),
    maxRotationOverlapSeconds: policyFields.maxRotationOverlapSeconds.optional(),
    maxActiveTokensPerUser: policyFields.maxActiveTokensPerUser.optional(),
  },
  "Expected an object with any of maxTokenLifetimeDays, maxRotationOverlapSeconds, maxActiveTokensPerUser.",
).meta({ id: "PoliciesUpdate" });
export type UpdatePoliciesInput = z.input<typeof updatePoliciesSchema>;
