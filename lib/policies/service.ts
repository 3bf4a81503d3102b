import "server-only";
import type { AdminActor } from "@/lib/admin/actor";
import { recordAdminEvent } from "@/lib/audit/events";
import { prisma } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { ValidationError, fieldErrorsOf } from "@/lib/errors";
import { updatePoliciesSchema } from "@/lib/validation/policies";
import { NO_POLICIES, type Policies } from "./rules";

/**
 * The deployment's token policies (table `deployment_settings`, one row), set by administrators at
 * /admin/policies. A null limit is no limit. Read afresh for every change a policy governs: those
 * are rare next to verification, and a policy must bind on every instance the moment it is saved.
 * The rules themselves are in ./rules.ts; docs/security.md, "Policies", says what each one binds.
 */
export { NO_POLICIES, type Policies };

const POLICY_COLUMNS = { maxTokenLifetimeDays: true, maxRotationOverlapSeconds: true, maxActiveTokensPerUser: true } as const;

type Reader = { deploymentSettings: Prisma.TransactionClient["deploymentSettings"] };

async function readPolicies(db: Reader): Promise<Policies> {
  return (await db.deploymentSettings.findUnique({ where: { id: 1 }, select: POLICY_COLUMNS })) ?? NO_POLICIES;
}

export async function getPolicies(): Promise<Policies> {
  return readPolicies(await prisma());
}

/** Existing tokens that break the policies (each counted once), and how many break each one. */
export type PolicyBreaches = {
  total: number;
  maxTokenLifetimeDays: number;
  maxRotationOverlapSeconds: number;
  maxActiveTokensPerUser: number;
};

export type PoliciesChange = { policies: Policies; breaches: PolicyBreaches };

/**
 * Changes the policies: fields left out stay, null removes a limit. Recorded as `policy.changed`
 * with the values before and after, in the same transaction. Existing tokens are not touched (a
 * policy binds what is created or changed from now on); the answer says how many now break it.
 */
export async function setPolicies(admin: AdminActor, input: unknown, now = new Date()): Promise<PoliciesChange> {
  const parsed = updatePoliciesSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues));
  const change = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined)) as Partial<Policies>;
  const db = await prisma();
  const policies = await db.$transaction(async (tx) => {
    // Locks the one row, so two administrators saving at once record each other's values as "before".
    await tx.$executeRaw`SELECT 1 FROM deployment_settings WHERE id = 1 FOR UPDATE`;
    const before = await readPolicies(tx);
    const after = await tx.deploymentSettings.upsert({
      where: { id: 1 },
      create: { id: 1, ...change },
      update: change,
      select: POLICY_COLUMNS,
    });
    await recordAdminEvent(tx, admin, { action: "policy.changed", details: { before, after } }, now);
    return after;
  });
  return { policies, breaches: await countPolicyBreaches(policies, now) };
}

type BreachRow = { total: bigint; lifetime: bigint; overlap: bigint; active: bigint };

/**
 * Tokens still live (not revoked, not ended) that the policies would refuse if they were set now:
 * - lifetime: no end, or an end later than latestValidTo (start or now, whichever is later, + N days);
 * - overlap: a previous secret that works beyond now + the limit (never past the token's end);
 * - active tokens: each owner's live tokens beyond the first N, oldest first (the ones that a
 *   create would have been refused for).
 * One pass over the live tokens, plus the few secrets winding down; each owner's ranking only when
 * that limit is set, since it sorts every live token (docs/security.md, "Policies", has timings).
 * A 24-hour day is 86,400 seconds, as in ./rules.ts.
 */
export async function countPolicyBreaches(policies: Policies, now = new Date()): Promise<PolicyBreaches> {
  const { maxTokenLifetimeDays: days, maxRotationOverlapSeconds: overlap, maxActiveTokensPerUser: active } = policies;
  const rank =
    active === null ? Prisma.sql`0::bigint` : Prisma.sql`row_number() OVER (PARTITION BY t.user_id ORDER BY t.created_at, t.guid)`;
  const db = await prisma();
  const [row] = await db.$queryRaw<BreachRow[]>`
    WITH live AS (
      SELECT t.guid, t.valid_from, t.valid_to, ${rank} AS rank
      FROM tokens t
      WHERE t.revoked_at IS NULL AND (t.valid_to IS NULL OR t.valid_to > ${now}::timestamptz)
    ), overlapping AS (
      SELECT DISTINCT s.token_guid FROM token_secrets s
      WHERE ${overlap}::int IS NOT NULL AND s.expires_at > ${now}::timestamptz + make_interval(secs => ${overlap}::int)
    ), judged AS MATERIALIZED (
      SELECT
        (${days}::int IS NOT NULL AND (live.valid_to IS NULL
          OR live.valid_to > GREATEST(live.valid_from, ${now}::timestamptz) + make_interval(secs => ${days}::int * 86400))) AS lifetime,
        (o.token_guid IS NOT NULL
          AND (live.valid_to IS NULL OR live.valid_to > ${now}::timestamptz + make_interval(secs => ${overlap}::int))) AS overlap,
        (${active}::int IS NOT NULL AND live.rank > ${active}::int) AS active
      FROM live LEFT JOIN overlapping o ON o.token_guid = live.guid
    )
    SELECT count(*) FILTER (WHERE lifetime OR overlap OR active) AS total,
           count(*) FILTER (WHERE lifetime) AS lifetime,
           count(*) FILTER (WHERE overlap) AS overlap,
           count(*) FILTER (WHERE active) AS active
    FROM judged`;
  return {
    total: Number(row?.total ?? 0),
    maxTokenLifetimeDays: Number(row?.lifetime ?? 0),
    maxRotationOverlapSeconds: Number(row?.overlap ?? 0),
    maxActiveTokensPerUser: Number(row?.active ?? 0),
  };
}
