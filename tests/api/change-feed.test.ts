import { createServer as createTcpServer, connect, type Server as TcpServer, type Socket } from "node:net";
import { Client } from "pg";
import { prisma } from "@/lib/db";
import { errorSchema } from "@/lib/api/schemas";
import { createToken } from "@/lib/tokens/service";
import { TollgateClient } from "../../clients/node/index.mjs";
import { createUser } from "../helpers/users";
import { useSeededServer } from "./http";

// Each test makes a few HTTP calls to a real server on a shared, busy machine.
jest.setTimeout(60_000);

/**
 * The change feed (GET /api/v1/introspect/changes) and the Node.js client that follows it
 * (clients/node): a service answers known tokens from memory and still refuses a revoked, deleted
 * or narrowed one within a second. "Within a second" is polled with a deadline of a few seconds.
 */

async function makeAdmin() {
  const user = await createUser({ name: "Ada Admin", scopes: ["admin:read", "admin:write"] });
  await (await prisma()).user.update({ where: { id: user.id }, data: { isAdmin: true } });
  return user;
}

async function seed() {
  const admin = await makeAdmin();
  const adminToken = await createToken(admin.id, { name: "Administration", scopes: ["admin:read", "admin:write"] });
  const service = await createUser({ name: "Gateway service", scopes: ["tokens:introspect", "tokens:read", "tokens:write"] });
  const gateway = await createToken(service.id, { name: "Gateway", scopes: ["tokens:introspect"] });
  const crowded = await createToken(service.id, { name: "Many processes", scopes: ["tokens:introspect"] });
  // Makes the service's short-lived feed token during the test, when the server is up.
  const maker = await createToken(service.id, { name: "Token maker", scopes: ["tokens:introspect", "tokens:write"] });
  const other = await createToken(service.id, { name: "Other service", scopes: ["tokens:introspect"] });
  const doomed = await createToken(service.id, { name: "Feed to revoke", scopes: ["tokens:introspect"] });
  const reader = await createToken(service.id, { name: "Reader", scopes: ["tokens:read"] });

  const owner = await createUser({ name: "Alan Turing", scopes: ["tokens:read", "tokens:write"] });
  // As wide as the tokens it edits: a token may act only on tokens within its own reach.
  const ownerToken = await createToken(owner.id, { name: "Owner's", scopes: ["tokens:read", "tokens:write"] });
  const mine = (name: string) => createToken(owner.id, { name, scopes: ["tokens:read", "tokens:write"] });
  const tokens = {
    known: await mine("Known"),
    revoked: await mine("To revoke"),
    narrowed: await mine("To narrow"),
    deleted: await mine("To delete"),
    secret: await mine("Never introspected by the other"),
    sentinel: await mine("Introspected by the other"),
    whileDown: await mine("While the feed is down"),
    rotated: await mine("To rotate"),
    overlapped: await mine("To rotate with an overlap"),
  };
  const demoted = await createUser({ name: "Grace Hopper", scopes: ["tokens:read", "tokens:write"] });
  const demotedToken = await createToken(demoted.id, { name: "Loses a grant", scopes: ["tokens:read", "tokens:write"] });
  const disabled = await createUser({ name: "Leaving Soon", scopes: ["tokens:read"] });
  const disabledToken = await createToken(disabled.id, { name: "Owner disabled", scopes: ["tokens:read"] });
  const leaving = await createUser({ name: "Deleted Account", scopes: ["tokens:read"] });
  const leavingToken = await createToken(leaving.id, { name: "Owner deleted", scopes: ["tokens:read"] });
  // A custom scope for another service, which an administrator will retire.
  await (await prisma()).scope.create({ data: { name: "billing:read", description: "Read invoices in the billing service" } });
  const billing = await createUser({ name: "Billing Clerk", scopes: ["tokens:read", "billing:read"] });
  const billingToken = await createToken(billing.id, { name: "Billing", scopes: ["tokens:read", "billing:read"] });
  return {
    admin, adminToken, service, gateway, crowded, maker, other, doomed, reader, owner, ownerToken, tokens,
    demoted, demotedToken, disabled, disabledToken, leaving, leavingToken, billingToken,
  };
}

