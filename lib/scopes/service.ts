import "server-only";
import type { AdminActor } from "@/lib/admin/actor";
import { recordAdminEvent } from "@/lib/audit/events";
import { config } from "@/lib/config";
import { prisma, type Prisma } from "@/lib/db";
import { ConflictError, NotFoundError, ValidationError, fieldErrorsOf } from "@/lib/errors";
import { grantsChanged } from "@/lib/tokens/events";
import { createScopeSchema, editScopeSchema } from "@/lib/validation/admin-scopes";
import { guidSchema, scopeNameSchema } from "@/lib/validation/tokens";
import { BUILT_IN_SCOPE_NAMES, isAdminOnlyScope, isBuiltInScope } from "./built-in";
import type { CatalogueScopeView } from "./contract";

export type ScopeInfo = { name: string; description: string };

// User ids and scope names reach these functions from an administrator's form or URL: a malformed
// one must be "not found", not a database error about UUID syntax or NUL bytes.
const isUserId = (userId: string) => guidSchema.safeParse(userId).success;
const isScopeName = (scopeName: string) => typeof scopeName === "string" && scopeNameSchema.safeParse(scopeName).success;

/** The services Tollgate's own scopes name (tokens, metrics, admin): a custom scope of theirs would read as Tollgate's. */
const RESERVED_SERVICES = new Set(BUILT_IN_SCOPE_NAMES.map((name) => name.split(":")[0]!));

type Db = Prisma.TransactionClient;

const notInCatalogue = (name: string) => new NotFoundError(`No scope named ${name} in the catalogue.`);

/** The scopes a user holds now, with their catalogue descriptions: what the scope picker and filter offer. */
export async function scopesHeldBy(userId: string): Promise<ScopeInfo[]> {
  if (!isUserId(userId)) return [];
  const db = await prisma();
  const grants = await db.userScope.findMany({
    where: { userId },
    select: { scope: { select: { name: true, description: true } } },
    orderBy: { scopeName: "asc" },
  });
  return grants.map((g) => g.scope);
}

/** The scopes that can be granted (retired ones cannot). */
export async function scopeCatalogue(): Promise<ScopeInfo[]> {
  const db = await prisma();
  return db.scope.findMany({ where: { retiredAt: null }, select: { name: true, description: true }, orderBy: { name: "asc" } });
}

/**
 * What new accounts receive: until an administrator first chooses at /admin/scopes, the
 * DEFAULT_SCOPES variable; from then on, their choice. Either way only scopes that exist, are not
 * retired and are not administrators' own.
 */
export async function defaultScopesForNewAccounts(db?: Db): Promise<string[]> {
  const client = db ?? (await prisma());
  const settings = await client.deploymentSettings.findUnique({ where: { id: 1 }, select: { defaultScopes: true, defaultScopesChosen: true } });
  const wanted = settings?.defaultScopesChosen ? settings.defaultScopes : config().defaultScopes;
  const usable = await client.scope.findMany({ where: { name: { in: wanted }, retiredAt: null }, select: { name: true }, orderBy: { name: "asc" } });
  return usable.map((s) => s.name).filter((name) => !isAdminOnlyScope(name));
}

type Counts = { holders: number; tokens: number };

/** Holders and live tokens per scope: one grouped query each, however long the catalogue. */
async function countsByScope(db: Db, now: Date, name?: string): Promise<Map<string, Counts>> {
  const where = name === undefined ? {} : { scopeName: name };
  const [holders, tokens] = await Promise.all([
    db.userScope.groupBy({ by: ["scopeName"], where, _count: { _all: true } }),
    db.tokenScope.groupBy({
      by: ["scopeName"],
      where: { ...where, token: { revokedAt: null, OR: [{ validTo: null }, { validTo: { gt: now } }] } },
      _count: { _all: true },
    }),
  ]);
  const counts = new Map<string, Counts>();
  const entry = (scope: string) => counts.get(scope) ?? counts.set(scope, { holders: 0, tokens: 0 }).get(scope)!;
  for (const row of holders) entry(row.scopeName).holders = row._count._all;
  for (const row of tokens) entry(row.scopeName).tokens = row._count._all;
  return counts;
}

