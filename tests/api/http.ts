import { createTestDatabase, startServer, type TestDatabase, type TestServer } from "../helpers/server";

/** A small HTTP client for the API tests: one call, the status, headers and parsed body back. */
export type Reply = { status: number; headers: Headers; body: any; text: string };

export type CallOptions = {
  /** A token secret, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as JSON (with Content-Type: application/json) unless it is already a string. */
  body?: unknown;
  headers?: Record<string, string>;
};

export function apiClient(baseUrl: string) {
  return async function call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization ??= `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      if (typeof options.body !== "string") headers["content-type"] ??= "application/json";
    }
    const response = await fetch(baseUrl + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = undefined;
    if (response.headers.get("content-type")?.includes("json") && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed, text };
  };
}

export type Call = ReturnType<typeof apiClient>;

export type SeededServer<Seed> = { database: TestDatabase; server: TestServer; call: Call; seed: Seed };

/**
 * What every API test file sets up: a fresh database seeded before the server starts (an
 * embedded database cannot be opened by two processes at once), the built app on it, and the
 * cleanup. The fields are filled in by beforeAll: read them inside tests.
 */
export function useSeededServer<Seed>(seedWith: () => Promise<Seed>, env: Record<string, string>): SeededServer<Seed> {
  const context = {} as SeededServer<Seed>;
  beforeAll(async () => {
    context.database = await createTestDatabase();
    context.seed = await context.database.use(seedWith);
    context.server = await startServer({ database: context.database, env });
    context.call = apiClient(context.server.baseUrl);
  }, 180_000);
  afterAll(async () => {
    await context.server?.stop();
    await context.database?.drop();
  }, 60_000);
  return context;
}
