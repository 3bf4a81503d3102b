import "server-only";
import { randomUUID } from "node:crypto";
import { config } from "@/lib/config";
import { prisma, type Prisma } from "@/lib/db";
import { boundedCount, type BoundedTotal } from "@/lib/db/bounded-count";
import { ConflictError, NotFoundError, PolicyViolationError, ValidationError, fieldErrorsOf } from "@/lib/errors";
import { getPolicies, type Policies } from "@/lib/policies/service";
import { activeTokensMessage, latestValidTo, lifetimeMessage, overlapMessage } from "@/lib/policies/rules";
import { createTokenSchema, guidSchema, rotateTokenSchema, updateTokenSchema, validityProblems } from "@/lib/validation/tokens";
import {
  DEFAULT_TOKEN_LIST_QUERY,
  FILTER_NAMES,
  guidPrefixBounds,
  keywordsOf,
  tokenListQuerySchema,
  type FilterName,
  type TokenListQuery,
} from "@/lib/validation/token-list";
import { assertReachable, assertScopesWithin, eventActorOf, isTokenActor, lifetimeProblems, ownerOf, reachOf, type Actor, type TokenActor } from "./actor";
import { generateSecret, hashSecret, partialOf } from "./secret";
import { activeWhere, inactiveWhere, liveWhere, statusOf } from "./status";
import type { TokenView } from "./contract";
import { tokenChanged } from "./events";
import { unusedWhere } from "./unused";
import { recordPassedEnds } from "./passed-ends";
import { endMoved, withdrawReminders } from "./reminders";
import type { VerifiedToken } from "./verify";
import type { AdminActor } from "@/lib/admin/actor";
import { recordAdminEvent, recordEvent, type EventAction, type Writer } from "@/lib/audit/events";
import type { Client } from "@/lib/client";
import { adminRevokeSchema } from "@/lib/validation/admin-tokens";
import { revokedByAdminMessage } from "@/lib/notifications/messages";
import { notify } from "@/lib/notifications/notify";

export type { Actor, TokenActor } from "./actor";
export type { TokenView } from "./contract";

/**
 * Everything a user can do to their own tokens. Both the token page's server actions and the
 * API's route handlers call these functions; each takes who acts (the user's id, or for the
 * changes an API token makes, that token: see ./actor.ts) and touches only rows that user owns.
 * Another user's GUID is answered exactly like an unknown one.
 */

/**
 * A token's scopes, and the latest end among its secrets still winding down after a rotation
 * (the current secret has no end). Read in the same query as the token (relationJoins), so a
 * page of tokens stays one query.
 */
export function tokenInclude(now: Date) {
  return {
    scopes: { select: { scopeName: true } },
    secrets: { where: { expiresAt: { gt: now } }, select: { expiresAt: true }, orderBy: { expiresAt: "desc" }, take: 1 },
  } satisfies Prisma.TokenInclude;
}
export type TokenRow = Prisma.TokenGetPayload<{ include: ReturnType<typeof tokenInclude> }>;

export type TokenPage = BoundedTotal & {
  tokens: TokenView[];
  page: number;
  perPage: number;
  /** null when the total is not exact: the last page is then unknown. */
  pageCount: number | null;
  hasNextPage: boolean;
};

/** A token together with its secret, which exists only in this value and is never stored. */
export type TokenWithSecret = { token: TokenView; secret: string };

/** The previous secret works until its own end, but never past the token's; not at all once the token is revoked or expired. */
function previousSecretEnd(row: TokenRow, now: Date): Date | null {
  const end = row.secrets[0]?.expiresAt;
  if (!end || row.revokedAt || (row.validTo && row.validTo <= now)) return null;
  return row.validTo && row.validTo < end ? row.validTo : end;
}

