"use client";

import { useRef, useState } from "react";
import { toast } from "sonner";
import { ADMIN_USERS_PATH } from "@/lib/paths";
import { DEFAULT_USER_LIST_QUERY, USER_SEARCH_MAX, userListSearch, type AdminUser, type AdminUserActions, type UserListQuery } from "@/lib/validation/admin-users";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClasses } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { LocalTime, RelativeTime } from "@/components/ui/local-time";
import { ScopeBadges } from "@/components/ui/scope-badges";
import { callAction } from "@/components/tokens/call-action";
import { inputClasses } from "@/components/tokens/field-styles";
import { ListBusy, ListLink, ListLoadingStatus, ListNavigation, useListNavigation } from "@/components/tokens/list-navigation";
import { PageLinks } from "@/components/tokens/pagination";
import { DeleteUserDialog } from "./delete-user-dialog";
import { UserScopesDialog, type GrantableScope } from "./user-scopes-dialog";

export type UsersViewProps = {
  users: AdminUser[];
  total: number;
  pageCount: number;
  query: UserListQuery;
  scopes: GrantableScope[];
  /** The administrator looking: their own account cannot be disabled or deleted here. */
  currentUserId: string;
  actions: AdminUserActions;
};

type Kind = "scopes" | "disable" | "delete";

const hrefOf = (query: UserListQuery, change: Partial<UserListQuery>) => {
  const search = userListSearch(query, change);
  return search ? `${ADMIN_USERS_PATH}?${search}` : ADMIN_USERS_PATH;
};
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const SEARCH_ID = "user-search";

/**
 * The administrators' user list: search, a page of users, and one dialog of each kind (the rows
 * only say which user to act on). Focus returns to the row's button, or to the search box when
 * the row is gone.
 */
export function UsersView({ users, total, pageCount, query, scopes, currentUserId, actions }: UsersViewProps) {
  const [opened, setOpened] = useState<Kind | null>(null);
  // Kept while a dialog closes (and after its user is deleted), so it can finish and return focus.
  const [target, setTarget] = useState<AdminUser | null>(null);
  const first = (query.page - 1) * query.perPage + 1;
  const last = first + users.length - 1;
  // The dialog's user follows the refreshed list (a grant elsewhere shows at once).
  const current = target && (users.find((u) => u.id === target.id) ?? target);
  const open = (kind: Kind, user: AdminUser) => {
    setTarget(user);
    setOpened(kind);
  };
  const openChange = (kind: Kind) => (next: boolean) => setOpened(next ? kind : null);

  async function setDisabled(user: AdminUser, disable: boolean): Promise<boolean> {
    const result = await callAction(() => (disable ? actions.disable(user.id) : actions.enable(user.id)));
    if (result.ok) toast.success(disable ? `Disabled ${user.email}. They are signed out and their tokens stop working.` : `Re-enabled ${user.email}.`);
    else toast.error(result.error);
    return result.ok;
  }

  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold text-gray-900">Users</h1>
        <p className="mt-1 max-w-2xl text-sm text-gray-600">
          Everyone with an account: the scopes they hold, their tokens and when they last signed in. Grant and withdraw scopes, disable or
          delete an account.
        </p>
      </header>
      <ListNavigation>
        <SearchForm query={query} />
        <div className="flex flex-wrap items-center gap-x-3">
          <p className="text-sm text-gray-700" aria-live="polite">
            {users.length ? `Showing ${first}–${last} of ${plural(total, "user")}` : plural(total, "user")}
          </p>
          <ListLoadingStatus />
        </div>
        <ListBusy className="mt-3 space-y-3">
          {users.length ? (
            <>
              <UserTable users={users} currentUserId={currentUserId} open={open} enable={(user) => void setDisabled(user, false)} />
              <PageLinks page={query.page} pageCount={pageCount} hrefOf={(page) => hrefOf(query, { page })} />
            </>
          ) : (
            <div className="rounded-lg border border-gray-200 bg-white px-6 py-10 text-center text-sm text-gray-700">
              {total === 0 ? (
                <p className="font-medium text-gray-900">No user matches “{query.q}”.</p>
              ) : (
                <p>
                  <span className="font-medium text-gray-900">This page is past the end of the list. </span>
                  <ListLink href={hrefOf(query, { page: 1 })} className="font-medium text-brand-700 underline underline-offset-2">
                    Go to the first page
                  </ListLink>
                </p>
              )}
            </div>
          )}
        </ListBusy>
      </ListNavigation>

      <UserScopesDialog
        open={opened === "scopes"}
        onOpenChange={openChange("scopes")}
        user={current}
        scopes={scopes}
        actions={actions}
      />
      <ConfirmDialog
        open={opened === "disable"}
        onOpenChange={openChange("disable")}
        title={`Disable ${current?.name ?? ""}?`}
        description={
          current ? (
            <p>
              {current.email} is signed out and their {plural(current.tokens.active, "active token")} stop working until the account is
              re-enabled. They cannot sign in meanwhile.
            </p>
          ) : null
        }
        confirmLabel="Disable account"
        pendingLabel="Disabling…"
        onConfirm={() => (current ? setDisabled(current, true) : Promise.resolve(false))}
        returnFocusTo={() => (current ? document.getElementById(enableButtonId(current.id)) : null)}
      />
      <DeleteUserDialog
        open={opened === "delete"}
        onOpenChange={openChange("delete")}
        user={current}
        actions={actions}
        focusAfterDelete={() => document.getElementById(SEARCH_ID)}
      />
    </div>
  );
}

