/**
 * What memory verification holds (docs/performance.md, "Memory"), for `npm run bench` and on its own:
 *
 *   npx tsx --conditions=react-server scripts/lib/bench-memory.ts            # heap per cached token
 *   npx tsx --conditions=react-server scripts/lib/bench-memory.ts --server   # a built server's RSS: idle, seeded, after a fill
 *
 * The heap figure is the V8 heap after a forced collection before and after filling a
 * VerificationCache with 50,000 tokens built as a lookup builds them (fresh strings and Dates per
 * row, as the database driver returns them), so it does not depend on the machine's load.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { residentMemoryBytes, signInOverHttp } from "./app-process";
import { fillOf, VerificationCache, type TokenFill, type TokenRow } from "@/lib/tokens/cache";

export type CacheMemory = {
  entries: number;
  /** Heap per entry, everything the fill left reachable (tokens, keys, LRU slots, indexes). */
  bytesPerEntry: number;
  /** The LRU's arrays sized by `max` at construction: a fixed cost, whether full or empty. */
  fixedBytes: number;
  /** Per entry: a lookup's answer (strings, Dates, scope array) as it comes from the database, for comparison. */
  fillBytes: number;
};

const gc: () => void = (() => {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

function heapUsed(): number {
  // Twice: a first collection can leave what finalizers released for a second one.
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** A copy no other string shares, as a driver decoding a row makes. */
const decoder = new TextDecoder();
const fresh = (text: string) => decoder.decode(Buffer.from(text));

const SCOPE_SETS = [["tokens:read"], ["tokens:read", "tokens:write"], ["metrics:read"], ["tokens:introspect", "tokens:read"]];
const GRANTS = ["tokens:read", "tokens:write", "tokens:introspect", "metrics:read"];

/** One secret's row as `lookup` reads it: `users` × `perUser` tokens, a few scopes each. */
function row(user: number, i: number, userIds: string[]): TokenRow {
  const created = Date.UTC(2026, 0, 1) + i * 60_000;
  return {
    expiresAt: i % 50 === 0 ? new Date(created + 86_400_000) : null,
    token: {
      guid: fresh(randomUUID()),
      name: fresh(`${["deploy", "backup", "billing", "ci", "reports"][i % 5]} service ${i}`),
      userId: fresh(userIds[user]!),
      validFrom: new Date(created),
      validTo: i % 4 === 0 ? new Date(created + 90 * 86_400_000) : null,
      revokedAt: null,
      createdAt: new Date(created),
      scopes: SCOPE_SETS[i % SCOPE_SETS.length]!.map((scopeName) => ({ scopeName: fresh(scopeName) })),
      user: {
        email: fresh(`person${user}@example.com`),
        name: fresh(`Person Number ${user}`),
        isAdmin: false,
        disabledAt: null,
        grants: GRANTS.map((scopeName) => ({ scopeName: fresh(scopeName) })),
      },
    },
  };
}

/** Heap per cached token after filling a cache of `users` × `perUser` entries (its default size, 50,000). */
export function cacheMemoryPerEntry({ users = 50, perUser = 1_000 } = {}): CacheMemory {
  const entries = users * perUser;
  const userIds = Array.from({ length: users }, () => fresh(randomUUID()));

  const empty = heapUsed();
  let cache: VerificationCache | undefined = new VerificationCache({ max: entries, ttlMs: 3_600_000 });
  const constructed = heapUsed();

  // What a lookup returns, held in an array (8 bytes a slot, taken out below): what the cache used to hold.
  let fills: TokenFill[] | undefined = [];
  for (let u = 0; u < users; u++) for (let i = 0; i < perUser; i++) fills.push(fillOf(row(u, i, userIds)));
  const built = heapUsed();
  if (fills.length !== entries) throw new Error("unreachable"); // a read after the measurement keeps the array alive through it
  fills = undefined;
  const released = heapUsed();

  // The keys are made here, as verification hashes each secret, so that the cache is charged for them.
  for (let u = 0; u < users; u++) {
    for (let i = 0; i < perUser; i++) cache.set(randomBytes(32).toString("hex"), fillOf(row(u, i, userIds)), cache.generation);
  }
  const filled = heapUsed();
  if (cache.size !== entries) throw new Error(`The cache kept ${cache.size} of ${entries} entries.`);
  cache = undefined;

  const perEntry = (filled - released) / entries;
  return {
    entries,
    bytesPerEntry: Math.round(perEntry),
    fixedBytes: constructed - empty,
    fillBytes: Math.round((built - constructed) / entries - 8),
  };
}

const MiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

const PASSWORD = `memory-${randomBytes(6).toString("hex")}`;
const EMAIL = "memory@tollgate.local";

/** Seeds `count` tokens of one user into a fresh embedded database (createMany, as the bench does). */
export async function seedTokens(dataDir: string, count: number): Promise<string[]> {
  process.env.TOLLGATE_DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  const { prisma, closeDatabase } = await import("@/lib/db");
  const { signUp } = await import("@/lib/users/service");
  const { grantScope } = await import("@/lib/scopes/service");
  const { config } = await import("@/lib/config");
  const { generateSecret, hashSecret, partialOf } = await import("@/lib/tokens/secret");
  const user = await signUp({ name: "Memory", email: EMAIL, password: PASSWORD });
  await grantScope(user.id, "tokens:read");
  const db = await prisma();
  const key = config().tokenHashKey;
  const words = ["deploy", "backup", "billing", "ci", "mobile", "reports", "sync", "webhook", "partner", "audit"];
  const secrets: string[] = [];
  for (let start = 0; start < count; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - start) }, (_, k) => ({ guid: randomUUID(), secret: generateSecret(), i: start + k }));
    for (const r of rows) secrets.push(r.secret);
    await db.token.createMany({
      data: rows.map((r) => ({ guid: r.guid, userId: user.id, name: `${words[r.i % words.length]} service ${r.i}`, partial: partialOf(r.secret), validFrom: new Date() })),
    });
    await db.tokenSecret.createMany({ data: rows.map((r) => ({ tokenGuid: r.guid, hash: hashSecret(r.secret, key) })) });
    await db.tokenScope.createMany({ data: rows.map((r) => ({ tokenGuid: r.guid, scopeName: "tokens:read" })) });
  }
  await closeDatabase();
  return secrets;
}

