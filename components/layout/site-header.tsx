import Link from "next/link";
import { ADMIN_PATH } from "@/lib/paths";
import { NotificationBell } from "./notification-bell";
import { SignOutButton } from "./sign-out-button";

/** The bar across every signed-in page: home link, Admin (for administrators), API docs, the bell with `unread` notices, who is signed in, and sign out. */
export function SiteHeader({ user, unread }: { user: { name: string; email: string; isAdmin: boolean }; unread: number }) {
  return (
    <header className="border-b border-gray-200 bg-white">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2.5 focus:shadow"
      >
        Skip to content
      </a>
      <div className="mx-auto flex max-w-7xl items-center justify-between gap-4 px-4 py-3">
        <Link href="/settings/tokens" className="inline-flex min-h-10 shrink-0 items-center text-lg font-bold tracking-tight text-brand-700">
          Tollgate
        </Link>
        <div className="flex min-w-0 items-center gap-3 text-sm sm:gap-4">
          {user.isAdmin && (
            <Link href={ADMIN_PATH} prefetch={false} className="inline-flex min-h-10 shrink-0 items-center whitespace-nowrap text-gray-700 hover:text-gray-900 hover:underline">
              Admin
            </Link>
          )}
          {/* Not prefetched: the token page is where people work, and few of them open the reference. */}
          <Link href="/docs/api" prefetch={false} className="inline-flex min-h-10 shrink-0 items-center whitespace-nowrap text-gray-700 hover:text-gray-900 hover:underline">
            API docs
          </Link>
          <NotificationBell unread={unread} />
          {/* A name may be 100 characters: it is cut to what fits, whole on hover. */}
          <span className="hidden min-w-0 truncate text-gray-700 sm:block" title={`${user.name} (${user.email})`}>
            Signed in as <span className="font-semibold text-gray-900">{user.name}</span>
          </span>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
