/**
 * Tollgate's HTTP server: Next's request handler behind a thin layer that decides the client
 * address, refuses in the API's error shape what Next would answer with a 500 or a bare 405, and
 * sets the fixed security headers (docs/architecture.md, "server.js"; docs/security.md).
 * Plain CommonJS, so `node server.js` needs no build step. Its statuses follow lib/api/schemas.ts's ERROR_STATUS.
 * Usage: node server.js [--dev] [-p PORT] [-H HOSTNAME]   (PORT defaults to $PORT, then 3000)
 */
"use strict";

const http = require("node:http");
const path = require("node:path");

/** Every method a route may offer; Next answers anything else (TRACE, …) with a 400 or a 500. */
const NEXT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]);

/**
 * The API routes and the methods each exports (app/api/**\/route.ts); Next adds HEAD to GET and
 * answers OPTIONS itself. tests/api/server-entry.test.ts checks this against every route file and
 * against Next's own OPTIONS answers, so the table cannot drift from app/.
 */
const API_ROUTES = [
  [/^\/api\/auth\/.+$/, ["GET", "POST"]],
  [/^\/api\/health$/, ["GET"]],
  [/^\/api\/health\/ready$/, ["GET"]],
  [/^\/api\/metrics$/, ["GET"]],
  [/^\/api\/openapi\.json$/, ["GET"]],
  [/^\/api\/v1\/admin\/policies$/, ["GET", "PATCH"]],
  [/^\/api\/v1\/introspect$/, ["POST"]],
  [/^\/api\/v1\/introspect\/changes$/, ["GET"]],
  [/^\/api\/v1\/me$/, ["GET"]],
  [/^\/api\/v1\/audit-events$/, ["GET"]],
  [/^\/api\/v1\/credentials\/revoke$/, ["POST"]],
  [/^\/api\/v1\/tokens$/, ["GET", "POST"]],
  [/^\/api\/v1\/tokens\/[^/]+$/, ["GET", "PATCH", "DELETE"]],
  [/^\/api\/v1\/tokens\/[^/]+\/(revoke|rotate|end-overlap)$/, ["POST"]],
  [/^\/api\/v1\/tokens\/[^/]+\/usage$/, ["GET"]],
  [/^\/api\/v1\/admin\/scopes$/, ["GET", "POST"]],
  [/^\/api\/v1\/admin\/scopes\/[^/]+$/, ["PATCH"]],
  [/^\/api\/v1\/admin\/scopes\/[^/]+\/retire$/, ["POST"]],
  [/^\/api\/v1\/admin\/users$/, ["GET"]],
  [/^\/api\/v1\/admin\/users\/[^/]+$/, ["GET", "DELETE"]],
  [/^\/api\/v1\/admin\/users\/[^/]+\/(disable|enable)$/, ["POST"]],
  [/^\/api\/v1\/admin\/users\/[^/]+\/scopes\/[^/]+$/, ["PUT", "DELETE"]],
  [/^\/api\/v1\/admin\/tokens$/, ["GET"]],
  [/^\/api\/v1\/admin\/tokens\/[^/]+\/revoke$/, ["POST"]],
  [/^\/api\/v1\/admin\/tokens\/[^/]+\/usage$/, ["GET"]],
];

/**
 * Pages answer GET and HEAD; POST carries their server actions (with or without JavaScript),
 * except on pages and routes prerendered at build time, which Next serves as files (GET, HEAD).
 */
const PAGE_METHODS = ["GET", "HEAD", "POST"];
const STATIC_PAGE_METHODS = ["GET", "HEAD"];

/** The Allow list for a path: an API route's methods, the page methods, or null for an unknown API path. */
function allowedMethods(pathname, staticPages = new Set()) {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  if (staticPages.has(path)) return STATIC_PAGE_METHODS; // served from the build, OPTIONS included
  for (const [pattern, methods] of API_ROUTES) {
    if (pattern.test(path)) return [...methods, ...(methods.includes("GET") ? ["HEAD"] : []), "OPTIONS"].sort();
  }
  // Unknown /api/v1 paths are answered 404 by app/api/v1/[...path]/route.ts.
  if (path.startsWith("/api/v1/") || path === "/api/v1") return null;
  return PAGE_METHODS;
}

/** The paths `next build` prerendered (none in development, where every page renders on demand). */
function staticPagesOf(dir, dev) {
  if (dev) return new Set();
  const manifest = require(path.join(dir, ".next", "prerender-manifest.json"));
  return new Set(Object.keys(manifest.routes));
}

/**
 * The client's address. The chain is the X-Forwarded-For entries the request arrived with, then
 * the TCP peer; with TRUST_PROXY=N the address is the N-th entry from the right, counting the peer
 * as 0. So N=0 is the peer, whatever the client sent, and N=1 is what the one proxy in front (the
 * peer) appended. A chain shorter than that did not pass through N proxies: its leftmost entry is
 * taken (as Express's `trust proxy` does), which a client reaching the server directly can choose
 * either way. Normalising (IPv4-mapped IPv6, case) is lib/client.ts's.
 */
