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
  return tokenAction("create", async ({ actor }) => {
    const { token, secret } = await createToken(actor, input);
    return { token: serializeToken(token), secret };
  });
}

export async function updateTokenAction(guid: string, input: unknown): Promise<TokenResult> {
  return tokenAction("update", async ({ actor }) => ({ token: serializeToken(await updateToken(actor, guid, input)) }));
}

export async function revokeTokenAction(guid: string): Promise<TokenResult> {
  return tokenAction("revoke", async ({ actor }) => ({ token: serializeToken(await revokeToken(actor, guid)) }));
}

export async function rotateTokenAction(guid: string, input: unknown): Promise<SecretResult> {
  return tokenAction("rotate", async ({ actor }) => {
    const { token, secret } = await rotateToken(actor, guid, input);
    return { token: serializeToken(token), secret };
  });
}

export async function endOverlapAction(guid: string): Promise<TokenResult> {
  return tokenAction("end overlap", async ({ actor }) => ({ token: serializeToken(await endOverlap(actor, guid)) }));
}

export async function deleteTokenAction(guid: string): Promise<ActionResult> {
  return tokenAction("delete", async ({ actor }) => {
    await deleteToken(actor, guid);
    return {};
  });
}
