"use server";

import { adminActorOf } from "@/lib/admin/guard";
import { serverActions } from "@/lib/actions/server-action";
import { ADMIN_SCOPES_PATH } from "@/lib/paths";
import { serializeScope, type ScopeResult } from "@/lib/scopes/contract";
import { createScope, editScope, getCatalogueScope, retireScope } from "@/lib/scopes/service";

// Administrators only (anyone else is told the action does not exist); the service validates every argument.
const scopeAction = serverActions({
  label: "Scope action",
  path: ADMIN_SCOPES_PATH,
  signedOut: "You are signed out. Sign in again to manage the scope catalogue.",
  notFound: "That scope is not in the catalogue.",
  adminOnly: true,
});

export async function createScopeAction(input: unknown): Promise<ScopeResult> {
  return scopeAction("create", async (session) => ({ scope: serializeScope(await createScope(await adminActorOf(session), input)) }));
}

export async function editScopeAction(name: string, input: unknown): Promise<ScopeResult> {
  return scopeAction("edit", async (session) => ({ scope: serializeScope(await editScope(await adminActorOf(session), name, input)) }));
}

/** The scope as it is now: the retire dialog's counts are read when it opens, not when the page was loaded. */
export async function readScopeAction(name: string): Promise<ScopeResult> {
  return scopeAction("read", async () => ({ scope: serializeScope(await getCatalogueScope(name)) }));
}

export async function retireScopeAction(name: string): Promise<ScopeResult> {
  return scopeAction("retire", async (session) => ({ scope: serializeScope(await retireScope(await adminActorOf(session), name)) }));
}
