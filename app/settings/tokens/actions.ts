"use server";

import { revalidatePath } from "next/cache";
import { ConflictError, NotFoundError, ValidationError, isDatabaseUnavailable } from "@/lib/errors";
import { currentUser } from "@/lib/session";
import { createToken, deleteToken, endOverlap, revokeToken, rotateToken, updateToken } from "@/lib/tokens/service";
import { TOKENS_PATH } from "@/components/tokens/list-href";
import { toTokenItem } from "@/components/tokens/token-item";
import type { ActionFailure, ActionResult, SecretResult, TokenResult } from "@/components/tokens/types";

/*
 * The token page's server actions. Anyone can call a server action with any arguments, so each
 * one looks up the signed-in user itself and hands the arguments, unchecked, to the token
 * service, which validates them and acts only on that user's tokens.
 */

const SIGNED_OUT: ActionFailure = { ok: false, error: "You are signed out. Sign in again to manage your tokens." };

function failure(error: unknown, action: string): ActionFailure {
  if (error instanceof ValidationError) return { ok: false, error: "Some fields need attention.", fieldErrors: error.fieldErrors };
  // Both mean the page showed something that changed elsewhere (another tab, the API): the list
  // is refreshed with the answer, so that the stale row goes or shows its new state.
  if (error instanceof NotFoundError) {
    revalidatePath(TOKENS_PATH);
    return { ok: false, error: "Token not found. It may have been deleted.", gone: true };
  }
  if (error instanceof ConflictError) {
    revalidatePath(TOKENS_PATH);
    return { ok: false, error: error.message };
  }
  if (isDatabaseUnavailable(error)) {
    console.error(`Token action "${action}": the database is unavailable:`, error);
    return { ok: false, error: "Tollgate cannot reach its database right now. Please try again in a moment." };
  }
  console.error(`Token action "${action}" failed unexpectedly:`, error);
  return { ok: false, error: "Something went wrong on our side. Please try again." };
}

export async function createTokenAction(input: unknown): Promise<SecretResult> {
  const user = await currentUser();
  if (!user) return SIGNED_OUT;
  try {
    const { token, secret } = await createToken(user.id, input);
    revalidatePath(TOKENS_PATH);
    return { ok: true, token: toTokenItem(token), secret };
  } catch (error) {
    return failure(error, "create");
  }
}

export async function updateTokenAction(guid: string, input: unknown): Promise<TokenResult> {
  const user = await currentUser();
  if (!user) return SIGNED_OUT;
  try {
    const token = await updateToken(user.id, guid, input);
    revalidatePath(TOKENS_PATH);
    return { ok: true, token: toTokenItem(token) };
  } catch (error) {
    return failure(error, "update");
  }
}

export async function revokeTokenAction(guid: string): Promise<TokenResult> {
  const user = await currentUser();
  if (!user) return SIGNED_OUT;
  try {
    const token = await revokeToken(user.id, guid);
    revalidatePath(TOKENS_PATH);
    return { ok: true, token: toTokenItem(token) };
  } catch (error) {
    return failure(error, "revoke");
  }
}

export async function rotateTokenAction(guid: string, input: unknown): Promise<SecretResult> {
  const user = await currentUser();
  if (!user) return SIGNED_OUT;
  try {
    const { token, secret } = await rotateToken(user.id, guid, input);
    revalidatePath(TOKENS_PATH);
    return { ok: true, token: toTokenItem(token), secret };
  } catch (error) {
    return failure(error, "rotate");
  }
}

export async function deleteTokenAction(guid: string): Promise<ActionResult> {
  const user = await currentUser();
  if (!user) return SIGNED_OUT;
  try {
    await deleteToken(user.id, guid);
    revalidatePath(TOKENS_PATH);
    return { ok: true };
  } catch (error) {
    return failure(error, "delete");
  }
}

export async function endOverlapAction(guid: string): Promise<TokenResult> {
  const user = await currentUser();
  if (!user) return SIGNED_OUT;
  try {
    const token = await endOverlap(user.id, guid);
    revalidatePath(TOKENS_PATH);
    return { ok: true, token: toTokenItem(token) };
  } catch (error) {
    return failure(error, "end overlap");
  }
}
