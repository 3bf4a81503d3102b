import { withAdmin } from "@/lib/api/handler";
import { strictQueryOf } from "@/lib/api/query";
import { json } from "@/lib/api/responses";
import { listUsers } from "@/lib/admin/users";
import { serializeAdminUser, userListQuerySchema } from "@/lib/validation/admin-users";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

export const GET = withAdmin("admin:read", async ({ request }) => {
  const page = await listUsers(strictQueryOf(userListQuerySchema, request.nextUrl.searchParams));
  return json({ ...page, users: page.users.map(serializeAdminUser) });
});
