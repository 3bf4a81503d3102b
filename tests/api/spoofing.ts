import { request } from "node:http";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createToken } from "@/lib/tokens/service";
import { createUser, TEST_PASSWORD } from "../helpers/users";
import { useSeededServer } from "./http";

/**
 * The three limits that count per client address (bad API tokens, wrong passwords, new accounts),
 * attacked with forged address headers, over real TCP connections from distinct loopback peers
 * (a socket bound to 127.0.0.N is a different client as far as the server can tell).
 *
 * `viaProxy` is how a request reaches the server: directly (TRUST_PROXY=0: the peer is the client)
 * or through one proxy that appends the client's address (TRUST_PROXY=1: this process plays the
 * proxy from 127.0.0.1 and appends the entry itself). Either way the client's own headers go first.
 */
export type Route = { client: string; forged?: Record<string, string> };

export const LIMIT = 5; // bad tokens per address
export const SIGN_UPS = 2; // accounts per address
export const SIGN_IN_PER_ADDRESS = 5; // five times SIGN_IN_FAILURE_LIMIT=1

export function limitsServer(trustProxy: number) {
  return useSeededServer(
    async () => {
      const owner = await createUser({ scopes: ["tokens:read"] });
      const { secret } = await createToken(owner.id, { name: "Valid", scopes: ["tokens:read"] });
      return { owner, secret };
    },
    { TRUST_PROXY: String(trustProxy), AUTH_FAILURE_LIMIT: String(LIMIT), AUTH_FAILURE_WINDOW_SECONDS: "600", SIGN_IN_FAILURE_LIMIT: "1", SIGN_UP_LIMIT: String(SIGN_UPS) },
  );
}

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; text: string };

/** One request over a fresh connection from `localAddress`. */
function send(baseUrl: string, localAddress: string, method: string, target: string, headers: Record<string, string>, body?: Buffer | string): Promise<Answer> {
  const url = new URL(target, baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, localAddress, headers: { connection: "close", ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export function attacker(baseUrl: () => string, viaProxy: boolean) {
  /** What reaches the server for `route`: from which peer, with which X-Forwarded-For. */
  function wire(route: Route): { peer: string; headers: Record<string, string> } {
    const headers = { ...route.forged };
    if (!viaProxy) return { peer: route.client, headers };
    const sent = headers["x-forwarded-for"];
    headers["x-forwarded-for"] = sent ? `${sent}, ${route.client}` : route.client;
    return { peer: "127.0.0.1", headers };
  }
  const call = (route: Route, method: string, target: string, headers: Record<string, string> = {}, body?: Buffer | string) => {
    const { peer, headers: forwarded } = wire(route);
    return send(baseUrl(), peer, method, target, { ...headers, ...forwarded }, body);
  };

  let csrf: { token: string; cookie: string } | undefined;
  async function csrfToken() {
    if (!csrf) {
      const reply = await send(baseUrl(), "127.0.0.1", "GET", "/api/auth/csrf", {});
      const cookies = ([] as string[]).concat(reply.headers["set-cookie"] ?? []);
      csrf = { token: JSON.parse(reply.text).csrfToken, cookie: cookies.map((c) => c.split(";")[0]).join("; ") };
    }
    return csrf;
  }

  let signUpActionId: string | undefined;
  function actionId(): string {
    if (signUpActionId) return signUpActionId;
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, "../../.next/server/server-reference-manifest.json"), "utf8"));
    const ids = Object.entries(manifest.node as Record<string, { workers: Record<string, unknown>; exportedName?: string }>)
      .filter(([, action]) => Object.keys(action.workers).some((worker) => worker.includes("signup")))
      .filter(([, action]) => !action.exportedName || action.exportedName === "signUpAction")
      .map(([id]) => id);
    if (ids.length !== 1) throw new Error(`Expected one sign-up action in the build, found ${ids.length}`);
    return (signUpActionId = ids[0]!);
  }

  return {
    /** GET /api/v1/me with `token`: the status. */
    async api(route: Route, token: string): Promise<number> {
      return (await call(route, "GET", "/api/v1/me", { authorization: `Bearer ${token}` })).status;
    },
    /** A password sign-in through next-auth: "ok", "wrong" or "paused". */
    async signIn(route: Route, email: string, password: string): Promise<"ok" | "wrong" | "paused"> {
      const { token, cookie } = await csrfToken();
      const body = new URLSearchParams({ csrfToken: token, email, password, json: "true" }).toString();
      const reply = await call(route, "POST", "/api/auth/callback/credentials", { "content-type": "application/x-www-form-urlencoded", cookie }, body);
      const url = JSON.parse(reply.text).url as string;
      if (url.includes("error=TooManySignIns")) return "paused";
      if (url.includes("error=")) return "wrong";
      return "ok";
    },
    /** The sign-up form's server action: "ok" or "limited". */
    async signUp(route: Route): Promise<"ok" | "limited"> {
      const { encodeReply } = require("next/dist/compiled/react-server-dom-turbopack/client.node.js");
      const form = new FormData();
      form.set("name", "Spoofer");
      form.set("email", `spoof-${randomBytes(5).toString("hex")}@example.com`);
      form.set("password", TEST_PASSWORD);
      const encoded = new Response(await encodeReply([form]));
      const reply = await call(
        route,
        "POST",
        "/signup",
        { "next-action": actionId(), accept: "text/x-component", origin: baseUrl(), "content-type": encoded.headers.get("content-type")! },
        Buffer.from(await encoded.arrayBuffer()),
      );
      if (reply.status !== 200) throw new Error(`The sign-up action answered ${reply.status}: ${reply.text.slice(0, 300)}`);
      if (reply.text.includes('"ok":true')) return "ok";
      if (reply.text.includes("Too many sign-up attempts from your network")) return "limited";
      throw new Error(`Unexpected sign-up answer: ${reply.text.slice(0, 300)}`);
    },
  };
}

