import { withBearer } from "@/lib/api/handler";
import { json } from "@/lib/api/responses";
import { meView } from "@/lib/api/views";

// Every answer depends on the caller's token. Declared, not inferred: in "auto" mode Next wraps the
// request in a proxy that tracks every header read, which costs each call several per cent.
export const dynamic = "force-dynamic";

// Everything /me answers comes from verification (and so from its cache): no query per call.
// A deleted owner's tokens are deleted with them, so a verified token always has an owner.
export const GET = withBearer(null, async ({ token }) => json(meView(token)));
