import "server-only";
import { prisma } from "@/lib/db";

/**
 * The deployment's token policies (table `deployment_settings`, one row), set by administrators at
 * /admin/policies. A null limit is no limit. Read afresh for every change a policy governs: those
 * are rare next to verification, and a policy must bind on every instance the moment it is saved.
 */
export type Policies = {
  /** New, edited and rotated tokens must end within this many days. */
  maxTokenLifetimeDays: number | null;
  /** The longest a replaced secret may keep working after a rotation. */
  maxRotationOverlapSeconds: number | null;
  /** Tokens a person may have active (or scheduled) at once. */
  maxActiveTokensPerUser: number | null;
};

export const NO_POLICIES: Policies = { maxTokenLifetimeDays: null, maxRotationOverlapSeconds: null, maxActiveTokensPerUser: null };

export async function getPolicies(): Promise<Policies> {
  const db = await prisma();
  const row = await db.deploymentSettings.findUnique({
    where: { id: 1 },
    select: { maxTokenLifetimeDays: true, maxRotationOverlapSeconds: true, maxActiveTokensPerUser: true },
  });
  return row ?? NO_POLICIES;
}