export const WRONG_TOKEN = "tgp_" + "0".repeat(36);
export const freshEmail = () => `nobody-${randomBytes(5).toString("hex")}@example.com`;
/** A different forged address header set for each attempt: X-Forwarded-For, X-Real-IP and Forwarded. */
export const forgedAs = (address: string): Record<string, string> => ({
  "x-forwarded-for": address,
  "x-real-ip": address,
  forwarded: `for=${address}`,
});
export const forgedNumber = (i: number) => forgedAs(`127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`);

/** The whole suite, for one way of reaching the server. */
export function describeSpoofing(viaProxy: boolean) {
  const server = limitsServer(viaProxy ? 1 : 0);
  const as = attacker(() => server.server.baseUrl, viaProxy);
  const secret = () => server.seed.secret;

  describe("bad API tokens, limited per address", () => {
    test("a different forged address on every attempt does not evade the limit", async () => {
      const client = "127.0.0.2";
      for (let i = 0; i < LIMIT; i++) expect(await as.api({ client, forged: forgedNumber(i) }, WRONG_TOKEN)).toBe(401);
      expect(await as.api({ client, forged: forgedNumber(LIMIT) }, WRONG_TOKEN)).toBe(429);
      expect(await as.api({ client, forged: forgedNumber(LIMIT + 1) }, secret())).toBe(429);
      expect(await as.api({ client }, secret())).toBe(429);
    });

    test("bad tokens sent as another client's address count against the sender, not that client", async () => {
      for (let i = 0; i < LIMIT + 3; i++) await as.api({ client: "127.0.0.3", forged: forgedAs("127.0.0.4") }, WRONG_TOKEN);
      expect(await as.api({ client: "127.0.0.4" }, secret())).toBe(200);
      expect(await as.api({ client: "127.0.0.3" }, secret())).toBe(429);
    });
  });

  describe("wrong passwords, limited per address", () => {
    test("a different forged address on every attempt does not evade the limit", async () => {
      const client = "127.0.0.5";
      for (let i = 0; i < SIGN_IN_PER_ADDRESS; i++) expect(await as.signIn({ client, forged: forgedNumber(i) }, freshEmail(), "wrong password here")).toBe("wrong");
      expect(await as.signIn({ client, forged: forgedNumber(SIGN_IN_PER_ADDRESS) }, freshEmail(), "wrong password here")).toBe("paused");
    });

    test("wrong passwords sent as another client's address count against the sender", async () => {
      for (let i = 0; i < SIGN_IN_PER_ADDRESS; i++) await as.signIn({ client: "127.0.0.6", forged: forgedAs("127.0.0.7") }, freshEmail(), "wrong password here");
      expect(await as.signIn({ client: "127.0.0.7" }, server.seed.owner.email, TEST_PASSWORD)).toBe("ok");
      expect(await as.signIn({ client: "127.0.0.6" }, freshEmail(), "wrong password here")).toBe("paused");
    });
  });

  describe("new accounts, limited per address", () => {
    test("a different forged address on every sign-up does not evade the limit", async () => {
      const client = "127.0.0.8";
      for (let i = 0; i < SIGN_UPS; i++) expect(await as.signUp({ client, forged: forgedNumber(i) })).toBe("ok");
      expect(await as.signUp({ client, forged: forgedNumber(SIGN_UPS) })).toBe("limited");
    });

    test("sign-ups sent as another client's address count against the sender", async () => {
      for (let i = 0; i < SIGN_UPS; i++) expect(await as.signUp({ client: "127.0.0.9", forged: forgedAs("127.0.0.10") })).toBe("ok");
      expect(await as.signUp({ client: "127.0.0.10" })).toBe("ok");
      expect(await as.signUp({ client: "127.0.0.9" })).toBe("limited");
    });
  });

  return server;
}