type ScopeRow = { name: string; description: string; createdAt: Date; retiredAt: Date | null };

function viewOf(row: ScopeRow, counts: Counts | undefined, defaults: readonly string[]): CatalogueScopeView {
  return {
    name: row.name,
    description: row.description,
    builtIn: isBuiltInScope(row.name),
    adminOnly: isAdminOnlyScope(row.name),
    default: defaults.includes(row.name),
    holders: counts?.holders ?? 0,
    tokens: counts?.tokens ?? 0,
    createdAt: row.createdAt,
    retiredAt: row.retiredAt,
  };
}

const SCOPE_ROW = { name: true, description: true, createdAt: true, retiredAt: true } as const;

/** The whole catalogue for administrators, by name: Tollgate's own scopes and those they added, retired ones included. */
export async function adminScopeCatalogue(now = new Date()): Promise<CatalogueScopeView[]> {
  const db = await prisma();
  const [rows, counts, defaults] = await Promise.all([
    db.scope.findMany({ select: SCOPE_ROW, orderBy: { name: "asc" } }),
    countsByScope(db, now),
    defaultScopesForNewAccounts(db),
  ]);
  return rows.map((row) => viewOf(row, counts.get(row.name), defaults));
}

/** One catalogue scope, with its counts. */
export async function getCatalogueScope(name: string, now = new Date()): Promise<CatalogueScopeView> {
  if (!isScopeName(name)) throw notInCatalogue(String(name));
  const db = await prisma();
  return readScope(db, name, now);
}

async function readScope(db: Db, name: string, now: Date): Promise<CatalogueScopeView> {
  const [row, counts, defaults] = await Promise.all([
    db.scope.findUnique({ where: { name }, select: SCOPE_ROW }),
    countsByScope(db, now, name),
    defaultScopesForNewAccounts(db),
  ]);
  if (!row) throw notInCatalogue(name);
  return viewOf(row, counts.get(name), defaults);
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "P2002";
}

/** Adds a scope for another service. Its name can never be used again, even after it is retired. */
export async function createScope(admin: AdminActor, input: unknown): Promise<CatalogueScopeView> {
  const parsed = createScopeSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues));
  const { name, description } = parsed.data;
  if (isBuiltInScope(name)) throw new ValidationError({ name: [`${name} is one of Tollgate's own scopes; it is already in the catalogue.`] });
  const service = name.split(":")[0]!;
  if (RESERVED_SERVICES.has(service)) {
    throw new ValidationError({ name: [`The service "${service}" is Tollgate's own; name the scope after your service, e.g. billing:read.`] });
  }
  const taken = (retired: boolean) =>
    new ValidationError({
      name: [retired ? `${name} was retired; a retired name cannot be used again, so that old tokens' records keep one meaning.` : `A scope named ${name} already exists.`],
    });
  const db = await prisma();
  try {
    const row = await db.$transaction(async (tx) => {
      const existing = await tx.scope.findUnique({ where: { name }, select: { retiredAt: true } });
      if (existing) throw taken(existing.retiredAt !== null);
      const created = await tx.scope.create({ data: { name, description }, select: SCOPE_ROW });
      await recordAdminEvent(tx, admin, { action: "scope.created", targetScope: name, details: { description } });
      return created;
    });
    return viewOf(row, undefined, []);
  } catch (error) {
    // Two administrators adding the same name at once: the second is told as if it had been first to look.
    if (isUniqueViolation(error)) throw taken(false);
    throw error;
  }
}

/**
 * Edits a custom scope's description, and whether new accounts receive a scope (built-in ones
 * included, administrators' own excepted). The first such choice replaces DEFAULT_SCOPES for good.
 */