export function toView(row: TokenRow, now: Date): TokenView {
  return {
    guid: row.guid,
    name: row.name,
    description: row.description,
    partial: row.partial,
    scopes: row.scopes.map((s) => s.scopeName).sort(),
    validFrom: row.validFrom,
    validTo: row.validTo,
    revokedAt: row.revokedAt,
    // An administrator's revocation always has a reason, which outlives the administrator's account (revokedById is then null).
    revokedBy: row.revokedAt ? (row.revokedBySystem ? "system" : row.revocationReason !== null || row.revokedById !== null ? "administrator" : "owner") : null,
    revocationReason: row.revocationReason,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lastUsedAt: row.lastUsedAt,
    lastUsedIp: row.lastUsedIp,
    lastUsedUserAgent: row.lastUsedUserAgent,
    status: statusOf(row, now),
    previousSecretExpiresAt: previousSecretEnd(row, now),
  };
}

/** Prisma passes `contains` to ILIKE as it is: a `%` or `_` typed by the user would be a wildcard. */
function literalPattern(word: string): string {
  return word.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Each filter's condition, for a value other than its default ("not filtered"). */
const FILTER_CONDITIONS: { [K in FilterName]: (value: TokenListQuery[K], now: Date) => Prisma.TokenWhereInput[] } = {
  // Case-insensitive: nameFolded is lower(name), and JavaScript's toLowerCase folds like ICU's root locale.
  q: (q) => keywordsOf(q).map((word) => ({ nameFolded: { contains: literalPattern(word.toLowerCase()) } })),
  guid: (guid) => {
    const { from, to } = guidPrefixBounds(guid);
    return [from === to ? { guid: from } : { guid: { gte: from, lte: to } }];
  },
  scope: (scope) => [{ scopes: { some: { scopeName: scope } } }],
  status: (status, now) => (status === "active" ? [activeWhere(now)] : status === "inactive" ? [inactiveWhere(now)] : []),
  unused: (unused, now) => (unused ? [unusedWhere(unused, now)] : []),
};

function conditionsOf<K extends FilterName>(name: K, query: TokenListQuery, now: Date): Prisma.TokenWhereInput[] {
  return query[name] === DEFAULT_TOKEN_LIST_QUERY[name] ? [] : FILTER_CONDITIONS[name](query[name], now);
}

function filterWhere(userId: string, query: TokenListQuery, now: Date): Prisma.TokenWhereInput {
  return { AND: [{ userId }, ...FILTER_NAMES.flatMap((name) => conditionsOf(name, query, now))] };
}

function orderByFor(query: TokenListQuery): Prisma.TokenOrderByWithRelationInput[] {
  const order = query.order;
  const tieBreak: Prisma.TokenOrderByWithRelationInput[] = [{ createdAt: "desc" }, { guid: "asc" }];
  switch (query.sort) {
    case "name":
      return [{ name: order }, ...tieBreak];
    case "lastUsed":
      // "Never used" counts as the oldest use.
      return [{ lastUsedAt: { sort: order, nulls: order === "asc" ? "first" : "last" } }, ...tieBreak];
    case "expires":
      // "Never expires" counts as the latest expiry.
      return [{ validTo: { sort: order, nulls: order === "asc" ? "last" : "first" } }, ...tieBreak];
    case "created":
    case "status":
      return [{ createdAt: order }, { guid: "asc" }];
  }
}

/**
 * The list's total stops at this many tokens ("more than 1,000"): counting further costs time
 * in proportion to the matches, and at 10,000 it already doubles the answer's time
 * (docs/performance.md, "The token list at 100,000 tokens").
 */
export const TOKEN_LIST_COUNT_LIMIT = 1_000;

/**
 * One page of the user's tokens. The query is validated here like every other input (a
 * `TokenListQuery` from tokenListQueryFromSearchParams passes unchanged; fields left out take
 * their defaults); an invalid one is a ValidationError naming the field. The total is bounded
 * (TOKEN_LIST_COUNT_LIMIT); whether a next page exists is read from one row more than a page.
 */
export async function listTokens(userId: string, input: unknown = {}, now = new Date()): Promise<TokenPage> {
  const parsed = tokenListQuerySchema.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues));
  const query = parsed.data;
  const db = await prisma();
  const where = filterWhere(userId, query, now);
  const skip = (query.page - 1) * query.perPage;
  const take = query.perPage + 1;
  const counting = boundedCount((rows) => db.token.count({ where, take: rows }), TOKEN_LIST_COUNT_LIMIT);
  counting.catch(() => undefined); // awaited below; if the rows' query fails first, its failure is the one reported
  let rows: TokenRow[];

  if (query.sort !== "status") {
    rows = await db.token.findMany({ where, include: tokenInclude(now), orderBy: orderByFor(query), skip, take });
  } else {
    // Status is computed from the clock, so no column holds it: read the active part and the
    // inactive part as two indexed queries and page across their concatenation. The first part
    // is counted only as far as this page reaches (exact whenever the page runs into the second).
    const [first, second] =
      query.order === "asc" ? [activeWhere(now), inactiveWhere(now)] : [inactiveWhere(now), activeWhere(now)];
    const firstWhere = { AND: [where, first] };
    const secondWhere = { AND: [where, second] };
    const orderBy: Prisma.TokenOrderByWithRelationInput[] = [{ createdAt: "desc" }, { guid: "asc" }];
    const firstCount = await db.token.count({ where: firstWhere, take: skip + take });
    const fromFirst = skip < firstCount ? await db.token.findMany({ where: firstWhere, include: tokenInclude(now), orderBy, skip, take }) : [];
    const remaining = take - fromFirst.length;
    const fromSecond =
      remaining > 0
        ? await db.token.findMany({ where: secondWhere, include: tokenInclude(now), orderBy, skip: Math.max(0, skip - firstCount), take: remaining })
        : [];
    rows = [...fromFirst, ...fromSecond];
  }
  const { total, totalIsExact } = await counting;

  return {
    tokens: rows.slice(0, query.perPage).map((row) => toView(row, now)),
    total,
    totalIsExact,
    page: query.page,
    perPage: query.perPage,
    pageCount: totalIsExact ? Math.max(1, Math.ceil(total / query.perPage)) : null,
    hasNextPage: rows.length > query.perPage,
  };
}