/** A GET form: the URL holds the view (?q=&page=), so it can be bookmarked and works before the page hydrates. */
function SearchForm({ query }: { query: UserListQuery }) {
  const navigation = useListNavigation();
  const input = useRef<HTMLInputElement>(null);
  return (
    <form
      role="search"
      method="get"
      action={ADMIN_USERS_PATH}
      className="mb-3 flex flex-col gap-2 sm:flex-row sm:items-end"
      onSubmit={(event) => {
        if (!navigation) return;
        event.preventDefault();
        navigation.navigate(hrefOf(query, { q: input.current?.value.trim() ?? "", page: 1 }));
      }}
    >
      <div className="flex-1 sm:max-w-md">
        <label htmlFor={SEARCH_ID} className="block text-sm font-medium text-gray-800">
          Search by email or name
        </label>
        <input
          ref={input}
          id={SEARCH_ID}
          name="q"
          type="search"
          defaultValue={query.q}
          maxLength={USER_SEARCH_MAX}
          placeholder="e.g. ada or @example.com"
          className={`${inputClasses(undefined)} mt-1`}
        />
      </div>
      {query.perPage !== DEFAULT_USER_LIST_QUERY.perPage ? <input type="hidden" name="perPage" value={query.perPage} /> : null}
      <div className="flex gap-2">
        <Button type="submit" variant="primary">
          Search
        </Button>
        {query.q ? (
          <ListLink href={hrefOf(query, { q: "", page: 1 })} className={buttonClasses("secondary")}>
            Clear
          </ListLink>
        ) : null}
      </div>
    </form>
  );
}

export const scopesButtonId = (id: string) => `user-${id}-scopes`;
export const enableButtonId = (id: string) => `user-${id}-enable`;

const th = "px-3 py-2.5 text-left text-xs font-semibold tracking-wide text-gray-700 uppercase max-lg:sr-only";
const td = "px-3 py-2 align-top max-lg:flex max-lg:gap-3 max-lg:px-0 max-lg:py-1 max-lg:before:w-28 max-lg:before:shrink-0 max-lg:before:text-xs max-lg:before:font-medium max-lg:before:text-gray-600 max-lg:before:content-[attr(data-label)]";

