"use server";

import { adminActorOf } from "@/lib/admin/guard";
import { deleteUser, deletionImpact, disableUser, enableUser, grantToUser, withdrawFromUser } from "@/lib/admin/users";
import { serverActions } from "@/lib/actions/server-action";
import type { ActionResult } from "@/lib/actions/result";
import { ADMIN_USERS_PATH } from "@/lib/paths";
import { serializeAdminUser, type UserResult } from "@/lib/validation/admin-users";

// Administrators only (anyone else is told the action does not exist); lib/admin/users.ts validates every argument.
const userAction = serverActions({
  label: "Admin user action",
  path: ADMIN_USERS_PATH,
  signedOut: "You are signed out. Sign in again to manage users.",
  notFound: "That user or scope no longer exists. The list has been refreshed.",
  adminOnly: true,
});

export async function grantScopeAction(userId: string, scope: string): Promise<UserResult> {
  return userAction("grant", async (session) => ({ user: serializeAdminUser(await grantToUser(await adminActorOf(session), userId, scope)) }));
}

export async function withdrawScopeAction(userId: string, scope: string): Promise<UserResult> {
  return userAction("withdraw", async (session) => ({ user: serializeAdminUser(await withdrawFromUser(await adminActorOf(session), userId, scope)) }));
}

export async function disableUserAction(userId: string): Promise<UserResult> {
  return userAction("disable", async (session) => ({ user: serializeAdminUser(await disableUser(await adminActorOf(session), userId)) }));
}

export async function enableUserAction(userId: string): Promise<UserResult> {
  return userAction("enable", async (session) => ({ user: serializeAdminUser(await enableUser(await adminActorOf(session), userId)) }));
}

export async function deletionImpactAction(userId: string): Promise<ActionResult<{ activeTokens: number; totalTokens: number }>> {
  return userAction("count tokens", async () => deletionImpact(userId));
}

export async function deleteUserAction(userId: string): Promise<ActionResult<{ activeTokens: number }>> {
  return userAction("delete", async (session) => ({ activeTokens: await deleteUser(await adminActorOf(session), userId) }));
}
