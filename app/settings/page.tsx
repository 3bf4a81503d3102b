import type { Metadata } from "next";
import Link from "next/link";
import { ChangePasswordForm } from "@/components/account/change-password-form";
import { NotificationSettings } from "@/components/account/notification-settings";
import { SessionsList } from "@/components/account/sessions-list";
import { scopesHeldBy } from "@/lib/scopes/service";
import { requireSession } from "@/lib/session";
import { listSessions } from "@/lib/sessions/service";
import { hasPassword } from "@/lib/users/service";
import { notificationSettings } from "@/lib/notifications/settings";
import { ACCOUNT_PATH, NOTIFICATIONS_PATH } from "@/lib/paths";
import { changePasswordAction, endOtherSessionsAction, endSessionAction, setNotifyNewAddressAction, type SessionActions } from "./actions";

export const metadata: Metadata = { title: "Account" };

const sessionActions: SessionActions = { end: endSessionAction, endOthers: endOtherSessionsAction };

export default async function AccountPage() {
  const { user, sessionId } = await requireSession(ACCOUNT_PATH);
  const [scopes, sessions, passwordSet, notices] = await Promise.all([
    scopesHeldBy(user.id),
    listSessions(user.id, sessionId),
    hasPassword(user.id),
    notificationSettings(user.id),
  ]);

  return (
    <div className="max-w-3xl space-y-8">
      <h1 className="text-2xl font-semibold">Account</h1>

      <section aria-labelledby="profile-heading" className="rounded-lg border border-gray-200 bg-white p-6">
        <h2 id="profile-heading" className="mb-4 text-lg font-semibold">
          Profile
        </h2>
        <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-[8rem_1fr]">
          <dt className="font-medium text-gray-600">Name</dt>
          <dd>{user.name}</dd>
          <dt className="font-medium text-gray-600">Email</dt>
          <dd>{user.email}</dd>
          {user.isAdmin ? (
            <>
              <dt className="font-medium text-gray-600">Role</dt>
              <dd>Administrator</dd>
            </>
          ) : null}
        </dl>
      </section>

      <section aria-labelledby="scopes-heading" className="rounded-lg border border-gray-200 bg-white p-6">
        <h2 id="scopes-heading" className="mb-1 text-lg font-semibold">
          Your scopes
        </h2>
        <p className="mb-4 text-sm text-gray-600">
          Your tokens can carry only these permissions. If one is withdrawn, your tokens lose it at once.
        </p>
        {scopes.length ? (
          <ul className="divide-y divide-gray-100 text-sm">
            {scopes.map((scope) => (
              <li key={scope.name} className="flex flex-col gap-1 py-2 sm:flex-row sm:gap-4">
                <code className="font-mono text-gray-900 sm:w-44 sm:shrink-0">{scope.name}</code>
                <span className="text-gray-700">{scope.description}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-gray-700">
            You hold no scopes yet, so you cannot create tokens. Ask an administrator to grant you some.
          </p>
        )}
      </section>

      <SessionsList
        sessions={sessions.map((s) => ({ ...s, signedInAt: s.signedInAt.toISOString(), lastSeenAt: s.lastSeenAt.toISOString() }))}
        actions={sessionActions}
      />

      <section aria-labelledby="notifications-heading" className="rounded-lg border border-gray-200 bg-white p-6">
        <h2 id="notifications-heading" className="mb-1 text-lg font-semibold">
          Notifications
        </h2>
        <p className="mb-4 text-sm text-gray-600">
          What Tollgate tells you appears on your{" "}
          <Link href={NOTIFICATIONS_PATH} className="font-medium text-brand-700 underline underline-offset-2">
            notifications page
          </Link>{" "}
          and is mailed to {user.email}.
        </p>
        <NotificationSettings notifyNewAddress={notices.notifyNewAddress} save={setNotifyNewAddressAction} />
      </section>

      <section aria-labelledby="password-heading" className="rounded-lg border border-gray-200 bg-white p-6">
        <h2 id="password-heading" className="mb-1 text-lg font-semibold">
          Password
        </h2>
        {passwordSet ? (
          <>
            <p className="mb-4 text-sm text-gray-600">Changing your password signs out every other session.</p>
            <ChangePasswordForm changePassword={changePasswordAction} />
          </>
        ) : (
          <p className="text-sm text-gray-700">
            Your account has no password: you sign in with GitHub or GitLab, and your sessions end when you sign out here.
          </p>
        )}
      </section>

      <p>
        <Link
          href="/settings/tokens"
          className="inline-flex items-center rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
        >
          Manage API tokens
        </Link>
      </p>
    </div>
  );
}
