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
/** The stale-token policy's range: above the warning's 7 days by a margin, and at most ten years. */
export const REVOKE_UNUSED_MIN_DAYS = 30;
export const REVOKE_UNUSED_MAX_DAYS = 3650;

function limit(label: string, min: number, max: number, unit: string, description: string, off = "no limit") {
  const range = `The ${label} must be a whole number of ${unit} from ${min} to ${max.toLocaleString("en")}, or null for ${off}.`;
  return z
    .number({ message: range })
    .int(range)
    .min(min, range)
    .max(max, range)
    .nullable()
    .meta({ description: `${description} null: ${off}.` });
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
  revokeUnusedAfterDays: limit(
    "period after which unused tokens are revoked",
    REVOKE_UNUSED_MIN_DAYS,
    REVOKE_UNUSED_MAX_DAYS,
    "days",
    "Active tokens not used for this many days (counted from their creation if never used) are revoked by Tollgate, after a " +
      "warning to their owner 7 days before; a use in between cancels it, and a token is never revoked less than 7 days after its warning.",
    "never revoking unused tokens",
  ),
};

export const policiesSchema = z.object(policyFields).meta({ id: "Policies" });

/** A change: any subset of the fields. */
export const updatePoliciesSchema = strictFields(
  {
    maxTokenLifetimeDays: policyFields.maxTokenLifetimeDays.optional(),
    maxRotationOverlapSeconds: policyFields.maxRotationOverlapSeconds.optional(),
    maxActiveTokensPerUser: policyFields.maxActiveTokensPerUser.optional(),
    revokeUnusedAfterDays: policyFields.revokeUnusedAfterDays.optional(),
  },
  "Expected an object with any of maxTokenLifetimeDays, maxRotationOverlapSeconds, maxActiveTokensPerUser, revokeUnusedAfterDays.",
).meta({ id: "PoliciesUpdate" });
export type UpdatePoliciesInput = z.input<typeof updatePoliciesSchema>;