export async function editScope(admin: AdminActor, name: string, input: unknown, now = new Date()): Promise<CatalogueScopeView> {
  const parsed = editScopeSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues));
  if (!isScopeName(name)) throw notInCatalogue(String(name));
  const { description, default: isDefault } = parsed.data;
  if (isDefault && isAdminOnlyScope(name)) {
    throw new ValidationError({ default: [`${name} is for administrators only, so new accounts cannot receive it.`] });
  }
  const db = await prisma();
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ description: string; retired_at: Date | null }[]>`
      SELECT description, retired_at FROM scopes WHERE name = ${name} FOR UPDATE`;
    if (!row) throw notInCatalogue(name);
    if (row.retired_at) throw new ConflictError(`${name} is retired: it can no longer be edited or given to new accounts.`);
    if (description !== undefined && isBuiltInScope(name)) {
      throw new ConflictError(`${name} is one of Tollgate's own scopes: its description comes from Tollgate's code and cannot be edited.`);
    }
    if (description !== undefined && description !== row.description) {
      await tx.scope.update({ where: { name }, data: { description } });
      await recordAdminEvent(tx, admin, {
        action: "scope.edited",
        targetScope: name,
        details: { before: { description: row.description }, after: { description } },
      });
    }
    if (isDefault !== undefined) await chooseDefault(tx, admin, name, isDefault);
    return readScope(tx, name, now);
  });
}

async function chooseDefault(tx: Db, admin: AdminActor, name: string, isDefault: boolean): Promise<void> {
  // Two administrators toggling at once must not lose one toggle: the settings row is locked first.
  const [settings] = await tx.$queryRaw<{ default_scopes_chosen: boolean }[]>`
    SELECT default_scopes_chosen FROM deployment_settings WHERE id = 1 FOR UPDATE`;
  const before = await defaultScopesForNewAccounts(tx);
  const after = isDefault ? [...new Set([...before, name])].sort() : before.filter((scope) => scope !== name);
  const changed = after.join(" ") !== before.join(" ");
  if (settings?.default_scopes_chosen && !changed) return;
  await tx.deploymentSettings.upsert({
    where: { id: 1 },
    create: { id: 1, defaultScopes: after, defaultScopesChosen: true },
    update: { defaultScopes: after, defaultScopesChosen: true },
  });
  await recordAdminEvent(tx, admin, { action: "scope.defaults_changed", targetScope: name, details: { before, after } });
}

/**
 * Retires a custom scope: every grant of it goes (so every token loses it at once; other instances
 * hear each deleted grant through the user_scopes trigger), it leaves the defaults, and it can never
 * be granted again. Tokens keep it on record. Answers the scope with the counts it had.
 */
export async function retireScope(admin: AdminActor, name: string, now = new Date()): Promise<CatalogueScopeView> {
  if (!isScopeName(name)) throw notInCatalogue(String(name));
  if (isBuiltInScope(name)) throw new ConflictError(`${name} is one of Tollgate's own scopes and cannot be retired.`);
  const db = await prisma();
  const { view, holders } = await db.$transaction(async (tx) => {
    // Locked first: a grant of it waits (grantScope reads the row FOR SHARE) and then sees it retired.
    const [row] = await tx.$queryRaw<{ retired_at: Date | null }[]>`SELECT retired_at FROM scopes WHERE name = ${name} FOR UPDATE`;
    if (!row) throw notInCatalogue(name);
    if (row.retired_at) throw new ConflictError(`${name} is already retired.`);
    const had = await readScope(tx, name, now);
    const grants = await tx.userScope.findMany({ where: { scopeName: name }, select: { userId: true } });
    await tx.userScope.deleteMany({ where: { scopeName: name } });
    await tx.scope.update({ where: { name }, data: { retiredAt: now } });
    const settings = await tx.deploymentSettings.findUnique({ where: { id: 1 }, select: { defaultScopes: true } });
    const wasDefault = Boolean(settings?.defaultScopes.includes(name));
    if (wasDefault) {
      await tx.deploymentSettings.update({ where: { id: 1 }, data: { defaultScopes: settings!.defaultScopes.filter((s) => s !== name) } });
    }
    await recordAdminEvent(tx, admin, {
      action: "scope.retired",
      targetScope: name,
      details: { description: had.description, holders: had.holders, tokens: had.tokens, removedFromDefaults: wasDefault },
    });
    return { view: { ...had, default: false, retiredAt: now }, holders: grants.map((g) => g.userId) };
  });
  // This instance forgets at once; the others when the grants' NOTIFY arrives. Each is an in-memory drop.
  await Promise.all(holders.map((userId) => grantsChanged(userId)));
  return view;
}

