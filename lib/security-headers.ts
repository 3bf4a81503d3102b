/**
 * The security headers proxy.ts puts on every answer; docs/security.md ("Headers") says why each.
 * No "server-only" import: proxy.ts runs outside the React server graph.
 */

export type HeaderOptions = {
  /** NEXTAUTH_URL is https: browsers are told to keep to https, and to upgrade what a page loads. */
  https: boolean;
  /** `next dev`: React's development build needs eval to rebuild server error stacks. */
  development?: boolean;
};

/** 128 random bits for one answer's scripts: an injected script cannot guess it. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/**
 * For pages and anything else that may be rendered as HTML. Scripts run only when they carry this
 * answer's nonce, or are loaded by one that does ('strict-dynamic': Next's chunks). Styles allow
 * inline: sonner and Scalar insert <style> elements without a nonce, and every channel CSS could
 * leak through (images, fonts, connections) is limited to this origin.
 */
export function documentPolicy(nonce: string, options: HeaderOptions): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** For answers never meant to be rendered (the JSON API, built assets): nothing loads, nothing frames them. */
export const RESOURCE_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Paths whose answers are data or built files; everything else (pages, next-auth's /api/auth) may be HTML. */
export function isResourcePath(pathname: string): boolean {
  return (pathname.startsWith("/api/") && !pathname.startsWith("/api/auth/")) || pathname.startsWith("/_next/static/");
}

// Features a token service never uses, denied to the page and to anything it could embed; the
// copy buttons keep the clipboard write they need.
const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "camera=()",
  "clipboard-read=()",
  "clipboard-write=(self)",
  "display-capture=()",
  "encrypted-media=()",
  "fullscreen=()",
  "geolocation=()",
  "gyroscope=()",
  "hid=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "picture-in-picture=()",
  "publickey-credentials-get=()",
  "screen-wake-lock=()",
  "serial=()",
  "usb=()",
  "xr-spatial-tracking=()",
].join(", ");

/** Two years, the HSTS preload list's minimum; `preload` itself is the operator's commitment to make. */
export const HSTS = "max-age=63072000; includeSubDomains";

/** Every header but the Content-Security-Policy, which depends on the answer. */
export function staticSecurityHeaders(options: HeaderOptions): [string, string][] {
  return [
    ["X-Frame-Options", "DENY"],
    ["X-Content-Type-Options", "nosniff"],
    // Not no-referrer: that also blanks the Origin of same-origin POSTs, and Next refuses server actions without it.
    ["Referrer-Policy", "same-origin"],
    ["Permissions-Policy", PERMISSIONS_POLICY],
    ["Cross-Origin-Opener-Policy", "same-origin"],
    ["Cross-Origin-Resource-Policy", "same-origin"],
    ...(options.https ? ([["Strict-Transport-Security", HSTS]] as [string, string][]) : []),
  ];
}

/** Whether NEXTAUTH_URL, the public address, is https; a value that is no URL counts as not. */
export function publicAddressIsHttps(publicUrl: string | undefined): boolean {
  if (!publicUrl) return false;
  try {
    return new URL(publicUrl).protocol === "https:";
  } catch {
    return false;
  }
}
