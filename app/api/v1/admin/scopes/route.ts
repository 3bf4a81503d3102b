import { readJsonObject } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { serializeScope } from "@/lib/scopes/contract";
import { adminScopeCatalogue, createScope } from "@/lib/scopes/service";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

export const GET = withAdmin("admin:read", async () => json({ scopes: (await adminScopeCatalogue()).map(serializeScope) }));

export const POST = withAdmin("admin:write", async ({ request, admin }) => {
  const scope = await createScope(admin, await readJsonObject(request));
  return json(serializeScope(scope), { status: 201, headers: { Location: `/api/v1/admin/scopes/${scope.name}` } });
});