// A heartbeat of 0.3 s and 3 feeds per token: the limits of a deployment, scaled down to a test's.
const HEARTBEAT_SECONDS = 0.3;
const FEEDS_PER_TOKEN = 3;
const api = useSeededServer(seed, {
  AUTH_FAILURE_LIMIT: "10000",
  CHANGE_FEED_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS),
  CHANGE_FEEDS_PER_TOKEN: String(FEEDS_PER_TOKEN),
});
const onPostgres = process.env.TEST_POSTGRES_URL ? test : test.skip;
const FEED = "/api/v1/introspect/changes";

/** A fetch that counts the introspection requests it makes: the client's traffic to Tollgate. */
function countingFetch() {
  const counter = { introspections: 0, fetch: ((input: string | URL | Request, init?: RequestInit) => {
    if (String(input).endsWith("/api/v1/introspect")) counter.introspections++;
    return fetch(input, init);
  }) as typeof fetch };
  return counter;
}

/** Polls `check` until it holds or the deadline passes; returns its last value for the assertion. */
async function eventually<T>(probe: () => Promise<T>, holds: (value: T) => boolean, deadlineMs = 5_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (holds(value) || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const clients: TollgateClient[] = [];
function client(options: { token?: string; url?: string; fetch?: typeof fetch } = {}) {
  const made = new TollgateClient({ url: options.url ?? api.server.baseUrl, token: options.token ?? api.seed.gateway.secret, fetch: options.fetch });
  clients.push(made);
  return made;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

type Sse = { event: string; data: any };

/** The feed read raw, as any SSE client would: every event, and whether the stream has ended. */
async function rawFeed(token: string) {
  const controller = new AbortController();
  const response = await fetch(api.server.baseUrl + FEED, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  const feed = { response, events: [] as Sse[], comments: [] as string[], ended: false, close: () => controller.abort() };
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split("\n");
          feed.comments.push(...lines.filter((l) => l.startsWith(":")));
          const event = lines.find((l) => l.startsWith("event: "))?.slice(7);
          const data = lines.find((l) => l.startsWith("data: "))?.slice(6);
          if (event && data) feed.events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // Aborted by the test.
    }
    feed.ended = true;
  })();
  return feed;
}

const asOwner = (method: string, path: string, body?: unknown) => api.call(method, path, { token: api.seed.ownerToken.secret, body });
const asAdmin = (method: string, path: string, body?: unknown) => api.call(method, path, { token: api.seed.adminToken.secret, body });

describe("a service using the client", () => {
  test("asks Tollgate once about a token, then answers from memory", async () => {
    const counter = countingFetch();
    const service = client({ fetch: counter.fetch });
    await service.ready();
    const { secret, token } = api.seed.tokens.known;
    const first = await service.verify(secret);
    expect(first).toMatchObject({ active: true, guid: token.guid, scope: "tokens:read tokens:write", sub: api.seed.owner.id });
    for (let i = 0; i < 20; i++) expect(await service.verify(secret)).toEqual(first);
    expect(counter.introspections).toBe(1);
    expect(service.stats()).toMatchObject({ hits: 20, introspections: 1, feed: "ready" });
  });

  test("a malformed secret is refused without asking", async () => {
    const counter = countingFetch();
    const service = client({ fetch: counter.fetch });
    await service.ready();
    expect(await service.verify("not a token")).toEqual({ active: false });
    expect(counter.introspections).toBe(0);
  });

  test("revoked: refused within a second, though it was answered from memory", async () => {
    const service = client();
    await service.ready();
    const { secret, token } = api.seed.tokens.revoked;
    expect((await service.verify(secret)).active).toBe(true);
    expect((await service.verify(secret)).active).toBe(true);
    expect((await asOwner("POST", `/api/v1/tokens/${token.guid}/revoke`)).status).toBe(200);
    expect(await eventually(() => service.verify(secret), (a) => !a.active)).toEqual({ active: false });
    expect(service.stats().feedEvents).toBeGreaterThan(0);
  });

  test("edited to fewer scopes: the new scopes within a second", async () => {
    const service = client();
    await service.ready();
    const { secret, token } = api.seed.tokens.narrowed;
    expect(await service.verify(secret)).toMatchObject({ scope: "tokens:read tokens:write" });
    expect((await asOwner("PATCH", `/api/v1/tokens/${token.guid}`, { scopes: ["tokens:read"] })).status).toBe(200);
    expect(await eventually(() => service.verify(secret), (a) => a.active && a.scope === "tokens:read")).toMatchObject({ active: true, scope: "tokens:read" });
  });

  test("rotated: the old secret refused within a second, the new one accepted", async () => {
    const service = client();
    await service.ready();
    const { secret, token } = api.seed.tokens.rotated;
    expect((await service.verify(secret)).active).toBe(true);
    const rotated = await asOwner("POST", `/api/v1/tokens/${token.guid}/rotate`);
    expect(rotated.status).toBe(200);
    expect(await eventually(() => service.verify(secret), (a) => !a.active)).toEqual({ active: false });
    expect(await service.verify(rotated.body.secret)).toMatchObject({ active: true, guid: token.guid });
  });

  test("rotated with an overlap: the old secret's answer ends with the overlap, so memory stops it then", async () => {
    const service = client();
    await service.ready();
    const { secret, token } = api.seed.tokens.overlapped;
    expect(await service.verify(secret)).not.toHaveProperty("exp");
    const rotated = await asOwner("POST", `/api/v1/tokens/${token.guid}/rotate`, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(200);
    const answer = await eventually(() => service.verify(secret), (a) => a.active && "exp" in a);
    const overlapEnd = Math.floor(Date.parse(rotated.body.token.previousSecretExpiresAt) / 1000);
    expect(answer).toMatchObject({ active: true, exp: overlapEnd });
  });

  test("deleted: refused within a second", async () => {
    const service = client();
    await service.ready();
    const { secret, token } = api.seed.tokens.deleted;
    expect((await service.verify(secret)).active).toBe(true);
    expect((await asOwner("DELETE", `/api/v1/tokens/${token.guid}`)).status).toBe(204);
    expect(await eventually(() => service.verify(secret), (a) => !a.active)).toEqual({ active: false });
  });

  test("the owner's grant withdrawn by an administrator: narrowed within a second", async () => {
    const service = client();
    await service.ready();
    const { secret } = api.seed.demotedToken;
    expect(await service.verify(secret)).toMatchObject({ scope: "tokens:read tokens:write" });
    expect((await asAdmin("DELETE", `/api/v1/admin/users/${api.seed.demoted.id}/scopes/tokens:write`)).status).toBe(200);
    expect(await eventually(() => service.verify(secret), (a) => a.active && a.scope === "tokens:read")).toMatchObject({ scope: "tokens:read" });
  });

  test("a scope retired by an administrator: gone from the answer within a second", async () => {
    const service = client();
    await service.ready();
    const { secret } = api.seed.billingToken;
    expect(await service.verify(secret)).toMatchObject({ scope: "billing:read tokens:read" });
    expect((await asAdmin("POST", "/api/v1/admin/scopes/billing:read/retire")).status).toBe(200);
    expect(await eventually(() => service.verify(secret), (a) => a.active && a.scope === "tokens:read")).toMatchObject({ scope: "tokens:read" });
  });

  test("the owner's account deleted: refused within a second", async () => {
    const service = client();
    await service.ready();
    const { secret } = api.seed.leavingToken;
    expect((await service.verify(secret)).active).toBe(true);
    expect((await asAdmin("DELETE", `/api/v1/admin/users/${api.seed.leaving.id}`)).status).toBe(204);
    expect(await eventually(() => service.verify(secret), (a) => !a.active)).toEqual({ active: false });
  });

  test("the owner disabled: refused within a second", async () => {
    const service = client();
    await service.ready();
    const { secret } = api.seed.disabledToken;
    expect((await service.verify(secret)).active).toBe(true);
    expect((await asAdmin("POST", `/api/v1/admin/users/${api.seed.disabled.id}/disable`)).status).toBe(200);
    expect(await eventually(() => service.verify(secret), (a) => !a.active)).toEqual({ active: false });
  });
});

describe("the feed", () => {
  test("tells a service only about tokens it has introspected", async () => {
    const other = await rawFeed(api.seed.other.secret);
    await eventually(async () => other.events, (e) => e.some((x) => x.event === "ready"));
    const introspect = (caller: string, token: string) => api.call("POST", "/api/v1/introspect", { token: caller, body: { token } });
    expect((await introspect(api.seed.other.secret, api.seed.tokens.sentinel.secret)).body.active).toBe(true);
    // Only the gateway asks about this one.
    const gateway = client();
    await gateway.ready();
    const { secret } = api.seed.tokens.secret;
    expect((await gateway.verify(secret)).active).toBe(true);

    await asOwner("POST", `/api/v1/tokens/${api.seed.tokens.secret.token.guid}/revoke`);
    await eventually(() => gateway.verify(secret), (a) => !a.active);
    // Then a change the other service does know about: once it has heard that, it would have heard the first.
    await asOwner("POST", `/api/v1/tokens/${api.seed.tokens.sentinel.token.guid}/revoke`);
    const events = await eventually(async () => other.events, (e) => e.some((x) => x.event === "tokens.changed"));
    other.close();
    expect(events).toEqual([
      { event: "ready", data: {} },
      { event: "tokens.changed", data: { guids: [api.seed.tokens.sentinel.token.guid] } },
    ]);
    expect(other.response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(other.response.headers.get("cache-control")).toBe("no-store, no-transform");
  });

  test("needs a token with tokens:introspect, and answers only GET", async () => {
    const none = await api.call("GET", FEED);
    expect(none.status).toBe(401);
    expect(errorSchema.parse(none.body).error.code).toBe("missing_token");
    const refused = await api.call("GET", FEED, { token: "tgp_notarealtoken" });
    expect(refused.status).toBe(401);
    expect(errorSchema.parse(refused.body).error.code).toBe("invalid_token");
    const unscoped = await api.call("GET", FEED, { token: api.seed.reader.secret });
    expect(unscoped.status).toBe(403);
    expect(errorSchema.parse(unscoped.body).error.code).toBe("insufficient_scope");
    const post = await api.call("POST", FEED, { token: api.seed.gateway.secret });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });

  test("one token holds at most CHANGE_FEEDS_PER_TOKEN feeds on an instance: one more is refused with 429, and the open ones go on", async () => {
    const { crowded, gateway } = api.seed;
    const open: Awaited<ReturnType<typeof rawFeed>>[] = [];
    for (let i = 0; i < FEEDS_PER_TOKEN; i++) {
      const feed = await rawFeed(crowded.secret);
      expect(feed.response.status).toBe(200);
      open.push(feed);
    }
    await eventually(async () => open.every((f) => f.events.some((x) => x.event === "ready")), Boolean);

    const refused = await fetch(api.server.baseUrl + FEED, { headers: { authorization: `Bearer ${crowded.secret}` } });
    // A stream answered instead would never end: read only an answer that is not one.
    const body = refused.status === 200 ? (await refused.body?.cancel(), "a stream") : await refused.json();
    expect({ status: refused.status, retryAfter: refused.headers.get("retry-after"), body }).toEqual({
      status: 429,
      retryAfter: "10",
      body: { error: { code: "rate_limited", message: `This token already has ${FEEDS_PER_TOKEN} change feeds open on this instance. Close one, or give each service its own token.` } },
    });
    // Another token is not held back by this one's feeds.
    const elsewhere = await rawFeed(gateway.secret);
    expect(elsewhere.response.status).toBe(200);
    elsewhere.close();

    // The feeds already open go on: each still hears heartbeats after the refusal.
    const heard = open.map((f) => f.comments.length);
    await eventually(async () => open.every((f, i) => f.comments.length > heard[i]!), Boolean);
    expect(open.map((f) => f.ended)).toEqual([false, false, false]);

    // A place freed is a place taken.
    open.pop()!.close();
    const next = await eventually(async () => {
      const feed = await rawFeed(crowded.secret);
      if (feed.response.status !== 200) return null;
      return feed;
    }, (feed) => feed !== null);
    expect(next?.response.status).toBe(200);
    next?.close();
    for (const feed of open) feed.close();
  });

  test("heartbeats keep a quiet feed talking, and one of them ends the feed once its own token has expired, which nothing announces", async () => {
    // Four seconds: time enough to connect on a busy machine, and the feed must be ready before the end.
    const validTo = new Date(Date.now() + 4_000).toISOString();
    const made = await api.call("POST", "/api/v1/tokens", { token: api.seed.maker.secret, body: { name: "Expires in four seconds", scopes: ["tokens:introspect"], validTo } });
    expect(made.status).toBe(201);
    const feed = await rawFeed(made.body.secret);
    await eventually(async () => feed.events, (e) => e.some((x) => x.event === "ready"));
    await eventually(async () => feed.ended, (ended) => ended, 15_000);
    expect({ ended: feed.ended, events: feed.events }).toEqual({
      ended: true,
      events: [
        { event: "ready", data: {} },
        { event: "end", data: { reason: "token_invalid" } },
      ],
    });
    // Every comment after the greeting is a heartbeat, and there were some before the token's end.
    expect(feed.comments[0]).toBe(": Tollgate change feed");
    expect(feed.comments.length).toBeGreaterThan(1);
    expect(new Set(feed.comments.slice(1))).toEqual(new Set([": heartbeat"]));
    expect((await api.call("GET", FEED, { token: made.body.secret })).status).toBe(401);
  });

  onPostgres("ends (changes_unheard) when the instance's change listener is cut, and is ready again on reconnecting", async () => {
    const feed = await rawFeed(api.seed.gateway.secret);
    await eventually(async () => feed.events, (e) => e.some((x) => x.event === "ready"));
    const admin = new Client({ connectionString: api.database.env.DATABASE_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        "SELECT pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'",
      );
      expect(rows).toEqual([{ cut: true }]);
    } finally {
      await admin.end();
    }
    await eventually(async () => feed.ended, (ended) => ended);
    expect({ ended: feed.ended, last: feed.events.at(-1) }).toEqual({ ended: true, last: { event: "end", data: { reason: "changes_unheard" } } });
    const again = await rawFeed(api.seed.gateway.secret);
    const events = await eventually(async () => again.events, (e) => e.some((x) => x.event === "ready"));
    again.close();
    expect(events).toEqual([{ event: "ready", data: {} }]);
  });

  test("ends when its own token is revoked", async () => {
    const feed = await rawFeed(api.seed.doomed.secret);
    await eventually(async () => feed.events, (e) => e.some((x) => x.event === "ready"));
    expect((await asAdmin("POST", `/api/v1/admin/tokens/${api.seed.doomed.token.guid}/revoke`, { reason: "Leaked" })).status).toBe(200);
    await eventually(async () => feed.ended, (ended) => ended);
    expect({ ended: feed.ended, last: feed.events.at(-1) }).toEqual({ ended: true, last: { event: "end", data: { reason: "token_invalid" } } });
    expect((await api.call("GET", FEED, { token: api.seed.doomed.secret })).status).toBe(401);
  });
});

/**
 * A TCP proxy between a client and the server that can cut the feed's connection and refuse new
 * ones, while introspection passes: the feed "down" with Tollgate itself still answering.
 */
async function feedCutter(target: URL) {
  const feeds = new Set<Socket>();
  let blocking = false;
  const server: TcpServer = createTcpServer((downstream) => {
    const upstream = connect(Number(target.port), target.hostname);
    downstream.on("data", (chunk) => {
      if (chunk.toString("latin1").startsWith(`GET ${FEED}`)) {
        if (blocking) return void downstream.destroy();
        feeds.add(downstream);
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => downstream.write(chunk));
    const end = () => {
      feeds.delete(downstream);
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    cut(block: boolean) {
      blocking = block;
      for (const socket of feeds) socket.destroy();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test("while the feed is down every verify asks Tollgate; once it is back, memory answers again", async () => {
  const proxy = await feedCutter(new URL(api.server.baseUrl));
  try {
    const counter = countingFetch();
    const service = client({ url: proxy.url, fetch: counter.fetch });
    await service.ready();
    const { secret } = api.seed.tokens.whileDown;
    await service.verify(secret);
    await service.verify(secret);
    expect(counter.introspections).toBe(1);

    proxy.cut(true);
    await eventually(async () => service.stats().feed, (state) => state !== "ready");
    expect(service.stats()).toMatchObject({ feed: "down", entries: 0 });
    for (let i = 0; i < 3; i++) expect((await service.verify(secret)).active).toBe(true);
    expect(counter.introspections).toBe(4);

    proxy.cut(false);
    await service.ready();
    await service.verify(secret);
    await service.verify(secret);
    expect(counter.introspections).toBe(5);
    service.close();
  } finally {
    await proxy.close();
  }
});

test("SIGTERM ends every feed with `end` (shutdown); the client then asks Tollgate, which is gone", async () => {
  const feed = await rawFeed(api.seed.gateway.secret);
  const service = client();
  await service.ready();
  const { secret } = api.seed.tokens.known;
  expect((await service.verify(secret)).active).toBe(true);
  await eventually(async () => feed.events, (e) => e.some((x) => x.event === "ready"));
  await api.server.stop();
  await eventually(async () => feed.ended, (ended) => ended);
  expect({ ended: feed.ended, last: feed.events.at(-1) }).toEqual({ ended: true, last: { event: "end", data: { reason: "shutdown" } } });
  expect(service.stats()).toMatchObject({ lastFeedEnd: "shutdown", entries: 0 });
  expect(service.stats().feed).not.toBe("ready");
  await expect(service.verify(secret)).rejects.toMatchObject({ name: "TollgateError", status: 0 });
});
