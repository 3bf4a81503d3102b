import { createToken, getToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { useSeededServer } from "./http";

// Each test makes a few HTTP calls to a real server on a shared, busy machine.
jest.setTimeout(30_000);

/**
 * What the server does between requests: it refuses an address after too many failed
 * authentications, and it keeps "last used" in memory until its batcher writes it, at the
 * latest when the server is stopped.
 *
 * The server runs as if behind one proxy (TRUST_PROXY=1), so each test can speak from its own
 * client address through X-Forwarded-For; its failure limit is 5 in a ten-minute window, and its
 * batcher's timer is an hour, so only the shutdown flush writes "last used" here.
 */
const LIMIT = 5;


async function seedTokens() {
  const owner = await createUser({ scopes: ["tokens:read", "tokens:write"] });
  const good = await createToken(owner.id, { name: "Good", scopes: ["tokens:read"] });
  const watched = await createToken(owner.id, { name: "Watched", scopes: ["tokens:read"] });
  return { owner, good, watched };
}

const api = useSeededServer(seedTokens, { TRUST_PROXY: "1", AUTH_FAILURE_LIMIT: String(LIMIT), AUTH_FAILURE_WINDOW_SECONDS: "600", USAGE_FLUSH_SECONDS: "3600" });

const from = (address: string, token?: string, headers: Record<string, string> = {}) =>
  api.call("GET", "/api/v1/me", { token, headers: { "x-forwarded-for": address, ...headers } });
const WRONG = "tgp_" + "0".repeat(36);

describe("failed authentication is limited per client address", () => {
  test(`after ${LIMIT} failures the address gets 429 with Retry-After, even with a valid token`, async () => {
    for (let i = 0; i < LIMIT; i++) expect((await from("203.0.113.10", WRONG)).status).toBe(401);
    const refused = await from("203.0.113.10", WRONG);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(refused.body.error).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/Try again in \d+ seconds/) });
    // A blocked address is refused before its credential is looked at, on every route.
    expect((await from("203.0.113.10", api.seed.good.secret)).status).toBe(429);
    const elsewhere = await api.call("GET", "/api/v1/tokens", { token: api.seed.good.secret, headers: { "x-forwarded-for": "203.0.113.10" } });
    expect(elsewhere.status).toBe(429);
  });

  test("other addresses are unaffected", async () => {
    expect((await from("203.0.113.11", api.seed.good.secret)).status).toBe(200);
    expect((await from("203.0.113.11", WRONG)).status).toBe(401);
  });

  test("entries a client puts in front of X-Forwarded-For are ignored: the proxy's entry counts", async () => {
    expect((await from("198.51.100.99, 203.0.113.10", api.seed.good.secret)).status).toBe(429);
    expect((await from("203.0.113.10, 203.0.113.12", api.seed.good.secret)).status).toBe(200);
  });

  test("successful requests spend nothing", async () => {
    for (let i = 0; i < 3 * LIMIT; i++) expect((await from("203.0.113.13", api.seed.good.secret)).status).toBe(200);
    for (let i = 0; i < LIMIT; i++) expect((await from("203.0.113.13", WRONG)).status).toBe(401);
    expect((await from("203.0.113.13", WRONG)).status).toBe(429);
  });

  test("requests without any credential are answered 401 but not counted as guesses", async () => {
    for (let i = 0; i < 2 * LIMIT; i++) expect((await from("203.0.113.14")).status).toBe(401);
    expect((await from("203.0.113.14", api.seed.good.secret)).status).toBe(200);
  });

  test("malformed headers count as failures", async () => {
    for (let i = 0; i < LIMIT; i++) expect((await from("203.0.113.15", undefined, { authorization: "Bearer a b" })).status).toBe(400);
    expect((await from("203.0.113.15", api.seed.good.secret)).status).toBe(429);
  });
});

// Last in this file: it stops the api.server.
test("last used is written once per batch, and what is pending is written when the server stops", async () => {
  for (let i = 0; i < 10; i++) {
    const reply = await from("198.51.100.7", api.seed.watched.secret, { "user-agent": `burst/${i}` });
    expect(reply.status).toBe(200);
  }
  // The batcher's timer is an hour: nothing has been written yet.
  const pending = await api.call("GET", `/api/v1/tokens/${api.seed.watched.token.guid}`, { token: api.seed.good.secret, headers: { "x-forwarded-for": "198.51.100.8" } });
  expect(pending.body.lastUsedAt).toBeNull();

  await api.server.stop();
  expect(api.server.output()).toMatch(/Shutdown: wrote the last use of \d+ token\(s\)/);
  const written = await api.database.use(() => getToken(api.seed.owner.id, api.seed.watched.token.guid));
  expect(written.lastUsedAt).not.toBeNull();
  expect(written.lastUsedIp).toBe("198.51.100.7");
  expect(written.lastUsedUserAgent).toBe("burst/9");
}, 60_000);
