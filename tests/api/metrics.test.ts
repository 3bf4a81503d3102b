import { metricsSchema } from "@/lib/api/schemas";
import { generateSecret } from "@/lib/tokens/secret";
import { createToken } from "@/lib/tokens/service";
import { createUser } from "../helpers/users";
import { useSeededServer } from "./http";

// Each test makes a few HTTP calls to a real server on a shared, busy machine.
jest.setTimeout(30_000);

/** GET /api/metrics: who may read it, and that its query counter says what requests cost. */

async function seedTokens() {
  const operator = await createUser({ scopes: ["tokens:read", "metrics:read"] });
  const metrics = await createToken(operator.id, { name: "Dashboard", scopes: ["metrics:read"] });
  const reader = await createToken(operator.id, { name: "Reader", scopes: ["tokens:read"] });
  return { metrics: metrics.secret, reader: reader.secret };
}

const api = useSeededServer(seedTokens, {});

async function requestQueries(): Promise<number> {
  const reply = await api.call("GET", "/api/metrics", { token: api.seed.metrics });
  expect(reply.status).toBe(200);
  const body = metricsSchema.parse(reply.body);
  return body.database.queries - body.database.backgroundQueries;
}

test("needs a token with metrics:read", async () => {
  expect((await api.call("GET", "/api/metrics")).status).toBe(401);
  const forbidden = await api.call("GET", "/api/metrics", { token: api.seed.reader });
  expect(forbidden.status).toBe(403);
  expect(forbidden.body.error).toMatchObject({ code: "insufficient_scope", scope: "metrics:read" });
});

test("answers the documented shape", async () => {
  const reply = await api.call("GET", "/api/metrics", { token: api.seed.metrics });
  expect(reply.status).toBe(200);
  expect(() => metricsSchema.parse(reply.body)).not.toThrow();
  expect(reply.body.database.backgroundQueries).toBeLessThanOrEqual(reply.body.database.queries);
});

test("reading the counters does not move them", async () => {
  await requestQueries(); // may verify the reader's token afresh, which the next reading shows
  const first = await requestQueries();
  expect(await requestQueries()).toBe(first);
});

test("a malformed token costs no query; an unknown well-formed one costs one, then none while it is remembered", async () => {
  await requestQueries(); // the reader's own token is verified and cached
  const before = await requestQueries();
  for (let i = 0; i < 5; i++) {
    const reply = await api.call("GET", "/api/v1/me", { token: api.seed.reader.slice(0, -1) + (api.seed.reader.endsWith("A") ? "B" : "A") });
    expect(reply.status).toBe(401);
  }
  expect(await requestQueries()).toBe(before);

  const unknown = generateSecret();
  for (let i = 0; i < 3; i++) expect((await api.call("GET", "/api/v1/me", { token: unknown })).status).toBe(401);
  // The negative entry lives 5 s: three calls in a row are one lookup (two if the entry expired between them).
  const spent = (await requestQueries()) - before;
  expect(spent).toBeGreaterThanOrEqual(1);
  expect(spent).toBeLessThanOrEqual(2);
});
