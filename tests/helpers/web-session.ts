import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * A browser's session, without the browser: a cookie jar, next-auth's credentials sign-in and
 * sign-out over HTTP, and server actions called the way React calls them. For tests (and
 * scripts/test-multi.ts) that replay cookies or send arguments no page would send.
 */
const ROOT = path.resolve(__dirname, "../..");

export type Jar = Map<string, string>;

export function cookieHeader(jar: Jar): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

/** Applies a response's Set-Cookie headers: an expired or emptied cookie is removed. */
export function storeCookies(jar: Jar, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(";");
    const at = pair!.indexOf("=");
    const name = pair!.slice(0, at).trim();
    const value = pair!.slice(at + 1).trim();
    const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split("=")[1]!) <= Date.now()));
    if (expired || value === "") jar.delete(name);
    else jar.set(name, value);
  }
}

export type WebSession = {
  jar: Jar;
  /** A copy of the session cookie(s) as they are now: what an attacker who stole them would hold. */
  copy(): Jar;
  get(url: string, jar?: Jar, headers?: Record<string, string>): Promise<Response>;
  signOut(): Promise<void>;
};

async function csrf(baseUrl: string, jar: Jar): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/csrf`, { headers: { cookie: cookieHeader(jar) } });
  storeCookies(jar, response);
  return ((await response.json()) as { csrfToken: string }).csrfToken;
}

/** Signs in with email and password as the sign-in form does; throws unless a session cookie was issued. */
export async function signInOverHttp(
  baseUrl: string,
  credentials: { email: string; password: string },
  headers: Record<string, string> = {},
): Promise<WebSession> {
  const jar: Jar = new Map();
  const csrfToken = await csrf(baseUrl, jar);
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar), ...headers },
    body: new URLSearchParams({ ...credentials, csrfToken, callbackUrl: `${baseUrl}/settings/tokens`, json: "true" }),
  });
  storeCookies(jar, response);
  if (![...jar.keys()].some((name) => name.includes("session-token"))) {
    throw new Error(`sign-in issued no session cookie (status ${response.status})`);
  }
  const session: WebSession = {
    jar,
    copy: () => new Map(jar),
    async get(url, useJar = jar, extra = {}) {
      return fetch(baseUrl + url, { redirect: "manual", headers: { cookie: cookieHeader(useJar), ...headers, ...extra } });
    },
    async signOut() {
      const token = await csrf(baseUrl, jar);
      const out = await fetch(`${baseUrl}/api/auth/signout`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(jar) },
        body: new URLSearchParams({ csrfToken: token, callbackUrl: `${baseUrl}/signin`, json: "true" }),
      });
      storeCookies(jar, out);
      if (out.status !== 200) throw new Error(`sign-out answered ${out.status}`);
    },
  };
  return session;
}

/** The id React sends in Next-Action for an exported server action, from the build's manifest. */
export function serverActionId(exportedName: string): string {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, ".next", "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const found = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === exportedName);
  if (!found) throw new Error(`no server action named ${exportedName} in the build`);
  return found[0];
}

/**
 * Calls a server action with `args`, as the page at `pagePath` would, with the cookies in `jar`.
 * Returns the action's result, read from the React Server Components reply.
 */
export async function callServerAction(
  baseUrl: string,
  pagePath: string,
  name: string,
  args: unknown[],
  jar: Jar,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; result: unknown }> {
  const response = await fetch(baseUrl + pagePath, {
    method: "POST",
    redirect: "manual",
    headers: {
      ...extraHeaders,
      accept: "text/x-component",
      "content-type": "text/plain;charset=UTF-8",
      "next-action": serverActionId(name),
      origin: baseUrl,
      cookie: cookieHeader(jar),
    },
    body: JSON.stringify(args),
  });
  const text = await response.text();
  // The reply is lines of `<id>:<json>`; the action's value is the row that is an object with `ok`.
  for (const line of text.split("\n")) {
    const json = line.slice(line.indexOf(":") + 1);
    if (!json.startsWith("{")) continue;
    try {
      const value = JSON.parse(json) as Record<string, unknown>;
      if ("ok" in value) return { status: response.status, result: value };
      if (value.a && typeof value.a === "object" && "ok" in (value.a as object)) return { status: response.status, result: value.a };
    } catch {
      // not JSON: some other row
    }
  }
  return { status: response.status, result: text };
}
