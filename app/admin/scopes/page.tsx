import type { Metadata } from "next";
import { requireAdmin } from "@/lib/admin/guard";
import { serializeScope, type ScopeActions } from "@/lib/scopes/contract";
import { adminScopeCatalogue } from "@/lib/scopes/service";
import { ScopeCatalogue } from "@/components/admin/scope-catalogue";
import { createScopeAction, editScopeAction, readScopeAction, retireScopeAction } from "./actions";

export const metadata: Metadata = { title: "Scopes · Administration" };

const actions: ScopeActions = { create: createScopeAction, edit: editScopeAction, read: readScopeAction, retire: retireScopeAction };

export default async function AdminScopesPage() {
  await requireAdmin();
  const scopes = await adminScopeCatalogue();
  return <ScopeCatalogue scopes={scopes.map(serializeScope)} actions={actions} />;
}
