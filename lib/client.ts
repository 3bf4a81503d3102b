import "server-only";
import { isIP } from "node:net";

/**
 * Who is calling, as far as a route handler or a server action can tell. Neither sees the socket:
 * `next start` copies the peer address into X-Forwarded-For, but only when the request arrived
 * without one (node_modules/next/dist/server/base-server.js: `req.headers['x-forwarded-for'] ??=
 * socket.remoteAddress`); it leaves X-Real-IP alone. So:
 *
 * - TRUST_PROXY=0 (clients connect to `next start` directly): the last X-Forwarded-For entry is
 *   the peer address. A client that sends its own X-Forwarded-For is believed, which is why an
 *   instance reachable from the internet belongs behind a proxy.
 * - TRUST_PROXY=N (N proxies in front, each appending the address it received the request
 *   from, as nginx's `$proxy_add_x_forwarded_for`, AWS ALB and Google's load balancers do): the
 *   N-th entry from the right is the address the outermost proxy saw; everything left of it may
 *   have been written by the client and is ignored.
 */
export type Client = {
  /** A valid IP address, or null when the header holds something else. */
  address: string | null;
  /** What failed authentications are counted by: the address, or the raw entry when it is not an IP. */
  key: string;
  userAgent: string | null;
};

export function clientOf(headers: Headers, trustProxy: number): Client {
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const index = Math.max(0, entries.length - Math.max(1, trustProxy));
  const raw = entries[index] ?? "";
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
