import type { Metadata } from "next";
import { requireAdmin } from "@/lib/admin/guard";
import { listUsers } from "@/lib/admin/users";
import { isAdminOnlyScope } from "@/lib/scopes/built-in";
import { scopeCatalogue } from "@/lib/scopes/service";
import { serializeAdminUser, userListQueryFromSearchParams, type AdminUserActions } from "@/lib/validation/admin-users";
import { UsersView } from "@/components/admin/users-view";
import { deleteUserAction, deletionImpactAction, disableUserAction, enableUserAction, grantScopeAction, withdrawScopeAction } from "./actions";

export const metadata: Metadata = { title: "Users" };

const actions: AdminUserActions = {
  grant: grantScopeAction,
  withdraw: withdrawScopeAction,
  disable: disableUserAction,
  enable: enableUserAction,
  impact: deletionImpactAction,
  remove: deleteUserAction,
};

export default async function AdminUsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user } = await requireAdmin();
  const query = userListQueryFromSearchParams(await searchParams);
  const [page, catalogue] = await Promise.all([listUsers(query), scopeCatalogue()]);
  // A retired scope can no longer be granted (its field exists once the catalogue offers retiring).
  const grantable = catalogue
    .filter((scope) => !(scope as { retiredAt?: Date | null }).retiredAt)
    .map(({ name, description }) => ({ name, description, adminOnly: isAdminOnlyScope(name) }));
  return (
    <UsersView
      users={page.users.map(serializeAdminUser)}
      total={page.total}
      pageCount={page.pageCount}
      query={query}
      scopes={grantable}
      currentUserId={user.id}
      actions={actions}
    />
  );
}