function clientAddress(peer, forwardedFor, trustProxy) {
  if (trustProxy === 0 || !forwardedFor) return peer || "";
  const chain = String(forwardedFor)
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  chain.push(peer || "");
  return chain[Math.max(0, chain.length - 1 - trustProxy)];
}

function trustProxyOf(env) {
  const raw = (env.TRUST_PROXY ?? "").trim();
  if (raw === "") return 0;
  if (!/^\d+$/.test(raw) || Number(raw) > 10) {
    throw new Error(`Invalid configuration: TRUST_PROXY: expected a whole number from 0 to 10, got "${raw}"`);
  }
  return Number(raw);
}

/**
 * Security headers (docs/security.md, "Headers"). Set here rather than in proxy.ts so that the API's
 * hot path skips Next's middleware pass, and so that the refusals above carry them too.
 */
const RESOURCE_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const HSTS = "max-age=63072000; includeSubDomains"; // two years, the preload list's minimum; `preload` is the operator's to add

// Every powerful feature off, for the page and anything it could embed; the copy buttons keep clipboard-write.
const PERMISSIONS_POLICY = [
  "accelerometer=()", "autoplay=()", "camera=()", "clipboard-read=()", "clipboard-write=(self)", "display-capture=()",
  "encrypted-media=()", "fullscreen=()", "geolocation=()", "gyroscope=()", "hid=()", "magnetometer=()", "microphone=()",
  "midi=()", "payment=()", "picture-in-picture=()", "publickey-credentials-get=()", "screen-wake-lock=()", "serial=()",
  "usb=()", "xr-spatial-tracking=()",
].join(", ");

const STATIC_HEADERS = [
  ["X-Frame-Options", "DENY"],
  ["X-Content-Type-Options", "nosniff"],
  // Not no-referrer: that also blanks the Origin of same-origin POSTs, and Next refuses server actions without it.
  ["Referrer-Policy", "same-origin"],
  ["Permissions-Policy", PERMISSIONS_POLICY],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
];

/** Paths whose answers are data or built files; everything else (pages, next-auth's /api/auth) may be HTML. */
function isResourcePath(pathname) {
  return (pathname.startsWith("/api/") && !pathname.startsWith("/api/auth/")) || pathname.startsWith("/_next/static/");
}

/** Whether NEXTAUTH_URL, the public address, is https; a value that is no URL counts as not. */
function isHttps(publicUrl) {
  try {
    return Boolean(publicUrl) && new URL(publicUrl).protocol === "https:";
  } catch {
    return false;
  }
}

/** The headers this entry sets on the answer to `pathname`, before Next writes its own. */
function securityHeadersFor(pathname, https) {
  return [
    ...STATIC_HEADERS,
    ...(https ? [["Strict-Transport-Security", HSTS]] : []),
    ...(isResourcePath(pathname) ? [["Content-Security-Policy", RESOURCE_POLICY]] : []),
  ];
}

/** The refusal this entry answers itself, or null to hand the request to Next. */
function refusalFor(req, pathname, { validateRouterState, staticPages }) {
  const method = req.method;
  const shown = pathname.length > 200 ? `${pathname.slice(0, 200)}…` : pathname; // echoed, so bounded
  if (!decodes(pathname)) {
    return { status: 400, code: "invalid_request", message: "The path holds an invalid %-escape." };
  }
  const allow = allowedMethods(pathname, staticPages);
  if (allow === null) {
    if (!NEXT_METHODS.has(method)) return { status: 404, code: "not_found", message: `There is no API route ${method} ${shown}. The routes are listed at /docs/api.` };
  } else if (!allow.includes(method)) {
    return {
      status: 405,
      code: "method_not_allowed",
      message: `${shown} does not answer ${method}; it answers ${allow.join(", ")}.`,
      headers: { Allow: allow.join(", ") },
    };
  }
  const routerState = req.headers["next-router-state-tree"];
  if (routerState !== undefined) {
    try {
      validateRouterState(routerState);
    } catch {
      return { status: 400, code: "invalid_request", message: "The Next-Router-State-Tree header is not a valid router state." };
    }
  }
  if (method === "POST" && isPossibleServerAction(req) && !sameOrigin(req)) {
    return { status: 403, code: "forbidden", message: "Server actions are accepted only from this site's own pages." };
  }
  return null;
}

