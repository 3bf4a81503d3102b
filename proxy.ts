import { NextResponse, type NextRequest } from "next/server";
import { RETURN_TO_HEADER } from "@/lib/return-to";
import { documentPolicy, newNonce, publicAddressIsHttps } from "@/lib/security-headers";

// next-auth's session cookie: plain, or __Secure- behind https, possibly split into .0, .1, … chunks.
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?$/;

/**
 * Runs for every page (not for data or built assets: see the matcher): a fresh script nonce per
 * answer, in a Content-Security-Policy that Next reads from the request and puts on its own script
 * tags. The headers every answer shares are server.js's. /settings also gets the sign-in gate below.
 */
export function proxy(request: NextRequest) {
  const policy = documentPolicy(newNonce(), { https: publicAddressIsHttps(process.env.NEXTAUTH_URL), development: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const { pathname } = request.nextUrl;
  const response = pathname === "/settings" || pathname.startsWith("/settings/") ? settingsGate(request, headers) : NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

/**
 * An optimistic check only: a visitor with no session cookie at all is sent to sign in with the
 * exact page they asked for as the way back. It proves nothing about a cookie that is present;
 * every settings page verifies the session itself (requireUser in lib/session.ts).
 */
function settingsGate(request: NextRequest, headers: Headers): NextResponse {
  const url = request.nextUrl.clone();
  url.searchParams.delete("_rsc"); // Next's cache-busting parameter on client navigations, not part of the page
  const returnTo = url.pathname + url.search;

  const hasSession = request.cookies.getAll().some((c) => SESSION_COOKIE.test(c.name));
  // Server actions POST to the page's URL and answer for themselves rather than being redirected.
  if (hasSession || (request.method !== "GET" && request.method !== "HEAD")) {
    headers.set(RETURN_TO_HEADER, returnTo);
    return NextResponse.next({ request: { headers } });
  }
  const signIn = request.nextUrl.clone();
  signIn.pathname = "/signin";
  signIn.search = "";
  signIn.searchParams.set("callbackUrl", returnTo);
  return NextResponse.redirect(signIn);
}

// Every path but those server.js's isResourcePath gives the deny-all policy: /api/* except
// /api/auth/*, and /_next/static/*. tests/api/security-headers.test.ts holds the two together.
export const config = { matcher: "/((?!_next/static/|api/(?!auth/)).*)" };