function UserTable({
  users,
  currentUserId,
  open,
  enable,
}: {
  users: AdminUser[];
  currentUserId: string;
  open: (kind: "scopes" | "disable" | "delete", user: AdminUser) => void;
  enable: (user: AdminUser) => void;
}) {
  return (
    <div className="lg:rounded-lg lg:border lg:border-gray-200 lg:bg-white lg:shadow-sm">
      {/* Explicit roles keep the table's structure for screen readers where CSS makes the rows cards. */}
      <table role="table" className="block w-full text-sm lg:table lg:divide-y lg:divide-gray-200">
        <caption className="sr-only">Users</caption>
        <thead role="rowgroup" className="block lg:table-header-group lg:bg-gray-50">
          <tr role="row" className="block lg:table-row">
            <th role="columnheader" scope="col" className={th}>
              User
            </th>
            <th role="columnheader" scope="col" className={th}>
              Status
            </th>
            <th role="columnheader" scope="col" className={th}>
              Scopes
            </th>
            <th role="columnheader" scope="col" className={th}>
              Tokens
            </th>
            <th role="columnheader" scope="col" className={th}>
              Last sign-in
            </th>
            <th role="columnheader" scope="col" className={th}>
              Created
            </th>
            <th role="columnheader" scope="col" className={th}>
              Actions
            </th>
          </tr>
        </thead>
        <tbody role="rowgroup" className="block space-y-3 lg:table-row-group lg:space-y-0 lg:divide-y lg:divide-gray-200">
          {users.map((user) => {
            const self = user.id === currentUserId;
            return (
              <tr key={user.id} role="row" className="block rounded-lg border border-gray-200 bg-white p-3 shadow-sm lg:table-row lg:rounded-none lg:border-0 lg:p-0 lg:shadow-none">
                <th role="rowheader" scope="row" className="block px-3 py-2 text-left align-top font-normal max-lg:px-0 lg:table-cell">
                  <span className="font-medium wrap-anywhere text-gray-900">{user.name}</span>
                  {user.isAdmin ? (
                    <Badge tone="blue" className="ml-2">
                      Administrator
                    </Badge>
                  ) : null}
                  {self ? <span className="ml-1 text-xs text-gray-600">(you)</span> : null}
                  <p className="text-xs wrap-anywhere text-gray-700">{user.email}</p>
                </th>
                <td role="cell" data-label="Status" className={td}>
                  {user.disabledAt ? <Badge tone="red">Disabled</Badge> : <Badge tone="green">Active</Badge>}
                </td>
                <td role="cell" data-label="Scopes" className={td}>
                  {user.scopes.length ? (
                    <ScopeBadges scopes={user.scopes} />
                  ) : (
                    <span className="text-gray-600">None</span>
                  )}
                </td>
                <td role="cell" data-label="Tokens" className={`${td} whitespace-nowrap text-gray-800`}>
                  {user.tokens.active} active, {user.tokens.inactive} inactive
                </td>
                <td role="cell" data-label="Last sign-in" className={`${td} text-gray-800`}>
                  {user.lastSignInAt ? <RelativeTime iso={user.lastSignInAt} /> : <span className="text-gray-600">Never</span>}
                </td>
                <td role="cell" data-label="Created" className={`${td} text-gray-800`}>
                  <LocalTime iso={user.createdAt} dateOnly />
                </td>
                <td role="cell" className="block px-3 py-2 align-top max-lg:px-0 max-lg:pt-2 lg:table-cell">
                  <div className="flex flex-wrap gap-1.5">
                    <Button id={scopesButtonId(user.id)} size="sm" onClick={() => open("scopes", user)} aria-label={`Scopes of ${user.email}`}>
                      Scopes
                    </Button>
                    {user.disabledAt ? (
                      <Button id={enableButtonId(user.id)} size="sm" onClick={() => enable(user)} aria-label={`Re-enable ${user.email}`}>
                        Re-enable
                      </Button>
                    ) : (
                      <Button
                        id={enableButtonId(user.id)}
                        size="sm"
                        disabled={self}
                        title={self ? "You cannot disable your own account: use another administrator's account." : undefined}
                        onClick={() => open("disable", user)}
                        aria-label={`Disable ${user.email}`}
                      >
                        Disable
                      </Button>
                    )}
                    <Button
                      size="sm"
                      variant="danger"
                      disabled={self}
                      title={self ? "You cannot delete your own account: use another administrator's account." : undefined}
                      onClick={() => open("delete", user)}
                      aria-label={`Delete ${user.email}`}
                    >
                      Delete
                    </Button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
