import { readJsonObject } from "@/lib/api/body";
import { withAdmin } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { policiesChangeView } from "@/lib/api/views";
import { getPolicies, setPolicies } from "@/lib/policies/service";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

export const GET = withAdmin("admin:read", async () => json(await getPolicies()));

export const PATCH = withAdmin("admin:write", async ({ request, admin }) => json(policiesChangeView(await setPolicies(admin, await readJsonObject(request)))));
