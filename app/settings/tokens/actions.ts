"use server";

import { serverActions } from "@/lib/actions/server-action";
import type { ActionResult } from "@/lib/actions/result";
import { TOKENS_PATH } from "@/lib/paths";
import { serializeToken, type SecretResult, type TokenResult } from "@/lib/tokens/contract";
import { createToken, deleteToken, endOverlap, revokeToken, rotateToken, updateToken } from "@/lib/tokens/service";

// The token service validates every argument and acts only on the signed-in person's tokens.
const tokenAction = serverActions({
  label: "Token action",
  path: TOKENS_PATH,
  signedOut: "You are signed out. Sign in again to manage your tokens.",
  notFound: "Token not found. It may have been deleted.",
});

export async function createTokenAction(input: unknown): Promise<SecretResult> {
  return tokenAction("create", async ({ user }) => {
    const { token, secret } = await createToken(user.id, input);
    return { token: serializeToken(token), secret };
  });
}

export async function updateTokenAction(guid: string, input: unknown): Promise<TokenResult> {
  return tokenAction("update", async ({ user }) => ({ token: serializeToken(await updateToken(user.id, guid, input)) }));
}

export async function revokeTokenAction(guid: string): Promise<TokenResult> {
  return tokenAction("revoke", async ({ user }) => ({ token: serializeToken(await revokeToken(user.id, guid)) }));
}

export async function rotateTokenAction(guid: string, input: unknown): Promise<SecretResult> {
  return tokenAction("rotate", async ({ user }) => {
    const { token, secret } = await rotateToken(user.id, guid, input);
    return { token: serializeToken(token), secret };
  });
}

export async function endOverlapAction(guid: string): Promise<TokenResult> {
  return tokenAction("end overlap", async ({ user }) => ({ token: serializeToken(await endOverlap(user.id, guid)) }));
}

export async function deleteTokenAction(guid: string): Promise<ActionResult> {
  return tokenAction("delete", async ({ user }) => {
    await deleteToken(user.id, guid);
    return {};
  });
}
