import { withAdmin } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { deleteUser, getUser } from "@/lib/admin/users";
import { serializeAdminUser } from "@/lib/validation/admin-users";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

type Params = { id: string };

export const GET = withAdmin<Params>("admin:read", async ({ params }) => json(serializeAdminUser(await getUser(params.id))));

export const DELETE = withAdmin<Params>("admin:write", async ({ admin, params }) => {
  await deleteUser(admin, params.id);
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
