import type { AdminActor } from "@/lib/admin/actor";
import { prisma } from "@/lib/db";
import { PolicyViolationError, ValidationError } from "@/lib/errors";
import { listAllTokens } from "@/lib/admin/token-inventory";
import { countPolicyBreaches, getPolicies, NO_POLICIES, setPolicies } from "@/lib/policies/service";
import { createToken, revokeToken, rotateToken, updateToken } from "@/lib/tokens/service";
import { useFreshDatabase } from "../helpers/database";
import { createUser } from "../helpers/users";

useFreshDatabase();

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
const T0 = new Date("2030-01-01T12:00:00.000Z");
const at = (ms: number, base = T0) => new Date(base.getTime() + ms);
const iso = (date: Date) => date.toISOString();
const scopes = ["tokens:read"];

let admin: AdminActor;
beforeAll(async () => {
  const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
  admin = { userId: user.id, email: user.email, tokenGuid: null, ip: "203.0.113.7", userAgent: "policies test" };
});

afterEach(async () => {
  const db = await prisma();
  await db.deploymentSettings.update({ where: { id: 1 }, data: NO_POLICIES });
});

async function owner() {
  return createUser({ scopes: ["tokens:read", "tokens:write"] });
}

/** The error a call failed with, or a failure if it succeeded. */
async function refusal(action: Promise<unknown>): Promise<unknown> {
  return action.then(
    () => {
      throw new Error("expected a refusal, but it succeeded");
    },
    (error: unknown) => error,
  );
}

async function policyRefusal(action: Promise<unknown>): Promise<PolicyViolationError> {
  const error = await refusal(action);
  if (!(error instanceof PolicyViolationError)) throw new Error(`expected a PolicyViolationError, got ${String(error)}`);
  return error;
}

async function fieldErrors(action: Promise<unknown>): Promise<Record<string, string[]>> {
  const error = await refusal(action);
  if (!(error instanceof ValidationError)) throw new Error(`expected a ValidationError, got ${String(error)}`);
  return error.fieldErrors;
}

describe("setPolicies", () => {
  test("changes only the fields given; null removes a limit; getPolicies reads what was saved", async () => {
    expect(await getPolicies()).toEqual(NO_POLICIES);
    const first = await setPolicies(admin, { maxTokenLifetimeDays: 90 }, T0);
    expect(first.policies).toEqual({ ...NO_POLICIES, maxTokenLifetimeDays: 90 });
    await setPolicies(admin, { maxRotationOverlapSeconds: 3600, maxActiveTokensPerUser: 10, revokeUnusedAfterDays: 90 }, T0);
    expect(await getPolicies()).toEqual({ maxTokenLifetimeDays: 90, maxRotationOverlapSeconds: 3600, maxActiveTokensPerUser: 10, revokeUnusedAfterDays: 90 });
    const cleared = await setPolicies(admin, { maxTokenLifetimeDays: null, revokeUnusedAfterDays: null }, T0);
    expect(cleared.policies).toEqual({ maxTokenLifetimeDays: null, maxRotationOverlapSeconds: 3600, maxActiveTokensPerUser: 10, revokeUnusedAfterDays: null });
    expect((await setPolicies(admin, {}, T0)).policies).toEqual(cleared.policies);
  });

  test.each([
    ["maxTokenLifetimeDays", 1, 3650, [0, 3651, 1.5, "30", true]],
    ["maxRotationOverlapSeconds", 0, 30 * 24 * 3600, [-1, 30 * 24 * 3600 + 1, 0.5, "3600"]],
    ["maxActiveTokensPerUser", 1, 100_000, [0, 100_001, 2.5, "5"]],
    ["revokeUnusedAfterDays", 30, 3650, [29, 3651, 30.5, "90", 0]],
  ] as const)("%s accepts %d and %d and refuses what lies outside, naming the field", async (field, min, max, invalid) => {
    expect((await setPolicies(admin, { [field]: min }, T0)).policies[field]).toBe(min);
    expect((await setPolicies(admin, { [field]: max }, T0)).policies[field]).toBe(max);
    for (const value of invalid) {
      const errors = await fieldErrors(setPolicies(admin, { [field]: value }, T0));
      expect(Object.keys(errors)).toEqual([field]);
      expect(errors[field]![0]).toMatch(/must be a whole number of .* or null for (no limit|never revoking unused tokens)\./);
    }
    expect((await getPolicies())[field]).toBe(max);
  });

  test("an unknown field is refused by name, and nothing is saved", async () => {
    const errors = await fieldErrors(setPolicies(admin, { maxTokenLifetimeDays: 30, maxLifetime: 30 }, T0));
    expect(errors.maxLifetime![0]).toMatch(/^Unknown field/);
    expect(await getPolicies()).toEqual(NO_POLICIES);
  });

  test("records policy.changed with who, before and after, in the same transaction as the change", async () => {
    const db = await prisma();
    // Later than every other test's changes, so these two are the last recorded.
    const t1 = at(1000 * DAY);
    await setPolicies(admin, { maxTokenLifetimeDays: 30 }, t1);
    await setPolicies(admin, { maxTokenLifetimeDays: 7, maxActiveTokensPerUser: 3, revokeUnusedAfterDays: 365 }, at(SECOND, t1));
    const events = await db.auditEvent.findMany({ where: { action: "policy.changed", occurredAt: { gte: t1 } }, orderBy: { occurredAt: "asc" } });
    expect(events.slice(-2).map(({ actorKind, actorUserId, actorLabel, ip, userAgent, details, occurredAt }) => ({ actorKind, actorUserId, actorLabel, ip, userAgent, details, occurredAt }))).toEqual([
      {
        actorKind: "administrator",
        actorUserId: admin.userId,
        actorLabel: admin.email,
        ip: "203.0.113.7",
        userAgent: "policies test",
        occurredAt: t1,
        details: { before: NO_POLICIES, after: { ...NO_POLICIES, maxTokenLifetimeDays: 30 } },
      },
      expect.objectContaining({
        occurredAt: at(SECOND, t1),
        details: {
          before: { ...NO_POLICIES, maxTokenLifetimeDays: 30 },
          after: { maxTokenLifetimeDays: 7, maxRotationOverlapSeconds: null, maxActiveTokensPerUser: 3, revokeUnusedAfterDays: 365 },
        },
      }),
    ]);
    const count = await db.auditEvent.count({ where: { action: "policy.changed" } });
    await fieldErrors(setPolicies(admin, { maxTokenLifetimeDays: 0 }, T0));
    expect(await db.auditEvent.count({ where: { action: "policy.changed" } })).toBe(count);
  });
});

