import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { SettingsNav } from "@/components/layout/settings-nav";
import { SiteHeader } from "@/components/layout/site-header";
import { unreadCount } from "@/lib/notifications/inbox";
import { tokenPageGuid } from "@/lib/paths";
import { RETURN_TO_HEADER } from "@/lib/return-to";
import { ownsToken } from "@/lib/tokens/activity";
import { requireUser } from "@/lib/session";
import { safeCallbackUrl } from "@/lib/validation/accounts";

/**
 * The signed-in shell. Its check does not protect the pages under it (they render on their own, and
 * on client navigation the layout is not run again), so every page calls requireUser itself. But
 * when the session is invalid the layout's redirect is the one that wins, so it returns to the page
 * that proxy.ts says was asked for.
 */
export default async function SettingsLayout({ children }: { children: React.ReactNode }) {
  const returnTo = safeCallbackUrl((await headers()).get(RETURN_TO_HEADER), "/settings");
  const user = await requireUser(returnTo);
  // A token page of a token that is not the reader's is a 404, and only a check above this
  // section's loading boundary can still set that status (docs/ui.md, "A token's page"). The page
  // checks again itself, for client-side navigations, where no status is sent.
  const guid = tokenPageGuid(returnTo);
  const [owned, unread] = await Promise.all([guid === null || ownsToken(user.id, guid), unreadCount(user.id)]);
  if (!owned) notFound();
  return (
    <>
      <SiteHeader user={user} unread={unread} />
      {/* Two settings pages need no sidebar: tabs on top leave the token table the full width. */}
      <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 sm:py-8">
        <SettingsNav />
        <main id="main" className="min-w-0">
          {children}
        </main>
      </div>
    </>
  );
}
