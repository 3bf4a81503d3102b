import type { Metadata } from "next";
import { PoliciesForm } from "@/components/admin/policies-form";
import { requireAdmin } from "@/lib/admin/guard";
import { getPolicies } from "@/lib/policies/service";
import { setPoliciesAction } from "./actions";

export const metadata: Metadata = { title: "Policies" };

export default async function PoliciesPage() {
  await requireAdmin();
  const policies = await getPolicies();
  return (
    <div className="max-w-3xl space-y-6">
      <header>
        <h1 className="text-2xl font-semibold text-gray-900">Token policies</h1>
        <p className="mt-1 text-sm text-gray-600">
          Limits every token created, edited or rotated from now on must keep, on every instance as soon as they are saved. Existing
          tokens that break a new limit keep working; the token list flags them.
        </p>
      </header>
      <PoliciesForm policies={policies} save={setPoliciesAction} />
    </div>
  );
}
