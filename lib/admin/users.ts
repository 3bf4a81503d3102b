import "server-only";
import { recordAdminEvent } from "@/lib/audit/events";
import { prisma, type Prisma } from "@/lib/db";
import { ConflictError, NotFoundError, ValidationError, fieldErrorsOf } from "@/lib/errors";
import { isAdminOnlyScope } from "@/lib/scopes/built-in";
import { grantScope, withdrawScope } from "@/lib/scopes/service";
import { endOtherSessions } from "@/lib/sessions/service";
import { grantsChanged } from "@/lib/tokens/events";
import { withdrawReminders } from "@/lib/tokens/reminders";
import { activeWhere, inactiveWhere } from "@/lib/tokens/status";
import { userListQuerySchema, type AdminUserView } from "@/lib/validation/admin-users";
import { guidSchema, scopeNameSchema } from "@/lib/validation/tokens";
import type { AdminActor } from "./actor";

/**
 * Accounts as administrators see and change them (/admin/users and /api/v1/admin/users). Every
 * change takes the acting administrator first and is recorded with them (lib/audit/events.ts).
 */
export type { AdminUserView } from "@/lib/validation/admin-users";
export type AdminUserPageView = { users: AdminUserView[]; total: number; page: number; perPage: number; pageCount: number };

const NO_SUCH_USER = "No such user.";

const userSelect = {
  id: true,
  email: true,
  name: true,
  isAdmin: true,
  disabledAt: true,
  createdAt: true,
  lastSignInAt: true,
  grants: { select: { scopeName: true }, orderBy: { scopeName: "asc" } },
} satisfies Prisma.UserSelect;
type UserRow = Prisma.UserGetPayload<{ select: typeof userSelect }>;

