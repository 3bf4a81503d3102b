import { TollgateClient } from "../../clients/node/index.mjs";

/**
 * The Node.js client's own logic (clients/node): the cache window, the LRU bound, the short
 * memory of inactive answers and what it does with the feed's events. Tollgate is played by a
 * scripted fetch (its answers and feed are what POST /api/v1/introspect and
 * GET /api/v1/introspect/changes give; tests/api/change-feed.test.ts runs the client against the
 * real server). The clock is pinned.
 */

const SECRET = (n: number) => `tgp_${String(n).padStart(36, "0")}`;
const GUID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);

type Answer = { active: false } | { active: true; guid: string; scope: string; nbf: number; exp?: number };

function tollgate() {
  const encoder = new TextEncoder();
  let feed: ReadableStreamDefaultController<Uint8Array> | undefined;
  const answers = new Map<string, Answer>();
  const asked: string[] = [];
  let hold: Promise<void> | undefined;
  const fake = {
    clock: T0,
    answers,
    asked,
    /** Feed connections made; the first `refusals.length` are answered with these statuses and headers. */
    feedConnects: 0,
    refusals: [] as { status: number; headers?: Record<string, string> }[],
    /** Makes introspection wait for `release` (an answer in flight). */
    holdAnswers() {
      let release = () => {};
      hold = new Promise<void>((resolve) => (release = resolve));
      return () => {
        hold = undefined;
        release();
      };
    },
    send(event: string, data: unknown) {
      feed!.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    },
    endFeed() {
      feed!.close();
      feed = undefined;
    },
    get feedOpen() {
      return feed !== undefined;
    },
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      if (url.endsWith("/api/v1/introspect/changes")) {
        const refusal = fake.refusals[fake.feedConnects++];
        if (refusal) return Response.json({ error: { code: "refused", message: "Refused." } }, refusal);
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            feed = controller;
          },
        });
        return new Response(body, { headers: { "content-type": "text/event-stream" } });
      }
      const { token } = JSON.parse(String(init!.body)) as { token: string };
      asked.push(token);
      if (hold) await hold;
      return Response.json(answers.get(token) ?? { active: false });
    }) as typeof fetch,
  };
  return fake;
}

const seconds = (ms: number) => Math.floor(ms / 1000);
const active = (n: number, extra: Partial<Answer> = {}): Answer => ({ active: true, guid: GUID(n), scope: "tokens:read", nbf: seconds(T0) - 60, ...extra }) as Answer;

const made: TollgateClient[] = [];
function clientOf(fake: ReturnType<typeof tollgate>, options: { maxEntries?: number; negativeTtlMs?: number } = {}) {
  const client = new TollgateClient({ url: "http://tollgate.test/", token: SECRET(0), fetch: fake.fetch, now: () => fake.clock, ...options });
  made.push(client);
  return client;
}
afterEach(() => made.splice(0).forEach((c) => c.close()));

async function readyClient(options: { maxEntries?: number; negativeTtlMs?: number } = {}) {
  const fake = tollgate();
  const client = clientOf(fake, options);
  await until(() => fake.feedOpen);
  fake.send("ready", {});
  await client.ready();
  return { fake, client };
}

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

test("before the feed is ready every verify asks; after, a known token is answered from memory", async () => {
  const fake = tollgate();
  fake.answers.set(SECRET(1), active(1));
  const client = clientOf(fake);
  await client.verify(SECRET(1));
  await client.verify(SECRET(1));
  expect(fake.asked).toHaveLength(2);
  await until(() => fake.feedOpen);
  fake.send("ready", {});
  await client.ready();
  await client.verify(SECRET(1));
  await client.verify(SECRET(1));
  expect(fake.asked).toHaveLength(3);
  expect(client.stats()).toMatchObject({ hits: 1, introspections: 3, entries: 1, feed: "ready" });
});

test("the cached window is judged on every call: past its exp, inactive without asking", async () => {
  const { fake, client } = await readyClient();
  fake.answers.set(SECRET(1), active(1, { exp: seconds(T0) + 10 }));
  expect((await client.verify(SECRET(1))).active).toBe(true);
  fake.clock = T0 + 9_999;
  expect((await client.verify(SECRET(1))).active).toBe(true);
  fake.clock = T0 + 10_000;
  expect(await client.verify(SECRET(1))).toEqual({ active: false });
  expect(fake.asked).toHaveLength(1);
  expect(client.stats().entries).toBe(0);
});

test("bounded: the least recently used answer goes first", async () => {
  const { fake, client } = await readyClient({ maxEntries: 2 });
  for (const n of [1, 2, 3]) fake.answers.set(SECRET(n), active(n));
  await client.verify(SECRET(1));
  await client.verify(SECRET(2));
  await client.verify(SECRET(1)); // 1 is now the most recent
  await client.verify(SECRET(3)); // so 2 goes
  expect(fake.asked).toEqual([SECRET(1), SECRET(2), SECRET(3)]);
  await client.verify(SECRET(1));
  await client.verify(SECRET(2));
  expect(fake.asked).toEqual([SECRET(1), SECRET(2), SECRET(3), SECRET(2)]);
  expect(client.stats().entries).toBe(2);
});