async function findOwned(userId: string, guid: string, now: Date): Promise<TokenRow> {
  if (!guidSchema.safeParse(guid).success) throw new NotFoundError();
  const db = await prisma();
  const row = await db.token.findFirst({ where: { guid: guid.toLowerCase(), userId }, include: tokenInclude(now) });
  if (!row) throw new NotFoundError();
  return row;
}

export async function getToken(userId: string, guid: string, now = new Date()): Promise<TokenView> {
  return toView(await findOwned(userId, guid, now), now);
}

/** The scopes a user holds right now: the upper bound of every token they own. */
export async function heldScopes(userId: string): Promise<string[]> {
  if (!guidSchema.safeParse(userId).success) return [];
  const db = await prisma();
  const grants = await db.userScope.findMany({ where: { userId }, select: { scopeName: true }, orderBy: { scopeName: "asc" } });
  return grants.map((g) => g.scopeName);
}

function assertHeld(held: readonly string[], scopes: string[]): void {
  const missing = scopes.filter((s) => !held.includes(s));
  if (missing.length) {
    throw new ValidationError({ scopes: [`You do not hold ${missing.length === 1 ? "the scope" : "the scopes"} ${missing.join(", ")}.`] });
  }
}

/** The API token acting for a request, as the service's rules and the record of its changes need it. */
export function tokenActor(token: VerifiedToken, client: Client): TokenActor {
  return { userId: token.userId, guid: token.guid, scopes: token.scopes, validTo: token.validTo, email: token.userEmail, client };
}

/** A calling token's reach, read with its owner's grants as they are now; null for a person. */
async function reachFor(actor: Actor, held?: readonly string[]) {
  return isTokenActor(actor) ? reachOf(actor, held ?? (await heldScopes(actor.userId))) : null;
}

/**
 * The record of a change to one of the owner's tokens, written in the change's transaction so
 * that a change that fails leaves none. Details always carry the name (the token may be deleted
 * later) and never a secret: partials only.
 */
function recordTokenEvent(
  tx: Writer,
  actor: Actor,
  action: EventAction,
  token: { guid: string; userId: string; name: string },
  details: Prisma.InputJsonObject,
  now: Date,
) {
  return recordEvent(tx, eventActorOf(actor), { action, targetUser: token.userId, targetToken: token.guid, details: { name: token.name, ...details } }, now);
}

