"use server";

import { headers } from "next/headers";
import { serverActions } from "@/lib/actions/server-action";
import type { ActionResult } from "@/lib/actions/result";
import { clientOf } from "@/lib/client";
import { ACCOUNT_PATH } from "@/lib/paths";
import { endOtherSessions, endSession } from "@/lib/sessions/service";
import { changePasswordWithLimits } from "@/lib/users/attempt-limits";

// Each acts only on the caller's own sessions and password.
export type AccountActionResult = ActionResult<{ ended?: number }>;

/** The session actions as the sessions list receives them (props, so tests can pass their own). */
export type SessionActions = {
  end: (sessionId: string) => Promise<AccountActionResult>;
  endOthers: () => Promise<AccountActionResult>;
};

const accountAction = serverActions({
  label: "Account action",
  path: ACCOUNT_PATH,
  signedOut: "You are signed out. Sign in again to manage your account.",
  notFound: "That session has already ended.",
});

export async function endSessionAction(sessionId: unknown): Promise<AccountActionResult> {
  return accountAction("end session", async (session) => {
    await endSession(session.user.id, sessionId);
    return {};
  });
}

export async function endOtherSessionsAction(): Promise<AccountActionResult> {
  return accountAction("end other sessions", async (session) => ({ ended: await endOtherSessions(session.user.id, session.sessionId) }));
}

export async function changePasswordAction(input: unknown): Promise<AccountActionResult> {
  return accountAction("change password", async (session) => {
    const client = clientOf(await headers());
    await changePasswordWithLimits(session.user, session.sessionId, input, client.key);
    return {};
  });
}
