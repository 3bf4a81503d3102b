import { randomBytes } from "node:crypto";
import { prisma } from "@/lib/db";
import { signUp, type AccountUser } from "@/lib/users/service";

/** Every test user's password. */
export const TEST_PASSWORD = "correct horse battery staple";

/** Signs up a new user and sets their grants to exactly `scopes` (default: the configured defaults). */
export async function createUser(options: { scopes?: string[]; name?: string } = {}): Promise<AccountUser> {
  const user = await signUp({
    name: options.name ?? "Test User",
    email: `user-${randomBytes(5).toString("hex")}@example.com`,
    password: TEST_PASSWORD,
  });
  if (options.scopes) {
    const db = await prisma();
    await db.userScope.deleteMany({ where: { userId: user.id } });
    await db.userScope.createMany({ data: options.scopes.map((scopeName) => ({ userId: user.id, scopeName })) });
  }
  return user;
}