const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;

const scopesOf = (row: TokenRow) => row.scopes.map((s) => s.scopeName);

function prismaErrorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? (error as { code?: string }).code : undefined;
}

/** A token deleted between our read and our write (a concurrent delete) is simply not found. */
async function unlessDeleted<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (prismaErrorCode(error) === "P2025") throw new NotFoundError();
    throw error;
  }
}

/**
 * The administrators' policies (lib/policies), read by the caller on every change they govern.
 * Lifetime: the window must end, no later than latestValidTo (its start or now, whichever is later,
 * plus the days; that instant itself is allowed).
 */
function assertLifetime(policies: Policies, window: { validFrom: Date | null; validTo: Date | null }, now: Date): void {
  const days = policies.maxTokenLifetimeDays;
  if (days === null) return;
  const latest = latestValidTo(days, window.validFrom, now);
  if (window.validTo === null || window.validTo.getTime() > latest.getTime()) {
    throw new PolicyViolationError("maxTokenLifetimeDays", lifetimeMessage(days, latest), "validTo");
  }
}

/** Active tokens: one more live token (active or scheduled) must fit under the owner's limit. */
async function assertRoomForOneMore(db: Pick<Prisma.TransactionClient, "token">, policies: Policies, userId: string, now: Date): Promise<void> {
  const max = policies.maxActiveTokensPerUser;
  if (max === null) return;
  const live = await db.token.count({ where: { userId, ...liveWhere(now) } });
  if (live >= max) throw new PolicyViolationError("maxActiveTokensPerUser", activeTokensMessage(max));
}

/** The earliest of the instants given (null: no end). */
function earliest(first: Date, ...others: (Date | null)[]): Date {
  return others.reduce<Date>((min, date) => (date && date.getTime() < min.getTime() ? date : min), first);
}

const isLive = (window: { validTo: Date | null }, now: Date) => window.validTo === null || window.validTo.getTime() > now.getTime();

export async function createToken(actor: Actor, input: unknown, now = new Date()): Promise<TokenWithSecret> {
  const userId = ownerOf(actor);
  const parsed = createTokenSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues));
  const fields = parsed.data;
  // A token that ends makes tokens that end: left out, valid-to is the caller's own (null, "never", must be asked for).
  if (isTokenActor(actor) && (input as { validTo?: unknown }).validTo === undefined) fields.validTo = actor.validTo;
  const held = await heldScopes(userId);
  const reach = await reachFor(actor, held);
  const problems = { ...validityProblems(fields, now), ...(reach && lifetimeProblems(reach, fields)) };
  if (Object.keys(problems).length) throw new ValidationError(problems);
  assertHeld(held, fields.scopes);
  if (reach) assertScopesWithin(reach, fields.scopes);
  const policies = await getPolicies();
  assertLifetime(policies, { validFrom: fields.validFrom ?? now, validTo: fields.validTo }, now);

  const secret = generateSecret();
  const db = await prisma();
  const partial = partialOf(secret);
  try {
    const row = await db.$transaction(async (tx) => {
      if (policies.maxActiveTokensPerUser !== null) {
        // The owner's row lock makes concurrent creates count one after another, so none slips past the limit.
        await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
        await assertRoomForOneMore(tx, policies, userId, now);
      }
      const created = await tx.token.create({
        data: {
          guid: (fields.guid ?? randomUUID()).toLowerCase(),
          userId,
          name: fields.name,
          description: fields.description,
          partial,
          validFrom: fields.validFrom ?? now,
          validTo: fields.validTo,
          scopes: { create: fields.scopes.map((scopeName) => ({ scopeName })) },
          secrets: { create: { hash: hashSecret(secret, config().tokenHashKey) } },
          secretHistory: { create: { partial, issuedAt: now } },
        },
        include: tokenInclude(now),
      });
      await recordTokenEvent(
        tx,
        actor,
        "token.created",
        created,
        { description: created.description, scopes: scopesOf(created).sort(), validFrom: created.validFrom.toISOString(), validTo: isoOrNull(created.validTo), partial },
        now,
      );
      return created;
    });
    return { token: toView(row, now), secret };
  } catch (error) {
    if (prismaErrorCode(error) === "P2002") throw new ValidationError({ guid: ["This GUID is already in use. Regenerate it and save again."] });
    throw error;
  }
}

