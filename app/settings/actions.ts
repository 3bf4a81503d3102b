"use server";

import { serverActions } from "@/lib/actions/server-action";
import type { ActionResult } from "@/lib/actions/result";
import { setNotifyNewAddress } from "@/lib/notifications/settings";
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
  return accountAction("end session", async ({ actor }) => {
    await endSession(actor, sessionId);
    return {};
  });
}

export async function endOtherSessionsAction(): Promise<AccountActionResult> {
  return accountAction("end other sessions", async ({ user, sessionId, actor }) => ({ ended: await endOtherSessions(user.id, sessionId, actor) }));
}

export async function changePasswordAction(input: unknown): Promise<AccountActionResult> {
  return accountAction("change password", async ({ user, sessionId, client }) => {
    await changePasswordWithLimits(user, sessionId, input, client);
    return {};
  });
}

export async function setNotifyNewAddressAction(on: unknown): Promise<ActionResult<{ notifyNewAddress: boolean }>> {
  return accountAction("change notification settings", async ({ actor }) => setNotifyNewAddress(actor, on));
}
