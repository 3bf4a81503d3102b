/**
 * The home page is the token list. A route, not a page: a page would now render per request
 * (see app/layout.tsx) behind the root loading state, and answer 200 with a client-side redirect
 * instead of this plain 307.
 */
export function GET(): Response {
  return new Response(null, { status: 307, headers: { Location: "/settings/tokens" } });
}
