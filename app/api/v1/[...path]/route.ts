import { ApiError, errorResponse } from "@/lib/api/responses";

// Answers depend on the caller's token: dynamic declared, not inferred (why: app/api/v1/me/route.ts).
export const dynamic = "force-dynamic";

/**
 * Any /api/v1 path that no route handles: a 404 in the API's error shape rather than Next's HTML
 * page, so that a client with a typo in its URL gets an answer it can parse. (A known path with a
 * method it does not offer still gets Next's 405: the more specific route matches first.)
 */
function notFound(request: Request): Response {
  const { pathname } = new URL(request.url);
  return errorResponse(new ApiError("not_found", `There is no API route ${request.method} ${pathname}. The routes are listed at /docs/api.`));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