/** Prisma passes `contains` to ILIKE as it is: a `%` or `_` typed by the administrator would be a wildcard. */
function literalPattern(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

function searchWhere(q: string): Prisma.UserWhereInput {
  if (!q) return {};
  const contains = literalPattern(q);
  return { OR: [{ email: { contains, mode: "insensitive" } }, { name: { contains, mode: "insensitive" } }] };
}

/** Each user's active and inactive tokens: two grouped queries for the whole page, not one per user. */
async function tokenCounts(userIds: string[], now: Date): Promise<Map<string, { active: number; inactive: number }>> {
  const counts = new Map(userIds.map((id) => [id, { active: 0, inactive: 0 }]));
  if (!userIds.length) return counts;
  const db = await prisma();
  const count = (where: Prisma.TokenWhereInput) =>
    db.token.groupBy({ by: ["userId"], where: { AND: [{ userId: { in: userIds } }, where] }, _count: { _all: true } });
  const [active, inactive] = await Promise.all([count(activeWhere(now)), count(inactiveWhere(now))]);
  for (const row of active) counts.get(row.userId)!.active = row._count._all;
  for (const row of inactive) counts.get(row.userId)!.inactive = row._count._all;
  return counts;
}

async function viewsOf(rows: UserRow[], now: Date): Promise<AdminUserView[]> {
  const counts = await tokenCounts(
    rows.map((row) => row.id),
    now,
  );
  return rows.map(({ grants, ...row }) => ({ ...row, scopes: grants.map((g) => g.scopeName), tokens: counts.get(row.id)! }));
}

/** One page of accounts, by email, matching `q` in the email or the name. Invalid input is a ValidationError naming the field. */
export async function listUsers(input: unknown = {}, now = new Date()): Promise<AdminUserPageView> {
  const parsed = userListQuerySchema.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError(fieldErrorsOf(parsed.error.issues));
  const { q, page, perPage } = parsed.data;
  const db = await prisma();
  const where = searchWhere(q);
  const [total, rows] = await Promise.all([
    db.user.count({ where }),
    db.user.findMany({ where, select: userSelect, orderBy: [{ email: "asc" }, { id: "asc" }], skip: (page - 1) * perPage, take: perPage }),
  ]);
  return { users: await viewsOf(rows, now), total, page, perPage, pageCount: Math.max(1, Math.ceil(total / perPage)) };
}

async function findUser(userId: unknown): Promise<UserRow> {
  if (!guidSchema.safeParse(userId).success) throw new NotFoundError(NO_SUCH_USER);
  const db = await prisma();
  const row = await db.user.findUnique({ where: { id: (userId as string).toLowerCase() }, select: userSelect });
  if (!row) throw new NotFoundError(NO_SUCH_USER);
  return row;
}

export async function getUser(userId: unknown, now = new Date()): Promise<AdminUserView> {
  const [view] = await viewsOf([await findUser(userId)], now);
  return view!;
}

/** A scope name from a URL or a form: anything that cannot be one (a NUL byte, 200 characters) is not in the catalogue. */
function scopeNameOf(scope: unknown): string {
  if (!scopeNameSchema.safeParse(scope).success) throw new NotFoundError(`No scope named ${String(scope).slice(0, 64)} in the catalogue.`);
  return scope as string;
}

/** Grants a catalogue scope; admin:read and admin:write only to administrators. Returns the user. */
export async function grantToUser(admin: AdminActor, userId: unknown, scope: unknown): Promise<AdminUserView> {
  const user = await findUser(userId);
  const scopeName = scopeNameOf(scope);
  if (isAdminOnlyScope(scopeName) && !user.isAdmin) {
    throw new ConflictError(`${scopeName} can be granted only to administrators, and ${user.email} is not one.`);
  }
  await grantScope(user.id, scopeName, admin);
  return getUser(user.id);
}

/** Withdraws a scope: the user's tokens lose it at once (effective scopes are computed against the grants). Harmless when not held. */
export async function withdrawFromUser(admin: AdminActor, userId: unknown, scope: unknown): Promise<AdminUserView> {
  const user = await findUser(userId);
  const scopeName = scopeNameOf(scope);
  await withdrawScope(user.id, scopeName, admin);
  return getUser(user.id);
}

type Tx = Prisma.TransactionClient;

/**
 * Refuses to take away the administrators' access: an administrator cannot disable or delete their
 * own account, nor anyone the last enabled administrator. The enabled administrators' rows are
 * locked, so two administrators disabling each other at once cannot both succeed.
 */
async function assertNotLastAdministrator(tx: Tx, admin: AdminActor, user: UserRow, verb: "disable" | "delete"): Promise<void> {
  if (user.id === admin.userId) {
    throw new ConflictError(
      `You cannot ${verb} your own account. Use another administrator's account, or the command line (npm run admin) on the server.`,
    );
  }
  if (!user.isAdmin) return;
  const enabled = await tx.$queryRaw<{ id: string }[]>`SELECT id::text FROM users WHERE is_admin AND disabled_at IS NULL FOR UPDATE`;
  if (!enabled.some((row) => row.id !== user.id)) {
    throw new ConflictError(`${user.email} is the last enabled administrator: make another administrator first (npm run admin -- grant EMAIL).`);
  }
}

/** The account cannot be used: its sessions end and its tokens are refused (account_disabled) until re-enabled. Idempotent. */
export async function disableUser(admin: AdminActor, userId: unknown, now = new Date()): Promise<AdminUserView> {
  const user = await findUser(userId);
  const db = await prisma();
  await db.$transaction(async (tx) => {
    await assertNotLastAdministrator(tx, admin, user, "disable");
    const { count } = await tx.user.updateMany({ where: { id: user.id, disabledAt: null }, data: { disabledAt: now } });
    if (count) {
      await recordAdminEvent(tx, admin, { action: "user.disabled", targetUser: user.id, details: { email: user.email } }, now);
      await withdrawReminders(tx, { userId: user.id }, now);
    }
  });
  // Ended even when it was disabled already: a session that slipped in meanwhile ends too.
  await endOtherSessions(user.id, null);
  await grantsChanged(user.id);
  return getUser(user.id, now);
}

/** Re-enables the account: its tokens work again as they were; it signs in afresh (its sessions ended). Idempotent. */
export async function enableUser(admin: AdminActor, userId: unknown, now = new Date()): Promise<AdminUserView> {
  const user = await findUser(userId);
  const db = await prisma();
  await db.$transaction(async (tx) => {
    const { count } = await tx.user.updateMany({ where: { id: user.id, disabledAt: { not: null } }, data: { disabledAt: null } });
    if (count) await recordAdminEvent(tx, admin, { action: "user.enabled", targetUser: user.id, details: { email: user.email } }, now);
  });
  await grantsChanged(user.id);
  return getUser(user.id, now);
}

/** What deleting the account stops: for the confirmation. */
export async function deletionImpact(userId: unknown, now = new Date()): Promise<{ activeTokens: number; totalTokens: number }> {
  const user = await findUser(userId);
  const db = await prisma();
  const [activeTokens, totalTokens] = await Promise.all([
    db.token.count({ where: { AND: [{ userId: user.id }, activeWhere(now)] } }),
    db.token.count({ where: { userId: user.id } }),
  ]);
  return { activeTokens, totalTokens };
}

/** Deletes the account with its tokens, grants and sessions. Returns how many active tokens stopped working. */
export async function deleteUser(admin: AdminActor, userId: unknown, now = new Date()): Promise<number> {
  const user = await findUser(userId);
  const db = await prisma();
  const activeTokens = await db.$transaction(async (tx) => {
    await assertNotLastAdministrator(tx, admin, user, "delete");
    const active = await tx.token.count({ where: { AND: [{ userId: user.id }, activeWhere(now)] } });
    // Before the account goes: its queued mail would lose its owner (user_id set null) and still be sent.
    await withdrawReminders(tx, { userId: user.id }, now);
    const { count } = await tx.user.deleteMany({ where: { id: user.id } });
    if (!count) throw new NotFoundError(NO_SUCH_USER);
    await recordAdminEvent(tx, admin, { action: "user.deleted", targetUser: user.id, details: { email: user.email, name: user.name, activeTokens: active } }, now);
    return active;
  });
  // The rows are gone already (cascade); this drops what this instance remembers of them.
  await endOtherSessions(user.id, null);
  await grantsChanged(user.id);
  return activeTokens;
}
