"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { clientOf } from "@/lib/client";
import { NotFoundError, TooManyAttemptsError, ValidationError, isDatabaseUnavailable, type FieldErrors } from "@/lib/errors";
import { currentSession } from "@/lib/session";
import { endOtherSessions, endSession } from "@/lib/sessions/service";
import { changePasswordWithLimits } from "@/lib/users/attempt-limits";

/*
 * The account page's server actions. Each one checks the caller's live session itself (anyone can
 * call a server action with any arguments) and acts only on that person's sessions and password.
 */

export type AccountActionResult = { ok: true; ended?: number } | { ok: false; error: string; fieldErrors?: FieldErrors; gone?: boolean };

const SIGNED_OUT: AccountActionResult = { ok: false, error: "You are signed out. Sign in again to manage your account." };
const ACCOUNT_PATH = "/settings";

function failure(error: unknown, action: string): AccountActionResult {
  if (error instanceof ValidationError) return { ok: false, error: "Some fields need attention.", fieldErrors: error.fieldErrors };
  if (error instanceof TooManyAttemptsError) return { ok: false, error: error.message };
  if (error instanceof NotFoundError) {
    revalidatePath(ACCOUNT_PATH);
    return { ok: false, error: "That session has already ended.", gone: true };
  }
  if (isDatabaseUnavailable(error)) {
    console.error(`Account action "${action}": the database is unavailable:`, error);
    return { ok: false, error: "Tollgate cannot reach its database right now. Please try again in a moment." };
  }
  console.error(`Account action "${action}" failed unexpectedly:`, error);
  return { ok: false, error: "Something went wrong on our side. Please try again." };
}

export async function endSessionAction(sessionId: unknown): Promise<AccountActionResult> {
  const session = await currentSession();
  if (!session) return SIGNED_OUT;
  try {
    await endSession(session.user.id, sessionId);
    revalidatePath(ACCOUNT_PATH);
    return { ok: true };
  } catch (error) {
    return failure(error, "end session");
  }
}

export async function endOtherSessionsAction(): Promise<AccountActionResult> {
  const session = await currentSession();
  if (!session) return SIGNED_OUT;
  try {
    const ended = await endOtherSessions(session.user.id, session.sessionId);
    revalidatePath(ACCOUNT_PATH);
    return { ok: true, ended };
  } catch (error) {
    return failure(error, "end other sessions");
  }
}

export async function changePasswordAction(input: unknown): Promise<AccountActionResult> {
  const session = await currentSession();
  if (!session) return SIGNED_OUT;
  try {
    const client = clientOf(await headers());
    await changePasswordWithLimits(session.user, session.sessionId, input, client.key);
    revalidatePath(ACCOUNT_PATH);
    return { ok: true };
  } catch (error) {
    return failure(error, "change password");
  }
}
