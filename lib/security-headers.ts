/**
 * The pages' Content-Security-Policy, which proxy.ts puts on every page with a fresh nonce. The
 * headers that are the same on every answer, and the policy of data and built assets, are set by
 * server.js (securityHeadersFor); docs/security.md ("Headers") says why each.
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

/** Whether NEXTAUTH_URL, the public address, is https; a value that is no URL counts as not. */
export function publicAddressIsHttps(publicUrl: string | undefined): boolean {
  if (!publicUrl) return false;
  try {
    return new URL(publicUrl).protocol === "https:";
  } catch {
    return false;
  }
}
