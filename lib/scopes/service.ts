import "server-only";
import { prisma } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { grantsChanged } from "@/lib/tokens/events";
import { guidSchema, scopeNameSchema } from "@/lib/validation/tokens";

export type ScopeInfo = { name: string; description: string };

// User ids and scope names reach these functions from an administrator's form or URL: a malformed
// one must be "not found", not a database error about UUID syntax or NUL bytes.
const isUserId = (userId: string) => guidSchema.safeParse(userId).success;
const isScopeName = (scopeName: string) => scopeNameSchema.safeParse(scopeName).success;

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

export async function scopeCatalogue(): Promise<ScopeInfo[]> {
  const db = await prisma();
  return db.scope.findMany({ select: { name: true, description: true }, orderBy: { name: "asc" } });
}

/** Grants a catalogue scope to a user. Idempotent. */
export async function grantScope(userId: string, scopeName: string): Promise<void> {
  if (!isScopeName(scopeName)) throw new NotFoundError(`No scope named ${scopeName} in the catalogue.`);
  if (!isUserId(userId)) throw new NotFoundError("No such user.");
  const db = await prisma();
  const scope = await db.scope.findUnique({ where: { name: scopeName } });
  if (!scope) throw new NotFoundError(`No scope named ${scopeName} in the catalogue.`);
  try {
    await db.userScope.upsert({
      where: { userId_scopeName: { userId, scopeName } },
      create: { userId, scopeName },
      update: {},
    });
  } catch (error) {
    // The foreign key to users: there is no such user (any more).
    if ((error as { code?: string }).code === "P2003") throw new NotFoundError("No such user.");
    throw error;
  }
  await grantsChanged(userId);
}

/**
 * Withdraws a scope from a user. Their tokens keep the scope on record but lose it at once:
 * effective scopes are always computed against the grants held now.
 */
export async function withdrawScope(userId: string, scopeName: string): Promise<void> {
  if (!isUserId(userId)) throw new NotFoundError("No such user.");
  const db = await prisma();
  await db.userScope.deleteMany({ where: { userId, scopeName } });
  await grantsChanged(userId);
}
