import { NextResponse, type NextRequest } from "next/server";
import { RETURN_TO_HEADER } from "@/lib/return-to";

// next-auth's session cookie: plain, or __Secure- behind https, possibly split into .0, .1, … chunks.
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?$/;

/**
 * An optimistic check only: a visitor with no session cookie at all is sent to sign in with the
 * exact page they asked for as the way back. It proves nothing about a cookie that is present;
 * every settings page verifies the session itself (requireUser in lib/session.ts).
 */
export function proxy(request: NextRequest) {
  const url = request.nextUrl.clone();
  url.searchParams.delete("_rsc"); // Next's cache-busting parameter on client navigations, not part of the page
  const returnTo = url.pathname + url.search;

  const hasSession = request.cookies.getAll().some((c) => SESSION_COOKIE.test(c.name));
  // Server actions POST to the page's URL and answer for themselves rather than being redirected.
  if (hasSession || (request.method !== "GET" && request.method !== "HEAD")) {
    const headers = new Headers(request.headers);
    headers.set(RETURN_TO_HEADER, returnTo);
    return NextResponse.next({ request: { headers } });
  }
  const signIn = request.nextUrl.clone();
  signIn.pathname = "/signin";
  signIn.search = "";
  signIn.searchParams.set("callbackUrl", returnTo);
  return NextResponse.redirect(signIn);
}

export const config = { matcher: "/settings/:path*" };
