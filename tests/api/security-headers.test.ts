import { readFileSync } from "node:fs";
import path from "node:path";
import { createToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { startServer, type TestServer } from "../helpers/server";
import { useSeededServer } from "./http";

jest.setTimeout(60_000);

/** The security headers on every kind of answer the server gives (server.js, proxy.ts, lib/security-headers.ts). */

const SAME_ON_EVERY_ANSWER: Record<string, string> = {
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

/** A server action's id, from the build's manifest: what the page's JavaScript would send. */
function actionId(name: string): string {
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, "../../.next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const id = Object.entries(manifest.node).find(([, action]) => action.exportedName === name)?.[0];
  if (!id) throw new Error(`No server action ${name} in the build`);
  return id;
}

type Answer = { status: number; headers: Headers; text: string };

async function fetchAnswer(server: TestServer, pathname: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(server.baseUrl + pathname, { redirect: "manual", ...init });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Every kind of answer, with the status that shows it is the kind named. */
function kindsOfAnswer(server: TestServer, token: string): [string, number, () => Promise<Answer>][] {
  const signUpForm = () => {
    const form = new FormData();
    form.set("0", '["$K1"]');
    form.set("1_email", "not an email");
    return form;
  };
  return [
    ["a page", 200, () => fetchAnswer(server, "/signin")],
    ["the API reference page", 200, () => fetchAnswer(server, "/docs/api")],
    ["a redirect to sign in", 307, () => fetchAnswer(server, "/settings/tokens")],
    ["the home redirect", 307, () => fetchAnswer(server, "/")],
    ["a page 404", 404, () => fetchAnswer(server, "/no-such-page")],
    ["an API route", 200, () => fetchAnswer(server, "/api/v1/me", { headers: { authorization: `Bearer ${token}` } })],
    ["an API refusal", 401, () => fetchAnswer(server, "/api/v1/me")],
    ["an API 404", 404, () => fetchAnswer(server, "/api/v1/no-such-route", { headers: { authorization: `Bearer ${token}` } })],
    ["a 404 under /api outside the API", 404, () => fetchAnswer(server, "/api/no-such-thing")],
    ["the OpenAPI document", 200, () => fetchAnswer(server, "/api/openapi.json")],
    ["the health route", 200, () => fetchAnswer(server, "/api/health")],
    ["next-auth's session", 200, () => fetchAnswer(server, "/api/auth/session")],
    ["next-auth's CSRF token", 200, () => fetchAnswer(server, "/api/auth/csrf")],
    ["next-auth's sign-out page", 200, () => fetchAnswer(server, "/api/auth/signout")],
    [
      "a server action",
      200,
      () =>
        fetchAnswer(server, "/signup", {
          method: "POST",
          headers: { "next-action": actionId("signUpAction"), origin: server.baseUrl, accept: "text/x-component" },
          body: signUpForm(),
        }),
    ],
    ["a method server.js refuses on the API", 405, () => fetchAnswer(server, "/api/v1/me", { method: "PUT" })],
    ["a method server.js refuses on a page", 405, () => fetchAnswer(server, "/signin", { method: "DELETE" })],
    ["a bad %-escape server.js refuses", 400, () => fetchAnswer(server, "/api/v1/tokens/%FF")],
    ["a static asset", 200, async () => fetchAnswer(server, await staticAssetPath(server))],
    ["a missing static asset", 404, () => fetchAnswer(server, "/_next/static/chunks/no-such-chunk.js")],
  ];
}

/** The first script the sign-in page loads from the build's static files. */
async function staticAssetPath(server: TestServer): Promise<string> {
  const html = (await fetchAnswer(server, "/signin")).text;
  const src = html.match(/<script src="(\/_next\/static\/[^"]+\.js)"/)?.[1];
  if (!src) throw new Error("The sign-in page loads no static script");
  return src;
}

/** The directives of a policy, by name. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]): [string, string[]] => [name!, values]),
  );
}

describe("over plain http (NEXTAUTH_URL unset)", () => {
  const context = useSeededServer(async () => {
    const owner = await createUser();
    return { token: (await createToken(owner.id, { name: "Headers", scopes: ["tokens:read"] })).secret };
  }, {});

  test("every kind of answer carries the security headers, and no HSTS", async () => {
    for (const [kind, status, get] of kindsOfAnswer(context.server, context.seed.token)) {
      const answer = await get();
      expect({ kind, status: answer.status }).toEqual({ kind, status });
      for (const [name, value] of Object.entries(SAME_ON_EVERY_ANSWER)) expect({ kind, [name]: answer.headers.get(name) }).toEqual({ kind, [name]: value });
      expect({ kind, permissions: answer.headers.get("permissions-policy") }).toEqual({ kind, permissions: expect.stringContaining("camera=()") });
      // One policy, never two: a browser enforces every policy it is sent (server.js's and proxy.ts's must not overlap).
      expect({ kind, policies: (answer.headers.get("content-security-policy") ?? "").split(",").length }).toEqual({ kind, policies: 1 });
      const policy = directives(answer.headers.get("content-security-policy") ?? "");
      expect({ kind, frameAncestors: policy.get("frame-ancestors") }).toEqual({ kind, frameAncestors: ["'none'"] });
      expect({ kind, objectOrDefault: policy.get("object-src") ?? policy.get("default-src") }).toEqual({ kind, objectOrDefault: ["'none'"] });
      expect({ kind, hsts: answer.headers.get("strict-transport-security") }).toEqual({ kind, hsts: null });
      expect({ kind, upgrade: policy.has("upgrade-insecure-requests") }).toEqual({ kind, upgrade: false });
    }
  });

  test("a server action is answered by the action itself (so the headers above are on its answer)", async () => {
    const [, , post] = kindsOfAnswer(context.server, context.seed.token).find(([kind]) => kind === "a server action")!;
    const answer = await post();
    expect(answer.headers.get("content-type")).toMatch(/^text\/x-component/);
    expect(answer.text).toContain('"ok":false');
  });

  test("pages allow scripts only by this answer's nonce, never inline", async () => {
    const first = await fetchAnswer(context.server, "/signin");
    const second = await fetchAnswer(context.server, "/signin");
    const nonces = [first, second].map((answer) => {
      const scriptSrc = directives(answer.headers.get("content-security-policy")!).get("script-src")!;
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      expect(scriptSrc).not.toContain("'unsafe-eval'");
      expect(scriptSrc).toContain("'strict-dynamic'");
      const nonce = scriptSrc.find((source) => source.startsWith("'nonce-"))?.slice(7, -1);
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      // Every script tag in the page, inline or not, carries that nonce and no other.
      const scripts = answer.text.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(3);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
      return nonce;
    });
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  test("the policy of pages and of data", async () => {
    const page = directives((await fetchAnswer(context.server, "/signin")).headers.get("content-security-policy")!);
    expect(page.get("default-src")).toEqual(["'self'"]);
    expect(page.get("connect-src")).toEqual(["'self'"]);
    expect(page.get("img-src")).toEqual(["'self'", "data:", "blob:"]);
    expect(page.get("form-action")).toEqual(["'self'"]);
    expect(page.get("base-uri")).toEqual(["'none'"]);
    expect(page.get("object-src")).toEqual(["'none'"]);

    const data = directives((await fetchAnswer(context.server, "/api/health")).headers.get("content-security-policy")!);
    expect(Object.fromEntries(data)).toEqual({
      "default-src": ["'none'"],
      "base-uri": ["'none'"],
      "form-action": ["'none'"],
      "frame-ancestors": ["'none'"],
    });
  });

  test("a signed-out visitor to /settings is still sent to sign in, with the way back", async () => {
    const answer = await fetchAnswer(context.server, "/settings/tokens?status=active&_rsc=abc");
    expect(answer.status).toBe(307);
    expect(answer.headers.get("location")).toBe("/signin?callbackUrl=%2Fsettings%2Ftokens%3Fstatus%3Dactive");
  });
});

describe("behind https (NEXTAUTH_URL https://…)", () => {
  let server: TestServer;
  // No seeding: one test file can seed only one database, and no answer here needs a real token.
  beforeAll(async () => {
    server = await startServer({ env: { NEXTAUTH_URL: "https://tollgate.example.test" } });
  }, 180_000);
  afterAll(() => server?.stop(), 60_000);

  test("every kind of answer carries HSTS, and pages upgrade what they load", async () => {
    for (const [kind, status, get] of kindsOfAnswer(server, "tgp_not_a_real_token")) {
      const answer = await get();
      if (kind !== "an API route" && kind !== "an API 404") expect({ kind, status: answer.status }).toEqual({ kind, status });
      expect({ kind, hsts: answer.headers.get("strict-transport-security") }).toEqual({ kind, hsts: "max-age=63072000; includeSubDomains" });
      expect({ kind, frame: answer.headers.get("x-frame-options") }).toEqual({ kind, frame: "DENY" });
    }
    const page = directives((await fetchAnswer(server, "/signin")).headers.get("content-security-policy")!);
    expect(page.has("upgrade-insecure-requests")).toBe(true);
  });
});
