import { NextResponse, type NextRequest } from "next/server";
import { RETURN_TO_HEADER } from "@/lib/return-to";
import { documentPolicy, isResourcePath, newNonce, publicAddressIsHttps, RESOURCE_POLICY, staticSecurityHeaders } from "@/lib/security-headers";

// next-auth's session cookie: plain, or __Secure- behind https, possibly split into .0, .1, … chunks.
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?$/;

/**
 * Runs on every request: each answer gets the security headers (lib/security-headers.ts), and each
 * page a fresh script nonce, which Next reads from the request's Content-Security-Policy header
 * and puts on its own script tags. /settings also gets the sign-in gate below.
 */
export function proxy(request: NextRequest) {
  const options = { https: publicAddressIsHttps(process.env.NEXTAUTH_URL), development: process.env.NODE_ENV === "development" };
  const { pathname } = request.nextUrl;
  let response: NextResponse;
  let policy: string;
  if (isResourcePath(pathname)) {
    policy = RESOURCE_POLICY;
    response = NextResponse.next();
  } else {
    policy = documentPolicy(newNonce(), options);
    const headers = new Headers(request.headers);
    headers.set("content-security-policy", policy);
    response = pathname === "/settings" || pathname.startsWith("/settings/") ? settingsGate(request, headers) : NextResponse.next({ request: { headers } });
  }
  response.headers.set("Content-Security-Policy", policy);
  for (const [name, value] of staticSecurityHeaders(options)) response.headers.set(name, value);
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

// Every path: built assets and Next's 404s included, so that no answer leaves without the headers.
export const config = { matcher: "/:path*" };
