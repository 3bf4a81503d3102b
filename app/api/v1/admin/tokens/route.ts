import { listAllTokens } from "@/lib/admin/token-inventory";
import { withAdmin } from "@/lib/api/handler";
import { strictQueryOf } from "@/lib/api/query";
import { json } from "@/lib/api/responses";
import { inventoryPageView } from "@/lib/api/views";
import { inventoryQuerySchema } from "@/lib/validation/admin-tokens";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

export const GET = withAdmin("admin:read", async ({ request }) =>
  json(inventoryPageView(await listAllTokens(strictQueryOf(inventoryQuerySchema, request.nextUrl.searchParams)))),
);
