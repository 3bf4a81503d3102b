/**
 * `npm run bench:retention -- [<postgres admin url>]`: the maintenance job's prune of a large
 * backlog (lib/jobs/maintenance.ts). Seeds AUDIT (default 1,000,000) audit events past retention,
 * a tenth as many young ones, USAGE usage hours past retention, and 1,000 tokens, straight in SQL;
 * then runs one maintenance run while two clients keep doing what requests do on the database
 * (an uncached token verification's lookup, and writing an audit event), and reports the run's
 * time and their latencies during it against the same loop idle. On PostgreSQL it creates and
 * drops a database of its own; without a URL it uses an embedded PGlite in memory.
 * The numbers are in docs/performance.md, "Retention".
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";

const AUDIT = Number(process.env.AUDIT ?? 1_000_000);
const USAGE = Number(process.env.USAGE ?? 200_000);
const NOW = new Date("2027-06-01T12:00:00.000Z");
const adminUrl = process.argv[2] ?? process.env.TEST_POSTGRES_URL;

const SEED = `
INSERT INTO users (id, email, name, created_at, updated_at)
SELECT gen_random_uuid(), 'bench' || i || '@bench.example', 'Bench ' || i, $1::timestamptz - interval '900 days', $1::timestamptz
FROM generate_series(1, 100) AS i;
INSERT INTO tokens (guid, user_id, name, partial, valid_from, created_at, updated_at)
SELECT gen_random_uuid(), (SELECT id FROM users ORDER BY email OFFSET i % 100 LIMIT 1), 'token ' || i, 'tgp_bench', $1::timestamptz - interval '900 days',
       $1::timestamptz - interval '900 days', $1::timestamptz
FROM generate_series(1, 1000) AS i;
INSERT INTO token_secrets (hash, token_guid, created_at)
SELECT encode(sha256(convert_to(guid::text, 'UTF8')), 'hex'), guid, created_at FROM tokens;
-- Past retention: 401 to 800 days old. Young: within the last 399 days.
INSERT INTO audit_events (id, occurred_at, action, actor_kind, target_user_id, details)
SELECT gen_random_uuid(), $1::timestamptz - interval '401 days' - random() * interval '399 days', 'user.signed_in', 'person',
       (SELECT id FROM users LIMIT 1), '{"bench": true}'
FROM generate_series(1, ${AUDIT});
INSERT INTO audit_events (id, occurred_at, action, actor_kind, target_user_id, details)
SELECT gen_random_uuid(), $1::timestamptz - random() * interval '399 days', 'user.signed_in', 'person', (SELECT id FROM users LIMIT 1), '{"bench": true}'
FROM generate_series(1, ${Math.round(AUDIT / 10)});
INSERT INTO token_usage (token_guid, hour, answered)
SELECT t.guid, date_trunc('hour', $1::timestamptz - interval '91 days') - h * interval '1 hour', 1
FROM (SELECT guid, row_number() OVER (ORDER BY guid) AS n FROM tokens) t, generate_series(0, ${Math.ceil(USAGE / 1000) - 1}) AS h;
ANALYZE;
`;

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `${samples.length} calls, p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`;
}

async function main(): Promise<void> {
  let name: string | undefined;
  if (adminUrl) {
    name = `tollgate_bench_retention_${randomBytes(4).toString("hex")}`;
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    process.env.DATABASE_URL = url.toString();
  } else {
    delete process.env.DATABASE_URL;
    process.env.EMBEDDED_DATABASE_DIR = "memory://";
  }
  process.env.TOKEN_HASH_KEY ??= randomBytes(32).toString("base64");
  process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64");
  const { closeDatabase, prisma } = await import("@/lib/db");
  const { recordEvent, SYSTEM } = await import("@/lib/audit/events");
  const { runMaintenance } = await import("@/lib/jobs/maintenance");
  try {
    const db = await prisma();
    let started = Date.now();
    for (const statement of SEED.split(";\n").map((s) => s.trim()).filter(Boolean)) {
      await db.$executeRawUnsafe(statement, ...(statement.includes("$1") ? [NOW] : []));
    }
    console.log(`${adminUrl ? "PostgreSQL" : "PGlite"}: seeded ${AUDIT} old and ${Math.round(AUDIT / 10)} young audit events, ${USAGE} old usage hours in ${Date.now() - started} ms`);
    const hashes = (await db.tokenSecret.findMany({ select: { hash: true } })).map((s) => s.hash);
    const userId = (await db.user.findFirstOrThrow()).id;

    // What requests do meanwhile: a verification's lookup (the cache missed), and an event written.
    const load = (until: () => boolean) => {
      const verify: number[] = [];
      const write: number[] = [];
      const loop = async () => {
        let i = 0;
        while (!until()) {
          const t0 = performance.now();
          await db.tokenSecret.findUnique({ where: { hash: hashes[i++ % hashes.length]! }, include: { token: { include: { scopes: true } } } });
          verify.push(performance.now() - t0);
          const t1 = performance.now();
          await recordEvent(db, SYSTEM, { action: "user.signed_in", targetUser: userId }, NOW);
          write.push(performance.now() - t1);
          // Requests arrive as I/O: without a turn of the event loop, PGlite (synchronous under its
          // promises) would run this loop as one endless chain of microtasks, and no timer would fire.
          await new Promise((resolve) => setImmediate(resolve));
        }
      };
      return { done: Promise.all([loop(), loop()]), verify, write };
    };

    const idleUntil = Date.now() + 5000;
    const idle = load(() => Date.now() > idleUntil);
    await idle.done;
    console.log(`idle, verification: ${summary(idle.verify)}; event insert: ${summary(idle.write)}`);

    let finished = false;
    const busy = load(() => finished);
    started = Date.now();
    const result = await runMaintenance(NOW, { settings: { auditRetentionDays: 400, usageRetentionDays: 90 } });
    const took = Date.now() - started;
    finished = true;
    await busy.done;
    console.log(`maintenance run: ${took} ms, ${JSON.stringify(result)}`);
    console.log(`during it, verification: ${summary(busy.verify)}; event insert: ${summary(busy.write)}`);
  } finally {
    await closeDatabase();
    if (name && adminUrl) {
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
