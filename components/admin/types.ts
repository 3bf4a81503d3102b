// Declared beside the actions that produce them; re-exported for the components' imports.
export type { PoliciesActionResult } from "@/app/admin/policies/actions";
export type { Policies } from "@/lib/policies/rules";