export async function updateToken(actor: Actor, guid: string, input: unknown, now = new Date()): Promise<TokenView> {
  const userId = ownerOf(actor);
  const existing = await findOwned(userId, guid, now);
  const held = await heldScopes(userId);
  const reach = await reachFor(actor, held);
  if (reach) assertReachable(reach, { scopes: scopesOf(existing), validTo: existing.validTo }, "edit");
  const parsed = updateTokenSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues));
  const patch = parsed.data;
  // Valid-from cannot be cleared once set; valid-to is cleared by an explicit null or "" ("never expires")
  // and kept when the input leaves it out (or sends undefined, which is how a form's untouched field arrives).
  const validFrom = patch.validFrom ?? existing.validFrom;
  const validTo = (input as { validTo?: unknown }).validTo === undefined ? existing.validTo : (patch.validTo ?? null);
  // Revoking set valid-to to the moment of revocation; that record stays (the edit dialog sends the
  // unchanged dates back, which is fine).
  const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
  if (existing.revokedAt && !(sameTime(validFrom, existing.validFrom) && sameTime(validTo, existing.validTo))) {
    throw new ConflictError("A revoked token's validity cannot change. Create a new token instead.");
  }
  const problems = { ...validityProblems({ validFrom, validTo }, now, existing), ...(reach && lifetimeProblems(reach, { validFrom, validTo })) };
  if (Object.keys(problems).length) throw new ValidationError(problems);
  if (patch.scopes) assertHeld(held, patch.scopes);
  if (reach && patch.scopes) assertScopesWithin(reach, patch.scopes);
  // An edit that leaves the window as it is (a rename, fewer scopes) is allowed to a token from before a policy.
  if (!(sameTime(validFrom, existing.validFrom) && sameTime(validTo, existing.validTo))) {
    const policies = await getPolicies();
    assertLifetime(policies, { validFrom, validTo }, now);
    if (!isLive(existing, now) && isLive({ validTo }, now)) await assertRoomForOneMore(await prisma(), policies, userId, now);
  }

  const db = await prisma();
  const row = await unlessDeleted(
    db.$transaction(async (tx) => {
      // Locked and read again, so the record's "before" is what this edit replaced, even with a concurrent one.
      await tx.$executeRaw`SELECT 1 FROM tokens WHERE guid = ${existing.guid}::uuid FOR UPDATE`;
      const before = await tx.token.findUnique({ where: { guid: existing.guid }, include: tokenInclude(now) });
      if (!before) throw new NotFoundError();
      await recordPassedEnds(tx, before, now);
      if (!sameTime(validTo, before.validTo)) await endMoved(tx, before, now);
      const updated = await tx.token.update({
        where: { guid: existing.guid },
        data: {
          name: patch.name,
          description: patch.description,
          validFrom,
          validTo,
          ...(patch.scopes && {
            scopes: { deleteMany: {}, create: patch.scopes.map((scopeName) => ({ scopeName })) },
          }),
        },
        include: tokenInclude(now),
      });
      const changes = editedFields(before, updated);
      // An edit that changes nothing (the dialog saved as it was) is not an event.
      if (Object.keys(changes).length) await recordTokenEvent(tx, actor, "token.edited", updated, { changes }, now);
      return updated;
    }),
  );
  await tokenChanged(row.guid);
  return toView(row, now);
}

type Edited = { before: Prisma.InputJsonValue | null; after: Prisma.InputJsonValue | null };