/**
 * Grants a catalogue scope to a user. Idempotent. A retired scope cannot be granted (ConflictError),
 * nor an administrators' scope to anyone who is not one. A grant that adds the scope is recorded
 * (user.scope_granted) in the same transaction, as `by`'s doing (null: the system, a script).
 */
export async function grantScope(userId: string, scopeName: string, by: AdminActor | null = null): Promise<void> {
  if (!isScopeName(scopeName)) throw notInCatalogue(String(scopeName));
  if (!isUserId(userId)) throw new NotFoundError("No such user.");
  const db = await prisma();
  await db.$transaction(async (tx) => {
    // FOR SHARE: a retirement in progress holds the row, and this waits to see its outcome.
    const [scope] = await tx.$queryRaw<{ retired_at: Date | null }[]>`SELECT retired_at FROM scopes WHERE name = ${scopeName} FOR SHARE`;
    if (!scope) throw notInCatalogue(scopeName);
    if (scope.retired_at) throw new ConflictError(`${scopeName} is retired and can no longer be granted.`);
    const [user] = await tx.$queryRaw<{ is_admin: boolean; email: string }[]>`SELECT is_admin, email FROM users WHERE id = ${userId}::uuid FOR SHARE`;
    if (!user) throw new NotFoundError("No such user.");
    if (isAdminOnlyScope(scopeName) && !user.is_admin) {
      throw new ConflictError(`${scopeName} can be held only by administrators; make this user an administrator first.`);
    }
    const { count } = await tx.userScope.createMany({ data: [{ userId, scopeName }], skipDuplicates: true });
    if (count) await recordAdminEvent(tx, by, { action: "user.scope_granted", targetUser: userId, targetScope: scopeName, details: { email: user.email } });
  });
  await grantsChanged(userId);
}

/**
 * Withdraws a scope from a user. Their tokens keep the scope on record but lose it at once:
 * effective scopes are always computed against the grants held now. A withdrawal that removes the
 * grant is recorded (user.scope_withdrawn) in the same transaction, as `by`'s doing.
 */
export async function withdrawScope(userId: string, scopeName: string, by: AdminActor | null = null): Promise<void> {
  if (!isUserId(userId)) throw new NotFoundError("No such user.");
  const db = await prisma();
  await db.$transaction(async (tx) => {
    const { count } = await tx.userScope.deleteMany({ where: { userId, scopeName } });
    if (!count) return;
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
    await recordAdminEvent(tx, by, { action: "user.scope_withdrawn", targetUser: userId, targetScope: scopeName, details: { email: user?.email ?? null } });
  });
  await grantsChanged(userId);
}

/** The catalogue's descriptions of these scopes, retired ones included (a token keeps its scopes on record), by name. */
export async function describeScopes(names: readonly string[]): Promise<ScopeInfo[]> {
  if (!names.length) return [];
  const db = await prisma();
  const found = await db.scope.findMany({ where: { name: { in: [...names] } }, select: { name: true, description: true } });
  const descriptions = new Map(found.map((scope) => [scope.name, scope.description]));
  return names.map((name) => ({ name, description: descriptions.get(name) ?? "" }));
}
