import "server-only";
import { isIP } from "node:net";

/**
 * Who is calling, as far as a route handler or a server action can tell. Neither sees the socket,
 * so server.js (what `npm start` runs) decides the address from the TCP peer and TRUST_PROXY and
 * overwrites X-Forwarded-For with that one address, whatever the client sent (docs/security.md,
 * "Client addresses"). Here it is only read and normalised.
 */
export type Client = {
  /** A valid IP address, or null when the header holds something else. */
  address: string | null;
  /** What failed authentications are counted by: the address, or the raw entry when it is not an IP. */
  key: string;
  userAgent: string | null;
};

export function clientOf(headers: Headers): Client {
  // One entry behind server.js; the last one is what `next start` alone would have appended.
  const raw = (headers.get("x-forwarded-for") ?? "").split(",").at(-1)!.trim();
  const address = normalise(raw);
  return {
    address,
    key: address ?? (raw.slice(0, 64) || "unknown"),
    userAgent: headers.get("user-agent"),
  };
}

function normalise(raw: string): string | null {
  // An IPv4 client of a dual-stack socket shows up as ::ffff:a.b.c.d; one client, one key.
  const candidate = raw.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  return isIP(candidate) ? candidate.toLowerCase() : null;
}