/** The fields an edit changed, each with its value before and after (dates as ISO strings, scopes sorted). */
function editedFields(before: TokenRow, after: TokenRow): Record<string, Edited> {
  const shown = (row: TokenRow) => ({
    name: row.name,
    description: row.description,
    scopes: scopesOf(row).sort(),
    validFrom: row.validFrom.toISOString(),
    validTo: isoOrNull(row.validTo),
  });
  const [was, is] = [shown(before), shown(after)];
  const changes: Record<string, Edited> = {};
  for (const field of Object.keys(was) as (keyof typeof was)[]) {
    if (JSON.stringify(was[field]) !== JSON.stringify(is[field])) changes[field] = { before: was[field], after: is[field] };
  }
  return changes;
}

/** The one revoke rule, for owners and administrators alike: only an active token can be revoked. */
function assertRevocable(row: TokenRow, now: Date): void {
  const status = statusOf(row, now);
  if (status === "revoked") throw new ConflictError("This token is already revoked.");
  if (status === "expired") throw new ConflictError("This token has already expired; there is nothing to revoke. Delete it if it is no longer needed.");
  if (status === "scheduled") throw new ConflictError("This token is not valid yet; delete it instead of revoking it.");
}

/**
 * Ends an active token now: revoked-at and valid-to become the current time. Revoking twice is
 * harmless. Any token of the owner's may revoke any other, broader ones included: stopping a token
 * gives the caller nothing, and a leak must be stoppable with whatever credential is at hand.
 */
export async function revokeToken(actor: Actor, guid: string, now = new Date()): Promise<TokenView> {
  const userId = ownerOf(actor);
  const existing = await findOwned(userId, guid, now);
  if (existing.revokedAt) return toView(existing, now);
  assertRevocable(existing, now);
  const db = await prisma();
  const row = await db.$transaction(async (tx) => {
    // Only the revocation that ends the token is recorded: a concurrent one (owner's or administrator's) finds it ended.
    const { count } = await tx.token.updateMany({ where: { guid: existing.guid, revokedAt: null }, data: { revokedAt: now, validTo: now } });
    const revoked = await tx.token.findUnique({ where: { guid: existing.guid }, include: tokenInclude(now) });
    if (!revoked) throw new NotFoundError();
    if (count) {
      await recordTokenEvent(tx, actor, "token.revoked", revoked, { partial: revoked.partial }, now);
      await withdrawReminders(tx, { userId: revoked.userId, tokenGuid: revoked.guid }, now);
    }
    return revoked;
  });
  await tokenChanged(row.guid);
  return toView(row, now);
}

/**
 * An administrator ends anyone's active token, with a reason its owner is shown. Unlike the
 * owner's revoke, a second one is a ConflictError: it would otherwise drop the second reason
 * silently, and the administrator should hear that someone was quicker.
 */
export async function revokeTokenAsAdmin(admin: AdminActor, guid: string, input: unknown, now = new Date()): Promise<TokenView> {
  const parsed = adminRevokeSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues));
  if (!guidSchema.safeParse(guid).success) throw new NotFoundError();
  const db = await prisma();
  const row = await unlessDeleted(
    db.$transaction(async (tx) => {
      // Locks the row, so that two revocations (or a rotation) take turns and the check reads the latest state.
      await tx.$queryRaw`SELECT 1 FROM "tokens" WHERE "guid" = ${guid.toLowerCase()}::uuid FOR UPDATE`;
      const locked = await tx.token.findUnique({ where: { guid: guid.toLowerCase() }, include: { ...tokenInclude(now), user: { select: { email: true } } } });
      if (!locked) throw new NotFoundError();
      assertRevocable(locked, now);
      const revoked = await tx.token.update({
        where: { guid: locked.guid },
        data: { revokedAt: now, validTo: now, revokedById: admin.userId, revocationReason: parsed.data.reason },
        include: tokenInclude(now),
      });
      await recordAdminEvent(
        tx,
        admin,
        { action: "token.revoked_by_admin", targetUser: locked.userId, targetToken: locked.guid, details: { owner: locked.user.email, name: locked.name, reason: parsed.data.reason } },
        now,
      );
      await withdrawReminders(tx, { userId: locked.userId, tokenGuid: locked.guid }, now);
      await notify(tx, { id: locked.userId, email: locked.user.email }, revokedByAdminMessage(locked, parsed.data.reason), {}, now);
      return revoked;
    }),
  );
  await tokenChanged(row.guid);
  return toView(row, now);
}