/** Asks GET /api/v1/me once with each secret, `concurrency` at a time; every answer must be 200. */
export async function fillOverHttp(baseUrl: string, secrets: readonly string[], concurrency = 8): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < secrets.length) {
      const secret = secrets[next++]!;
      const response = await fetch(`${baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`GET /api/v1/me answered ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * The server's memory through what the bench does, briefly: idle, warm and malformed verification
 * (16 connections), the token page (1), then every token once (the cold scenario).
 */
async function serverFigures(count: number, seconds: number, env: Record<string, string>) {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const { default: autocannon } = await import("autocannon");
  const { peakMemoryBytes, startApp } = await import("./app-process");
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tollgate-memory-"));
  try {
    const secrets = await seedTokens(dataDir, count);
    const app = await startApp({ TOLLGATE_DATA_DIR: dataDir, AUTH_FAILURE_LIMIT: "1000000000", ...env }, { label: "memory-server", quiet: true });
    try {
      const pid = app.child.pid!;
      const report = (what: string, extra = "") => console.log(`${what}: RSS ${MiB(residentMemoryBytes(pid))}, peak ${MiB(peakMemoryBytes(pid))}${extra}`);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      report(`idle after start, ${count} tokens`);
      const load = async (what: string, options: Partial<import("autocannon").Options> & { path: string }) => {
        const result = await autocannon({ url: app.baseUrl + options.path, duration: seconds, connections: 16, ...options });
        report(what, ` (${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, non-2xx ${result.non2xx})`);
      };
      const warm = secrets[0]!;
      await load("after warm /api/v1/me", { path: "/api/v1/me", headers: { authorization: `Bearer ${warm}` } });
      await load("after malformed /api/v1/me", { path: "/api/v1/me", headers: { authorization: `Bearer ${warm.slice(0, -1)}${warm.endsWith("A") ? "B" : "A"}` } });
      const cookie = await signInOverHttp(app.baseUrl, EMAIL, PASSWORD);
      await load("after the token page", { path: "/settings/tokens?q=service&sort=name&order=asc", connections: 1, headers: { cookie } });
      await fillOverHttp(app.baseUrl, secrets);
      report(`RSS after the fill (${count} different tokens, each once)`);
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      report("10 s later (usage flushed)");
    } finally {
      await app.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  if (process.argv.includes("--server")) {
    const arg = (name: string, fallback: number) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback);
    // Extra server environment, e.g. TOLLGATE_MEMORY_ENV='{"NODE_OPTIONS":"--max-semi-space-size=8"}'.
    await serverFigures(arg("--tokens", 50_000), arg("--seconds", 5), JSON.parse(process.env.TOLLGATE_MEMORY_ENV ?? "{}"));
    return;
  }
  const memory = cacheMemoryPerEntry();
  console.log(
    `Heap per cached token: ${memory.bytesPerEntry} bytes (${memory.entries} entries; a lookup's answer alone: ${memory.fillBytes}); ` +
      `fixed, sized by max at construction: ${(memory.fixedBytes / 1024).toFixed(0)} KiB`,
  );
}

// Run on its own (not imported by the bench).
if (process.argv[1]?.endsWith("bench-memory.ts")) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