function decodes(pathname) {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/** What Next treats as a possible server action (next/dist/server/lib/server-action-request-meta.js). */
function isPossibleServerAction(req) {
  return req.headers["next-action"] !== undefined || /^multipart\/form-data/i.test(req.headers["content-type"] ?? "");
}

/**
 * Next's own CSRF check (app-render/action-handler.js), answered here as a 403 instead of a logged
 * 500: an Origin, when present, must name the host the request was sent to.
 */
function sameOrigin(req) {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser; it cannot carry someone else's cookies unwillingly
  let originHost;
  try {
    originHost = origin === "null" ? "null" : new URL(origin).host;
  } catch {
    return false;
  }
  const forwardedHost = req.headers["x-forwarded-host"]?.split(",")[0]?.trim();
  return originHost === (forwardedHost || req.headers.host);
}

function answer(req, res, refusal) {
  const body = JSON.stringify({ error: { code: refusal.code, message: refusal.message } });
  res.writeHead(refusal.status, {
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
    "Content-Length": Buffer.byteLength(body),
    "Content-Security-Policy": RESOURCE_POLICY, // JSON, whatever path it answers
    ...refusal.headers,
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

function createHandler({ handle, trustProxy, validateRouterState, staticPages = new Set(), https = false }) {
  return function tollgate(req, res) {
    const forwardedFor = req.headers["x-forwarded-for"];
    req.headers["x-forwarded-for"] = clientAddress(req.socket.remoteAddress, Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor, trustProxy);
    delete req.headers["x-real-ip"];
    delete req.headers["forwarded"];
    // With no proxy declared, a forwarded host or scheme is the client's own word too; Next's action
    // origin check and next-auth (without NEXTAUTH_URL) would believe it. Next fills them in afresh.
    if (trustProxy === 0) {
      delete req.headers["x-forwarded-host"];
      delete req.headers["x-forwarded-proto"];
      delete req.headers["x-forwarded-port"];
    }

    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const pathname = query === -1 ? url : url.slice(0, query);
    // Next adds a header only when none is set yet (send-response.js), so these stand.
    for (const [name, value] of securityHeadersFor(pathname, https)) res.setHeader(name, value);
    const refusal = refusalFor(req, pathname, { validateRouterState, staticPages });
    if (refusal) return answer(req, res, refusal);
    Promise.resolve(handle(req, res)).catch((error) => {
      console.error(`Failed to handle ${req.method} ${pathname}:`, error);
      if (!res.headersSent) answer(req, res, { status: 500, code: "internal_error", message: "Something went wrong on our side." });
      else res.destroy();
    });
  };
}

function argValue(args, short, long) {
  const i = args.findIndex((a) => a === short || a === long);
  return i === -1 ? undefined : args[i + 1];
}

async function main() {
  const args = process.argv.slice(2);
  const dev = args.includes("--dev");
  const port = Number(argValue(args, "-p", "--port") ?? process.env.PORT ?? 3000);
  const hostname = argValue(args, "-H", "--hostname");
  let trustProxy;
  try {
    trustProxy = trustProxyOf(process.env);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  process.env.NODE_ENV = dev ? "development" : "production";
  // A custom server gets no signal handlers from Next; this tells instrumentation-node.ts that
  // its own handler (flush "last used", close the database, exit) owns shutdown.
  process.env.NEXT_MANUAL_SIG_HANDLE = "true";
  // Tells lib/client.ts's callers that X-Forwarded-For was written here (instrumentation-node.ts warns otherwise).
  process.env.TOLLGATE_SERVER_ENTRY = "1";
  // Links in mail point here when NEXTAUTH_URL (the public address) is not set (lib/config.ts, mailConfig).
  process.env.TOLLGATE_SITE_URL = `http://${hostname && hostname !== "0.0.0.0" && hostname !== "::" ? (hostname.includes(":") ? `[${hostname}]` : hostname) : "localhost"}:${port}`;

  const next = require("next");
  // Next's own parser of the header, so that what passes here is exactly what Next accepts.
  const { parseAndValidateFlightRouterState } = require("next/dist/server/app-render/parse-and-validate-flight-router-state");
  const app = next({ dev, dir: __dirname, hostname: hostname ?? "localhost", port });
  await app.prepare();
  const server = http.createServer(
    createHandler({
      handle: app.getRequestHandler(),
      trustProxy,
      validateRouterState: parseAndValidateFlightRouterState,
      staticPages: staticPagesOf(__dirname, dev),
      https: isHttps(process.env.NEXTAUTH_URL),
    }),
  );
  server.on("error", (error) => {
    console.error("Failed to start the server:", error);
    process.exit(1);
  });
  // Stop accepting connections at once; instrumentation-node.ts flushes and exits.
  for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, () => server.close());
  server.listen(port, hostname, () => {
    console.log(`Tollgate ${dev ? "(development) " : ""}listening on http://${hostname ?? "localhost"}:${port} (TRUST_PROXY=${trustProxy})`);
  });
}

module.exports = { allowedMethods, clientAddress, createHandler, isHttps, isResourcePath, refusalFor, securityHeadersFor, trustProxyOf, API_ROUTES };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