describe("the maximum token lifetime", () => {
  beforeEach(async () => {
    await setPolicies(admin, { maxTokenLifetimeDays: 30 }, T0);
  });

  test("a new token may end exactly 30 days from now, not a millisecond later, and must end", async () => {
    const user = await owner();
    const latest = at(30 * DAY);
    const { token } = await createToken(user.id, { name: "At the limit", scopes, validTo: iso(latest) }, T0);
    expect(token.validTo).toEqual(latest);
    const beyond = await policyRefusal(createToken(user.id, { name: "Beyond", scopes, validTo: iso(at(30 * DAY + 1)) }, T0));
    expect(beyond).toMatchObject({ policy: "maxTokenLifetimeDays", field: "validTo" });
    expect(beyond.message).toBe(
      "The maximum token lifetime policy allows at most 30 days: choose a valid-to on or before 2030-01-31T12:00:00.000Z.",
    );
    const never = await policyRefusal(createToken(user.id, { name: "Never", scopes, validTo: null }, T0));
    expect(never.message).toBe(beyond.message);
    await policyRefusal(createToken(user.id, { name: "Left out", scopes }, T0));
  });

  test("a scheduled token counts its 30 days from its start", async () => {
    const user = await owner();
    const from = at(10 * DAY);
    await createToken(user.id, { name: "Scheduled", scopes, validFrom: iso(from), validTo: iso(at(30 * DAY, from)) }, T0);
    const error = await policyRefusal(createToken(user.id, { name: "Too long", scopes, validFrom: iso(from), validTo: iso(at(30 * DAY + 1, from)) }, T0));
    expect(error.message).toContain("on or before 2030-02-10T12:00:00.000Z");
  });

  test("an API token that leaves valid-to out, and itself never expires, is told to give one", async () => {
    const user = await owner();
    const caller = { userId: user.id, scopes: ["tokens:read", "tokens:write"], validTo: null };
    expect(await policyRefusal(createToken(caller, { name: "By the API", scopes }, T0))).toMatchObject({ policy: "maxTokenLifetimeDays", field: "validTo" });
  });

  test("a token from before the policy keeps working and can be renamed or narrowed, but its window only changed within the limit", async () => {
    const user = await createUser({ scopes: ["tokens:read", "tokens:write"] });
    await setPolicies(admin, { maxTokenLifetimeDays: null }, T0);
    const { token } = await createToken(user.id, { name: "Old", scopes: ["tokens:read", "tokens:write"], validTo: null }, T0);
    await setPolicies(admin, { maxTokenLifetimeDays: 30 }, T0);
    const later = at(100 * DAY);
    expect(await updateToken(user.id, token.guid, { name: "Renamed", scopes: ["tokens:read"], validTo: null }, later)).toMatchObject({ name: "Renamed", validTo: null });
    // Its start is long past: the limit counts from now.
    const latest = at(30 * DAY, later);
    expect((await updateToken(user.id, token.guid, { validTo: iso(latest) }, later)).validTo).toEqual(latest);
    await policyRefusal(updateToken(user.id, token.guid, { validTo: iso(at(1, latest)) }, later));
    await policyRefusal(updateToken(user.id, token.guid, { validTo: null }, later));
  });

  test("a rotation is held to it, whether it renews the end or keeps one from before the policy", async () => {
    const user = await owner();
    await setPolicies(admin, { maxTokenLifetimeDays: null }, T0);
    const { token } = await createToken(user.id, { name: "Forever", scopes, validTo: null }, T0);
    await setPolicies(admin, { maxTokenLifetimeDays: 30 }, T0);
    const kept = await policyRefusal(rotateToken(user.id, token.guid, {}, T0));
    expect(kept).toMatchObject({ policy: "maxTokenLifetimeDays", field: "validTo" });
    await policyRefusal(rotateToken(user.id, token.guid, { validTo: iso(at(30 * DAY + 1)) }, T0));
    expect((await rotateToken(user.id, token.guid, { validTo: iso(at(30 * DAY)) }, T0)).token.validTo).toEqual(at(30 * DAY));
    // Now within it, a rotation that keeps the end is fine.
    expect((await rotateToken(user.id, token.guid, {}, at(DAY))).token.validTo).toEqual(at(30 * DAY));
  });

  test("binds the moment it is saved, and lifting it lets the next request through", async () => {
    const user = await owner();
    await policyRefusal(createToken(user.id, { name: "Never", scopes, validTo: null }, T0));
    await setPolicies(admin, { maxTokenLifetimeDays: null }, T0);
    expect((await createToken(user.id, { name: "Never", scopes, validTo: null }, T0)).token.validTo).toBeNull();
  });
});

