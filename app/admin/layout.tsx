import { AdminNav } from "@/components/layout/admin-nav";
import { SiteHeader } from "@/components/layout/site-header";
import { requireAdmin } from "@/lib/admin/guard";
import { unreadCount } from "@/lib/notifications/inbox";

/**
 * The administrators' shell: 404 for everyone else (lib/admin/guard.ts). Like the settings layout,
 * its check does not protect the pages under it; each page calls requireAdmin itself.
 */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const { user } = await requireAdmin();
  const unread = await unreadCount(user.id);
  return (
    <>
      <SiteHeader user={user} unread={unread} />
      <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 sm:py-8">
        <AdminNav />
        <main id="main" className="min-w-0">
          {children}
        </main>
      </div>
    </>
  );
}
