import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { TollgateClient } from "../../clients/node/index.mjs";

/**
 * What a service gains by verifying with clients/node instead of asking Tollgate each time: the
 * same valid token verified (a) by POST /api/v1/introspect over HTTP, driven by autocannon, and
 * (b) by the client's `verify` from memory in a tight loop in this process (one core, the change
 * feed connected), for the same duration. For scripts/bench.ts; the server must be running.
 */
export type ClientBenchOptions = {
  baseUrl: string;
  /** A token with tokens:introspect: the service's own. */
  introspectSecret: string;
  /** A valid token to verify. */
  tokenSecret: string;
  /** Per side (default 10). */
  seconds?: number;
  /** autocannon's connections for the HTTP side (default 16). */
  connections?: number;
  /** Unmeasured introspection first, so that the HTTP side is not measured cold (default 2). */
  warmupSeconds?: number;
};

export type ClientBenchResult = {
  seconds: number;
  introspection: { perSecond: number; p50Ms: number; p99Ms: number; statuses: string };
  client: {
    perSecond: number;
    verifications: number;
    /** Requests the client made to Tollgate during the loop: 0 when every answer came from memory. */
    introspectionsDuringLoop: number;
  };
  /** client.perSecond / introspection.perSecond */
  ratio: number;
};

export async function benchClient({ baseUrl, introspectSecret, tokenSecret, seconds = 10, connections = 16, warmupSeconds = 2 }: ClientBenchOptions): Promise<ClientBenchResult> {
  const introspect = {
    url: `${baseUrl}/api/v1/introspect`,
    method: "POST" as const,
    headers: { authorization: `Bearer ${introspectSecret}`, "content-type": "application/json" },
    body: JSON.stringify({ token: tokenSecret }),
    connections,
  };
  if (warmupSeconds > 0) await autocannon({ ...introspect, duration: warmupSeconds });
  const http = await autocannon({ ...introspect, duration: seconds });
  const statuses = Object.entries(http.statusCodeStats ?? {})
    .map(([code, { count }]) => `${code}×${count}`)
    .join(" ");
  if (http.non2xx > 0 || http.errors > 0) throw new Error(`Introspection over HTTP failed during the bench: ${statuses}, errors×${http.errors}.`);
  const httpPerSecond = http.requests.total / http.duration;

  const client = new TollgateClient({ url: baseUrl, token: introspectSecret });
  try {
    await withTimeout(client.ready(), 10_000, "the change feed did not become ready");
    if (!(await client.verify(tokenSecret)).active) throw new Error("The token to verify is not active.");
    const asked = client.stats().introspections;
    let count = 0;
    const started = performance.now();
    const end = started + seconds * 1000;
    for (;;) {
      // Checking the clock costs more than a verification: every 1,024 of them.
      for (let i = 0; i < 1024; i++) {
        const answer = await client.verify(tokenSecret);
        if (!answer.active) throw new Error("The token became inactive during the bench.");
      }
      count += 1024;
      if (performance.now() >= end) break;
    }
    const elapsed = (performance.now() - started) / 1000;
    const clientPerSecond = count / elapsed;
    return {
      seconds,
      introspection: { perSecond: Math.round(httpPerSecond), p50Ms: http.latency.p50, p99Ms: http.latency.p99, statuses },
      client: { perSecond: Math.round(clientPerSecond), verifications: count, introspectionsDuringLoop: client.stats().introspections - asked },
      ratio: clientPerSecond / httpPerSecond,
    };
  } finally {
    client.close();
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}
