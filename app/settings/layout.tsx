import { headers } from "next/headers";
import { SettingsNav } from "@/components/layout/settings-nav";
import { SiteHeader } from "@/components/layout/site-header";
import { RETURN_TO_HEADER } from "@/lib/return-to";
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
  return (
    <>
      <SiteHeader user={user} />
      <div className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-8 md:flex-row md:gap-10">
        <aside className="md:w-48 md:shrink-0">
          <SettingsNav />
        </aside>
        <main id="main" className="min-w-0 flex-1">
          {children}
        </main>
      </div>
    </>
  );
}
