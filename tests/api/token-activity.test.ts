import { createToken } from "@/lib/tokens/service";
import { TEST_PASSWORD, createUser } from "../helpers/users";
import { signInOverHttp } from "../helpers/web-session";
import { useSeededServer } from "./http";

jest.setTimeout(120_000);

/**
 * The whole way from a request to what a person sees: N real requests with a token are counted in
 * memory, the running server's own flush writes them, and the token's page and its usage route
 * then show N (issue 14, "N requests with a token, after a flush, show N on its page and in the API").
 */
async function seed() {
  const owner = await createUser({ name: "Owner", scopes: ["tokens:read", "tokens:write"] });
  const used = await createToken(owner.id, { name: "Used", scopes: ["tokens:read"] });
  const reader = await createToken(owner.id, { name: "Reader", scopes: ["tokens:read"] });
  return { owner, used, reader };
}

// A flush every second: the test waits for the running server's timer, not for a shutdown.
const api = useSeededServer(seed, { TRUST_PROXY: "1", USAGE_FLUSH_SECONDS: "1" });

const N = 12;
const ADDRESS = "203.0.113.40";

async function usageOf(guid: string) {
  // Read with another token: reading with the counted one would count itself.
  const reply = await api.call("GET", `/api/v1/tokens/${guid}/usage`, { token: api.seed.reader.secret });
  expect(reply.status).toBe(200);
  return reply.body;
}

test("N requests with a token show N answered (and the refusals) in the API and on its page once the server has flushed", async () => {
  const { used, owner } = api.seed;
  const headers = { "x-forwarded-for": ADDRESS, "user-agent": "activity-test/1" };
  for (let i = 0; i < N; i++) expect((await api.call("GET", "/api/v1/me", { token: used.secret, headers })).status).toBe(200);
  for (let i = 0; i < 2; i++) {
    const refused = await api.call("POST", "/api/v1/tokens", { token: used.secret, headers, body: { name: "Nope", scopes: ["tokens:read"] } });
    expect(refused.status).toBe(403);
  }

  // Polled, not timed: the answer is whole once the flush after the last request has run.
  const deadline = Date.now() + 60_000;
  let usage = await usageOf(used.token.guid);
  while (usage.totals.daily.answered + usage.totals.daily.refusedScope < N + 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    usage = await usageOf(used.token.guid);
  }
  const sum = (buckets: { answered: number; refusedScope: number; refusedRate: number }[]) =>
    buckets.reduce((n, b) => ({ answered: n.answered + b.answered, refusedScope: n.refusedScope + b.refusedScope, refusedRate: n.refusedRate + b.refusedRate }), {
      answered: 0,
      refusedScope: 0,
      refusedRate: 0,
    });
  const expected = { answered: N, refusedScope: 2, refusedRate: 0 };
  expect(usage.totals).toEqual({ hourly: expected, daily: expected });
  expect([sum(usage.hourly), sum(usage.daily)]).toEqual([expected, expected]);
  expect(usage.addresses).toEqual([
    { ip: ADDRESS, firstSeenAt: expect.any(String), lastSeenAt: expect.any(String), uses: N + 2, userAgent: "activity-test/1" },
  ]);

  const session = await signInOverHttp(api.server.baseUrl, { email: owner.email, password: TEST_PASSWORD });
  const page = await session.get(`/settings/tokens/${used.token.guid}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain(`Requests per hour over the last 7 days: ${N} answered, 2 refused for a missing scope, 0 refused for the rate limit.`);
  expect(html).toContain(ADDRESS);
  // The first use from the address is an event on the token's page too.
  expect(html).toContain("Token used from a new address");
});
