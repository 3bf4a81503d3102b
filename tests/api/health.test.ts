import { randomBytes } from "node:crypto";
import { healthSchema } from "@/lib/api/schemas";
import { generateSecret } from "@/lib/tokens/secret";
import { startServer, type TestServer } from "../helpers/server";

// Starting a server takes a while on a shared, busy machine.
jest.setTimeout(120_000);

/** The two probes: liveness answers from memory, readiness asks the database. */

async function probe(server: TestServer, path: string) {
  const response = await fetch(server.baseUrl + path);
  const text = await response.text();
  return { status: response.status, type: response.headers.get("content-type"), body: JSON.parse(text) as unknown, text };
}

describe("with its database", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  test("GET /api/health (liveness) needs no token and says the process is up", async () => {
    const reply = await probe(server, "/api/health");
    expect(reply.status).toBe(200);
    expect(reply.type).toMatch(/^application\/json/);
    expect(reply.body).toEqual({ status: "ok" });
  });

  test("GET /api/health/ready (readiness) needs no token and says the database answers", async () => {
    const reply = await probe(server, "/api/health/ready");
    expect(reply.status).toBe(200);
    expect(healthSchema.parse(reply.body)).toEqual({ status: "ok" });
  });
});

describe("when the database cannot be reached", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Port 9 (discard) on the loopback: nothing listens, so every connection is refused at once.
    server = await startServer({
      env: {
        DATABASE_URL: "postgresql://tollgate@127.0.0.1:9/tollgate",
        TOKEN_HASH_KEY: randomBytes(32).toString("base64"),
        NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
      },
      waitFor: "live",
    });
  });
  afterAll(() => server?.stop());

  test("liveness still answers 200: restarting the instance would not bring the database back", async () => {
    const reply = await probe(server, "/api/health");
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: "ok" });
  });

  test("readiness answers 503 with a clear error and no internals", async () => {
    const reply = await probe(server, "/api/health/ready");
    expect(reply.status).toBe(503);
    expect(healthSchema.parse(reply.body)).toEqual({
      status: "unavailable",
      error: { code: "unavailable", message: "The database did not answer within 5 seconds (unreachable, or still opening at start-up); see the server log." },
    });
    expect(reply.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at \w+ \(/);
  });

  test("an API call that needs the database gets 503 with Retry-After, not a 500", async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${generateSecret()}` } });
    const text = await response.text();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(JSON.parse(text)).toMatchObject({ error: { code: "unavailable" } });
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|at \w+ \(/);
  });

  test("a malformed token is still refused from memory with 401", async () => {
    const response = await fetch(`${server.baseUrl}/api/v1/me`, { headers: { authorization: "Bearer tgp_whatever" } });
    expect(response.status).toBe(401);
  });
});
