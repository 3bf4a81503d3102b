/**
 * `npm run bench:inventory -- <postgres admin url>`: the administrators' token inventory at scale.
 * Creates a database of its own on that server, writes 10,000 users and 1,000,000 tokens into it
 * straight in SQL (generate_series), then times `listAllTokens` (lib/admin/token-inventory.ts,
 * the function page and API call) for the first page, deep pages by cursor, each sort and each
 * filter, and prints the p50 (and p90) of RUNS calls each, in ms. Drops the database at the end
 * unless KEEP=1 (then EXPLAIN ANALYZE by hand). The numbers are in docs/performance.md.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";

const RUNS = Number(process.env.RUNS ?? 11);
const USERS = 10_000;
const TOKENS = Number(process.env.TOKENS ?? 1_000_000);
const NOW = new Date("2026-12-01T12:00:00.000Z");

const adminUrl = process.argv[2] ?? process.env.TEST_POSTGRES_URL;
if (!adminUrl) throw new Error("Give the PostgreSQL admin URL: npm run bench:inventory -- postgresql://postgres@127.0.0.1:5432/postgres");

const SEED = `
INSERT INTO users (id, email, name, created_at, updated_at)
SELECT gen_random_uuid(), 'user' || i || '@bench.example', 'Bench User ' || i, $1::timestamptz - interval '800 days', $1::timestamptz
FROM generate_series(1, ${USERS}) AS i;

CREATE TEMP TABLE numbered AS SELECT id, row_number() OVER (ORDER BY email) - 1 AS n FROM users;

-- Created over two years; 40 % never expire, the rest within 400 days of creation; 5 % revoked;
-- 30 % never used; 1 % start later.
INSERT INTO tokens (guid, user_id, name, partial, valid_from, valid_to, revoked_at, created_at, updated_at, last_used_at)
SELECT gen_random_uuid(), u.id, 'token ' || g.i, 'tgp_bench', g.created + CASE WHEN g.r4 < 0.01 THEN interval '30 days' ELSE interval '0' END,
       CASE WHEN g.r1 < 0.4 THEN NULL ELSE g.created + (g.r2 * 400) * interval '1 day' END,
       CASE WHEN g.r3 < 0.05 THEN g.created + interval '1 hour' ELSE NULL END,
       g.created, g.created,
       CASE WHEN g.r4 < 0.3 THEN NULL ELSE g.created + (g.r5 * ($1::timestamptz - g.created)) END
FROM (
  SELECT i, $1::timestamptz - (random() * 730) * interval '1 day' AS created,
         random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
  FROM generate_series(1, ${TOKENS}) AS i
) AS g JOIN numbered u ON u.n = g.i % ${USERS};

INSERT INTO token_scopes (token_guid, scope_name)
SELECT guid, CASE WHEN r < 0.7 THEN 'tokens:read' WHEN r < 0.9 THEN 'tokens:write' ELSE 'metrics:read' END
FROM (SELECT guid, random() AS r FROM tokens) AS t;

-- Every token has its current secret; 1 % were rotated an hour ago with a day's overlap.
INSERT INTO token_secrets (hash, token_guid, created_at)
SELECT encode(sha256(convert_to(guid::text, 'UTF8')), 'hex'), guid, $1::timestamptz - interval '1 hour' FROM tokens;
INSERT INTO token_secrets (hash, token_guid, created_at, expires_at)
SELECT encode(sha256(convert_to(guid::text || 'previous', 'UTF8')), 'hex'), guid, created_at, $1::timestamptz + interval '23 hours'
FROM tokens WHERE get_byte(uuid_send(guid), 15) < 3;

UPDATE deployment_settings SET max_token_lifetime_days = 365, max_rotation_overlap_seconds = 3600 WHERE id = 1;
ANALYZE;
`;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function main() {
  process.env.TOKEN_HASH_KEY ??= randomBytes(32).toString("base64");
  process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64");
  // REUSE=<database> times a database an earlier run kept (KEEP=1) instead of seeding a new one.
  const reuse = process.env.REUSE;
  const name = reuse ?? `tollgate_inventory_${randomBytes(4).toString("hex")}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  if (!reuse) await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();

  const { closeDatabase, database } = await import("@/lib/db");
  const { listAllTokens } = await import("@/lib/admin/token-inventory");
  try {
    await database(); // migrates
    const seeding = new Client({ connectionString: url.toString() });
    await seeding.connect();
    const started = Date.now();
    if (!reuse) for (const statement of SEED.split(/;\s*\n/).filter((s) => s.trim())) await seeding.query(statement, statement.includes("$1") ? [NOW] : []);
    const { rows } = await seeding.query("SELECT count(*)::int AS n FROM tokens");
    console.log(`${reuse ? "Reusing" : "Seeded"} ${rows[0].n} tokens of ${USERS} users (${((Date.now() - started) / 1000).toFixed(0)} s).`);
    const someone = (await seeding.query("SELECT id FROM users ORDER BY email OFFSET 4242 LIMIT 1")).rows[0].id as string;
    // Deep pages: the cursors a client would hold after paging that far (the cursor's format is the module's own).
    const cursorOf = (sort: string, order: string, segment: number, key: string[]) =>
      Buffer.from(JSON.stringify({ sort, order, dir: "next", segment, key })).toString("base64url");
    const deepCreated = (await seeding.query(`SELECT created_at, guid::text FROM tokens ORDER BY created_at DESC, guid DESC OFFSET 500000 LIMIT 1`)).rows[0];
    const deepUsed = (await seeding.query(`SELECT last_used_at, guid::text FROM tokens WHERE last_used_at IS NOT NULL ORDER BY last_used_at, guid OFFSET 10000 LIMIT 1`)).rows[0];
    await seeding.end();

    const time = async (label: string, query: Record<string, unknown>) => {
      await listAllTokens(query, NOW); // warm
      const ms: number[] = [];
      let page: Awaited<ReturnType<typeof listAllTokens>> | undefined;
      for (let i = 0; i < RUNS; i++) {
        const t0 = process.hrtime.bigint();
        page = await listAllTokens(query, NOW);
        ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      const total = `${page!.total}${page!.totalIsExact ? "" : "+"}`;
      console.log(`| ${label} | ${percentile(ms, 0.5).toFixed(1)} | ${percentile(ms, 0.9).toFixed(1)} | ${total} |`);
      return page!;
    };

    console.log("| view (20 per page) | p50 ms | p90 ms | total shown |\n| --- | --- | --- | --- |");
    await time("first page (created, newest first)", {});
    await time("a page 500,000 tokens deep, by cursor (created)", { cursor: cursorOf("created", "desc", 0, [deepCreated.created_at.toISOString(), deepCreated.guid]) });
    const deepUsedCursor = cursorOf("lastUsed", "asc", 1, [deepUsed.last_used_at.toISOString(), deepUsed.guid]);
    const deep = await time("a page ~310,000 deep, by cursor (last used, oldest first, past the never-used)", { sort: "lastUsed", order: "asc", cursor: deepUsedCursor });
    await time("the page before that one (its prevCursor)", { sort: "lastUsed", order: "asc", cursor: deep.prevCursor });
    for (const sort of ["owner", "name", "status", "created", "lastUsed", "expires"] as const) {
      for (const order of ["asc", "desc"] as const) await time(`sort ${sort} ${order}`, { sort, order });
    }
    const filters: [string, Record<string, unknown>][] = [
      ["owner: part of an email (user4242@)", { owner: "user4242@" }],
      ["owner: a name part matching 1,111 users (User 1)", { owner: "Bench User 1" }],
      ["owner: a user id", { owner: someone }],
      ["scope metrics:read (10 %)", { scope: "metrics:read" }],
      ["status active", { status: "active" }],
      ["status inactive", { status: "inactive" }],
      ["status revoked", { status: "revoked" }],
      ["status expired", { status: "expired" }],
      ["status scheduled", { status: "scheduled" }],
      ["unused 30 days", { unused: "30" }],
      ["unused 90 days", { unused: "90" }],
      ["unused 365 days", { unused: "365" }],
      ["never used", { unused: "never" }],
      ["expires within 7 days", { expiring: "7" }],
      ["expires within 30 days", { expiring: "30" }],
      ["breaks policy (365 days, 1 h overlap)", { breaksPolicy: "true" }],
      ["expires within 7 days, sorted by expiry", { expiring: "7", sort: "expires", order: "asc" }],
      ["owner id + status active + sort name", { owner: someone, status: "active", sort: "name", order: "asc" }],
      ["scope metrics:read + never used + sort owner", { scope: "metrics:read", unused: "never", sort: "owner", order: "asc" }],
    ];
    for (const [label, query] of filters) await time(label, query);
  } finally {
    await closeDatabase();
    if (process.env.KEEP !== "1") await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    else console.log(`Kept ${url.toString()}`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