describe("the maximum rotation overlap", () => {
  test("allows exactly the limit and refuses a second more, naming overlapSeconds", async () => {
    const user = await owner();
    const { token } = await createToken(user.id, { name: "Rotated", scopes }, T0);
    await setPolicies(admin, { maxRotationOverlapSeconds: 3600 }, T0);
    const error = await policyRefusal(rotateToken(user.id, token.guid, { overlapSeconds: 3601 }, T0));
    expect(error).toMatchObject({ policy: "maxRotationOverlapSeconds", field: "overlapSeconds" });
    expect(error.message).toBe("The maximum rotation overlap policy allows at most 1 hour: choose an overlap of at most 3600 seconds.");
    expect((await rotateToken(user.id, token.guid, { overlapSeconds: 3600 }, T0)).token.previousSecretExpiresAt).toEqual(at(HOUR));
  });

  test("a limit of 0 allows rotation without overlap only", async () => {
    const user = await owner();
    const { token } = await createToken(user.id, { name: "Rotated", scopes }, T0);
    await setPolicies(admin, { maxRotationOverlapSeconds: 0 }, T0);
    expect((await policyRefusal(rotateToken(user.id, token.guid, { overlapSeconds: 1 }, T0))).message).toBe(
      "The maximum rotation overlap policy allows no overlap: rotate with overlapSeconds 0.",
    );
    expect((await rotateToken(user.id, token.guid, { overlapSeconds: 0 }, T0)).token.previousSecretExpiresAt).toBeNull();
  });
});

describe("the maximum active tokens per person", () => {
  beforeEach(async () => {
    await setPolicies(admin, { maxActiveTokensPerUser: 2 }, T0);
  });

  test("counts active and scheduled tokens: the third create is refused, without a field", async () => {
    const user = await owner();
    await createToken(user.id, { name: "Active", scopes }, T0);
    await createToken(user.id, { name: "Scheduled", scopes, validFrom: iso(at(DAY)) }, T0);
    const error = await policyRefusal(createToken(user.id, { name: "Third", scopes }, T0));
    expect(error).toMatchObject({ policy: "maxActiveTokensPerUser", field: undefined });
    expect(error.message).toBe(
      "The maximum active tokens policy allows at most 2 active or scheduled tokens per person, and you have that many. Revoke or delete one first.",
    );
    // Someone else's tokens are theirs to count.
    const other = await owner();
    await createToken(other.id, { name: "Theirs", scopes }, T0);
  });

  test("revoked and expired tokens do not count", async () => {
    const user = await owner();
    const { token: revoked } = await createToken(user.id, { name: "Revoked", scopes }, T0);
    await revokeToken(user.id, revoked.guid, T0);
    await createToken(user.id, { name: "Ends", scopes, validTo: iso(at(HOUR)) }, T0);
    await createToken(user.id, { name: "Active", scopes }, T0);
    await policyRefusal(createToken(user.id, { name: "Third live", scopes }, at(HOUR - 1)));
    // At valid-to the token has expired (statusOf): its place is free.
    await createToken(user.id, { name: "After the end", scopes }, at(HOUR));
  });

  test("making an expired token live again is one more, refused at the limit", async () => {
    const user = await owner();
    const { token: expired } = await createToken(user.id, { name: "Expired", scopes, validTo: iso(at(HOUR)) }, T0);
    const later = at(2 * HOUR);
    await createToken(user.id, { name: "One", scopes }, later);
    await createToken(user.id, { name: "Two", scopes }, later);
    await policyRefusal(updateToken(user.id, expired.guid, { validTo: iso(at(DAY, later)) }, later));
    await policyRefusal(rotateToken(user.id, expired.guid, { validTo: iso(at(DAY, later)) }, later));
    // Renaming it changes nothing it counts.
    expect((await updateToken(user.id, expired.guid, { name: "Still expired" }, later)).status).toBe("expired");
  });

  test("concurrent creates cannot slip past it together", async () => {
    const user = await owner();
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => createToken(user.id, { name: `Race ${n}`, scopes }, T0)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason)).toEqual([
      expect.any(PolicyViolationError),
      expect.any(PolicyViolationError),
    ]);
  });
});

