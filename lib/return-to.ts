/**
 * Request header that proxy.ts sets on every /settings request: the path and query asked for. The
 * settings layout cannot otherwise know which page it wraps, and when a session cookie turns out to
 * be invalid its redirect to sign in must come back to that page, not to /settings.
 */
export const RETURN_TO_HEADER = "x-tollgate-return-to";