test("an inactive answer is remembered only for negativeTtlMs", async () => {
  const { fake, client } = await readyClient({ negativeTtlMs: 1_000 });
  expect(await client.verify(SECRET(9))).toEqual({ active: false });
  expect(await client.verify(SECRET(9))).toEqual({ active: false });
  expect(fake.asked).toHaveLength(1);
  // Meanwhile it became valid (its valid-from passed): soon accepted.
  fake.answers.set(SECRET(9), active(9));
  fake.clock = T0 + 1_000;
  expect((await client.verify(SECRET(9))).active).toBe(true);
  expect(fake.asked).toHaveLength(2);
});

test("tokens.changed drops the tokens it names and only those", async () => {
  const { fake, client } = await readyClient();
  fake.answers.set(SECRET(1), active(1));
  fake.answers.set(SECRET(2), active(2));
  await client.verify(SECRET(1));
  await client.verify(SECRET(2));
  fake.send("tokens.changed", { guids: [GUID(1)] });
  await until(() => client.stats().entries === 1);
  fake.answers.set(SECRET(1), { active: false });
  expect(await client.verify(SECRET(1))).toEqual({ active: false });
  expect((await client.verify(SECRET(2))).active).toBe(true);
  expect(fake.asked).toEqual([SECRET(1), SECRET(2), SECRET(1)]);
});

test("an answer that crossed an event on the way is used but not kept", async () => {
  const { fake, client } = await readyClient();
  fake.answers.set(SECRET(1), active(1));
  const release = fake.holdAnswers();
  const pending = client.verify(SECRET(1));
  await until(() => fake.asked.length === 1);
  fake.send("tokens.changed", { guids: [GUID(1)] });
  await until(() => client.stats().feedEvents === 1);
  release();
  expect((await pending).active).toBe(true);
  expect(client.stats().entries).toBe(0);
});

test("many calls with one new secret ask once", async () => {
  const { fake, client } = await readyClient();
  fake.answers.set(SECRET(1), active(1));
  const answers = await Promise.all(Array.from({ length: 10 }, () => client.verify(SECRET(1))));
  expect(answers.every((a) => a.active)).toBe(true);
  expect(fake.asked).toHaveLength(1);
});

test("when the feed ends: everything forgotten, every verify asks, until it is ready again", async () => {
  const { fake, client } = await readyClient();
  fake.answers.set(SECRET(1), active(1));
  await client.verify(SECRET(1));
  fake.send("end", { reason: "shutdown" });
  fake.endFeed();
  await until(() => client.stats().feed === "down");
  expect(client.stats()).toMatchObject({ entries: 0, lastFeedEnd: "shutdown" });
  await client.verify(SECRET(1));
  await client.verify(SECRET(1));
  expect(fake.asked).toHaveLength(3);
  // It reconnects by itself (after a backoff) and trusts memory again only after `ready`.
  await until(() => fake.feedOpen);
  await client.verify(SECRET(1));
  expect(fake.asked).toHaveLength(4);
  fake.send("ready", {});
  await client.ready();
  await client.verify(SECRET(1));
  await client.verify(SECRET(1));
  expect(fake.asked).toHaveLength(5);
});

describe("a feed Tollgate refuses", () => {
  afterEach(() => jest.useRealTimers());

  test("with Retry-After (429, the token's feeds all taken): not asked again before it has passed", async () => {
    jest.useFakeTimers();
    const fake = tollgate();
    fake.refusals.push({ status: 429, headers: { "retry-after": "10" } });
    const client = clientOf(fake);
    await jest.advanceTimersByTimeAsync(0);
    expect({ connects: fake.feedConnects, feed: client.stats().feed, error: client.stats().lastFeedError }).toEqual({
      connects: 1,
      feed: "down",
      error: 'Tollgate answered the change feed with 429: {"error":{"code":"refused","message":"Refused."}}',
    });
    // Its own backoff (100 ms, doubling to 5 s) would have tried again several times by now.
    await jest.advanceTimersByTimeAsync(9_999);
    expect(fake.feedConnects).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect({ connects: fake.feedConnects, open: fake.feedOpen }).toEqual({ connects: 2, open: true });
  });

  test("without it: tried again after the backoff's first step (100 ms at most)", async () => {
    jest.useFakeTimers();
    const fake = tollgate();
    fake.refusals.push({ status: 503 });
    clientOf(fake);
    await jest.advanceTimersByTimeAsync(0);
    expect(fake.feedConnects).toBe(1);
    await jest.advanceTimersByTimeAsync(100);
    expect({ connects: fake.feedConnects, open: fake.feedOpen }).toEqual({ connects: 2, open: true });
  });
});