describe("existing tokens that break the policies", () => {
  test("are counted per policy and once in all, at each policy's boundary, and are not touched", async () => {
    const db = await prisma();
    await db.token.deleteMany({});
    const user = await owner();
    const other = await owner();
    const make = (userId: string, name: string, fields: Record<string, unknown> = {}) => createToken(userId, { name, scopes, ...fields }, T0);
    // Lifetime 30 days from the start (T0): forever and 30 days + 1 ms break it; exactly 30 days does not.
    const mine = [
      await make(user.id, "Forever", { validTo: null }),
      await make(user.id, "At the limit", { validTo: iso(at(30 * DAY)) }),
      await make(user.id, "A millisecond over", { validTo: iso(at(30 * DAY + 1)) }),
    ];
    // Created a second apart, so "beyond the first two" is the last of them.
    for (const [i, { token }] of mine.entries()) await db.token.update({ where: { guid: token.guid }, data: { createdAt: at(i * SECOND, at(-DAY)) } });
    // Scheduled: counted from its start.
    await make(other.id, "Scheduled, within", { validFrom: iso(at(10 * DAY)), validTo: iso(at(40 * DAY)) });
    // Revoked and expired tokens are not live.
    const { token: revoked } = await make(other.id, "Revoked forever", { validTo: null });
    await revokeToken(other.id, revoked.guid, T0);
    // An overlap of 2 hours from T0, judged against a 1-hour limit.
    const { token: rotated } = await make(other.id, "Rotated", { validTo: iso(at(DAY)) });
    await rotateToken(other.id, rotated.guid, { overlapSeconds: 7200 }, T0);

    const policies = { ...NO_POLICIES, maxTokenLifetimeDays: 30, maxRotationOverlapSeconds: 3600, maxActiveTokensPerUser: 2 };
    // user has 3 live tokens (one beyond 2); other has 2 (scheduled + rotated).
    expect(await countPolicyBreaches(policies, T0)).toEqual({ total: 3, maxTokenLifetimeDays: 2, maxRotationOverlapSeconds: 1, maxActiveTokensPerUser: 1 });
    expect(await countPolicyBreaches({ ...policies, maxRotationOverlapSeconds: 7200 }, T0)).toMatchObject({ maxRotationOverlapSeconds: 0 });
    expect(await countPolicyBreaches({ ...policies, maxActiveTokensPerUser: 3 }, T0)).toMatchObject({ maxActiveTokensPerUser: 0 });
    expect(await countPolicyBreaches(NO_POLICIES, T0)).toEqual({ total: 0, maxTokenLifetimeDays: 0, maxRotationOverlapSeconds: 0, maxActiveTokensPerUser: 0 });
    // A lifetime is the token's whole window: time passing does not bring the 30 days + 1 ms token within the limit.
    expect(await countPolicyBreaches({ ...NO_POLICIES, maxTokenLifetimeDays: 30 }, at(DAY))).toMatchObject({ maxTokenLifetimeDays: 2 });

    const before = await db.token.findMany({ orderBy: { guid: "asc" } });
    const { breaches } = await setPolicies(admin, policies, T0);
    expect(breaches.total).toBe(3);
    expect(await db.token.findMany({ orderBy: { guid: "asc" } })).toEqual(before);
    // The inventory's "breaks policy" flags exactly the tokens the save counted.
    const flagged = await listAllTokens({ breaksPolicy: "true", perPage: 100 }, T0);
    expect(flagged.tokens.map((t) => t.name).sort()).toEqual(["A millisecond over", "Forever", "Rotated"]);
    expect(flagged.tokens.every((t) => t.breaksPolicy)).toBe(true);
  });
});
