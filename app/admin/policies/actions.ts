"use server";

import { adminActorOf } from "@/lib/admin/guard";
import { serverActions } from "@/lib/actions/server-action";
import type { ActionResult } from "@/lib/actions/result";
import { ADMIN_POLICIES_PATH } from "@/lib/paths";
import { setPolicies, type PoliciesChange } from "@/lib/policies/service";

export type PoliciesActionResult = ActionResult<PoliciesChange>;

const policiesAction = serverActions({
  label: "Policies action",
  path: ADMIN_POLICIES_PATH,
  signedOut: "You are signed out. Sign in again to change the policies.",
  notFound: "Not found.",
  adminOnly: true,
});

export async function setPoliciesAction(input: unknown): Promise<PoliciesActionResult> {
  return policiesAction("set policies", async (session) => setPolicies(await adminActorOf(session), input));
}