/**
 * Issues a new secret for the same token (GUID, name and scopes unchanged; its end too, unless
 * `validTo` is given). With an
 * overlap, the secrets in use so far keep working until now + overlap; without, they stop at once.
 */
export async function rotateToken(actor: Actor, guid: string, input: unknown, now = new Date()): Promise<TokenWithSecret> {
  const userId = ownerOf(actor);
  const existing = await findOwned(userId, guid, now);
  const parsed = rotateTokenSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues));
  const { overlapSeconds } = parsed.data;
  const validTo = parsed.data.validTo === undefined || parsed.data.validTo === null ? parsed.data.validTo : new Date(parsed.data.validTo);
  if (validTo !== undefined) {
    const problems = validityProblems({ validFrom: existing.validFrom, validTo }, now);
    if (problems.validTo) throw new ValidationError({ validTo: problems.validTo });
  }
  const reach = await reachFor(actor);
  const policies = await getPolicies();
  const max = policies.maxRotationOverlapSeconds;
  if (max !== null && overlapSeconds > max) throw new PolicyViolationError("maxRotationOverlapSeconds", overlapMessage(max), "overlapSeconds");
  // A new secret is held to the lifetime policy like a new token, whether the rotation renews the end or keeps it.
  const end = validTo === undefined ? existing.validTo : validTo;
  if (!existing.revokedAt) {
    assertLifetime(policies, { validFrom: existing.validFrom, validTo: end }, now);
    if (!isLive(existing, now) && isLive({ validTo: end }, now)) await assertRoomForOneMore(await prisma(), policies, userId, now);
  }

  const secret = generateSecret();
  const db = await prisma();
  const partial = partialOf(secret);
  const transaction = db.$transaction(async (tx) => {
    // Locking the token's row first (until commit) makes concurrent rotations (and a revoke) take
    // turns: each one's deleteMany below then sees the secret the previous one created, and
    // exactly one secret without an end survives. The revoked check reads that locked row.
    const [was] = await tx.$queryRaw<{ partial: string; valid_to: Date | null }[]>`
      SELECT partial, valid_to FROM tokens WHERE guid = ${existing.guid}::uuid FOR UPDATE`;
    if (!was) throw new NotFoundError();
    // Before the secrets whose overlap ended are dropped and the end may move: what time did is recorded first.
    await recordPassedEnds(tx, { ...existing, validTo: was.valid_to }, now);
    if (validTo !== undefined && validTo?.getTime() !== was.valid_to?.getTime()) await endMoved(tx, { ...existing, partial: was.partial, validTo: was.valid_to }, now);
    const row = await tx.token.update({
      where: { guid: existing.guid },
      data: { partial, ...(validTo !== undefined && { validTo }) },
      include: tokenInclude(now),
    });
    if (row.revokedAt) throw new ConflictError("A revoked token cannot be rotated. Create a new token instead.");
    // Checked on the locked row: an edit that widened the token meanwhile cannot slip a broader secret past.
    if (reach) assertReachable(reach, { scopes: scopesOf(row), validTo: row.validTo }, "rotate");
    await tx.tokenSecret.deleteMany({
      where: { tokenGuid: existing.guid, ...(overlapSeconds > 0 ? { expiresAt: { lte: now } } : {}) },
    });
    if (overlapSeconds > 0) {
      const until = new Date(now.getTime() + overlapSeconds * 1000);
      // A secret already winding down from an earlier rotation keeps its earlier end.
      await tx.tokenSecret.updateMany({ where: { tokenGuid: existing.guid, expiresAt: null }, data: { expiresAt: until } });
      await tx.tokenSecret.updateMany({ where: { tokenGuid: existing.guid, expiresAt: { gt: until } }, data: { expiresAt: until } });
    }
    await tx.tokenSecret.create({ data: { tokenGuid: existing.guid, hash: hashSecret(secret, config().tokenHashKey), createdAt: now } });
    // The history: the secrets in use stop when they stop working (above), never later than the
    // token lets them; without an overlap, never later than the token's end before this rotation either.
    const stop = earliest(overlapSeconds > 0 ? new Date(now.getTime() + overlapSeconds * 1000) : now, row.validTo, overlapSeconds > 0 ? null : was.valid_to);
    await tx.tokenSecretHistory.updateMany({
      where: { tokenGuid: existing.guid, OR: [{ stoppedAt: null }, { stoppedAt: { gt: stop } }] },
      data: { stoppedAt: stop },
    });
    await tx.tokenSecretHistory.create({ data: { tokenGuid: existing.guid, partial, issuedAt: now } });
    await recordTokenEvent(
      tx,
      actor,
      "token.rotated",
      row,
      { overlapSeconds, previousPartial: was.partial, partial, ...(validTo !== undefined && { validTo: isoOrNull(row.validTo) }) },
      now,
    );
    // Read again for the secrets' new ends (previousSecretExpiresAt).
    return tx.token.findUniqueOrThrow({ where: { guid: existing.guid }, include: tokenInclude(now) });
  });
  const row = await unlessDeleted(transaction);
  await tokenChanged(row.guid);
  return { token: toView(row, now), secret };
}

