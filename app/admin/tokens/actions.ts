"use server";

import { adminActorOf } from "@/lib/admin/guard";
import { serverActions } from "@/lib/actions/server-action";
import { ADMIN_TOKENS_PATH } from "@/lib/paths";
import { serializeToken, type TokenResult } from "@/lib/tokens/contract";
import { revokeTokenAsAdmin } from "@/lib/tokens/service";

// Answers anyone but an administrator "Not found." (adminOnly); the service validates the reason.
const inventoryAction = serverActions({
  label: "Token inventory action",
  path: ADMIN_TOKENS_PATH,
  signedOut: "You are signed out. Sign in again to manage tokens.",
  notFound: "Token not found. It may have been deleted.",
  adminOnly: true,
});

export async function revokeTokenAsAdminAction(guid: string, input: unknown): Promise<TokenResult> {
  return inventoryAction("revoke", async (session) => ({
    token: serializeToken(await revokeTokenAsAdmin(await adminActorOf(session), String(guid), input)),
  }));
}
