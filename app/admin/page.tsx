import { redirect } from "next/navigation";
import { requireAdmin } from "@/lib/admin/guard";
import { ADMIN_USERS_PATH } from "@/lib/paths";

/** The admin area opens on its users. */
export default async function AdminPage() {
  await requireAdmin();
  redirect(ADMIN_USERS_PATH);
}