/**
 * Ends a rotation's overlap now: every secret but the current one stops working at once, here and
 * (through the secrets' change notifications) on every other instance. Like revoking, it only
 * stops things, so any of the owner's tokens may do it. With no overlap in force there is
 * nothing to end: a ConflictError, so a caller who believed otherwise hears about it.
 */
export async function endOverlap(actor: Actor, guid: string, now = new Date()): Promise<TokenView> {
  const userId = ownerOf(actor);
  const existing = await findOwned(userId, guid, now);
  const noOverlap = () => new ConflictError("This token has no previous secret that still works: there is no overlap to end.");
  if (!previousSecretEnd(existing, now)) throw noOverlap();
  const db = await prisma();
  await db.$transaction(async (tx) => {
    // Locked like a rotation and checked again, so that of two concurrent ends only one ends anything (and is recorded).
    await tx.$executeRaw`SELECT 1 FROM tokens WHERE guid = ${existing.guid}::uuid FOR UPDATE`;
    const locked = await tx.token.findUnique({ where: { guid: existing.guid }, include: tokenInclude(now) });
    if (!locked) throw new NotFoundError();
    if (!previousSecretEnd(locked, now)) throw noOverlap();
    await tx.tokenSecret.deleteMany({ where: { tokenGuid: existing.guid, expiresAt: { not: null } } });
    await tx.tokenSecretHistory.updateMany({ where: { tokenGuid: existing.guid, stoppedAt: { gt: now } }, data: { stoppedAt: now } });
    await recordTokenEvent(tx, actor, "token.overlap_ended", locked, { partial: locked.partial }, now);
  });
  await tokenChanged(existing.guid);
  return toView(await findOwned(userId, guid, now), now);
}

/**
 * Deletes a token for good. A calling token may delete only tokens within its reach: unlike
 * revoking, deleting erases the record (its last use, its window) that an investigation needs.
 */
export async function deleteToken(actor: Actor, guid: string, now = new Date()): Promise<void> {
  const userId = ownerOf(actor);
  if (!guidSchema.safeParse(guid).success) throw new NotFoundError();
  const reach = await reachFor(actor);
  if (reach) {
    const existing = await findOwned(userId, guid, now);
    assertReachable(reach, { scopes: scopesOf(existing), validTo: existing.validTo }, "delete");
  }
  const db = await prisma();
  await unlessDeleted(
    db.$transaction(async (tx) => {
      const doomed = await tx.token.findFirst({ where: { guid: guid.toLowerCase(), userId } });
      if (doomed) await recordPassedEnds(tx, doomed, now);
      const deleted = await tx.token.delete({ where: { guid: guid.toLowerCase(), userId } });
      await recordTokenEvent(tx, actor, "token.deleted", deleted, { partial: deleted.partial }, now);
      await withdrawReminders(tx, { userId: deleted.userId, tokenGuid: deleted.guid }, now);
    }),
  );
  await tokenChanged(guid.toLowerCase());
}
