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

const POLICY_COLUMNS = { maxTokenLifetimeDays: true, maxRotationOverlapSeconds: true, maxActiveTokensPerUser: true, revokeUnusedAfterDays: true } as const;

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
 * What "breaks a policy" means for an existing token (`t` in the query), one SQL rule shared by the
 * inventory's filter and badge (lib/admin/token-inventory.ts) and the count below, so the number an
 * administrator is told on saving is the number of tokens the inventory then flags. A live token
 * (not revoked, not ended) breaks
 * - the lifetime limit when its whole window is longer (no end, or an end later than its start or
 *   creation, whichever is later, + N days of 86,400 s), as GitHub judges non-compliant tokens;
 * - the overlap limit when a previous secret still working outlasts the rotation (the current
 *   secret's creation) by more than the limit, its end capped by the token's.
 * Null when no such limit is set. The active-token limit is a person's, not a token's: it is
 * counted apart and not flagged.
 */
export function policyBreachSql(policies: Policies, now: Date): Prisma.Sql | null {
  const rules: Prisma.Sql[] = [];
  if (policies.maxTokenLifetimeDays !== null) {
    rules.push(
      Prisma.sql`(t."valid_to" IS NULL OR t."valid_to" > GREATEST(t."valid_from", t."created_at") + make_interval(secs => ${policies.maxTokenLifetimeDays}::int * 86400))`,
    );
  }
  if (policies.maxRotationOverlapSeconds !== null) rules.push(overlapBreachSql(policies.maxRotationOverlapSeconds, now));
  if (!rules.length) return null;
  return Prisma.sql`(t."revoked_at" IS NULL AND (t."valid_to" IS NULL OR t."valid_to" > ${now}) AND (${Prisma.join(rules, " OR ")}))`;
}

function overlapBreachSql(seconds: number, now: Date): Prisma.Sql {
  return Prisma.sql`EXISTS (
    SELECT 1 FROM "token_secrets" p JOIN "token_secrets" c ON c."token_guid" = p."token_guid" AND c."expires_at" IS NULL
    WHERE p."token_guid" = t."guid" AND p."expires_at" > ${now}
      AND LEAST(p."expires_at", COALESCE(t."valid_to", p."expires_at")) > c."created_at" + make_interval(secs => ${seconds}::int))`;
}

/**
 * Existing tokens that break the policies: `total` is what the inventory flags (lifetime or
 * overlap, each token once); `maxActiveTokensPerUser` counts each owner's live tokens beyond the
 * first N, oldest first (the ones a create would have been refused for). Each owner's ranking only
 * when that limit is set, since it sorts every live token (docs/security.md, "Policies").
 */
export async function countPolicyBreaches(policies: Policies, now = new Date()): Promise<PolicyBreaches> {
  const { maxTokenLifetimeDays: days, maxRotationOverlapSeconds: overlap, maxActiveTokensPerUser: active } = policies;
  const lifetime = days === null ? Prisma.sql`FALSE` : policyBreachSql({ ...NO_POLICIES, maxTokenLifetimeDays: days }, now)!;
  const overlapping = overlap === null ? Prisma.sql`FALSE` : policyBreachSql({ ...NO_POLICIES, maxRotationOverlapSeconds: overlap }, now)!;
  const beyond = active === null ? Prisma.sql`FALSE` : Prisma.sql`row_number() OVER (PARTITION BY t.user_id ORDER BY t.created_at, t.guid) > ${active}::int`;
  const db = await prisma();
  const [row] = await db.$queryRaw<BreachRow[]>`
    WITH judged AS MATERIALIZED (
      SELECT ${lifetime} AS lifetime, ${overlapping} AS overlap, ${beyond} AS active
      FROM tokens t
      WHERE t.revoked_at IS NULL AND (t.valid_to IS NULL OR t.valid_to > ${now}::timestamptz)
    )
    SELECT count(*) FILTER (WHERE lifetime OR overlap) AS total,
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
