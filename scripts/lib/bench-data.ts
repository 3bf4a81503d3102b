import { randomUUID } from "node:crypto";

/**
 * The bench's data sets, written straight in SQL so that a million tokens take seconds, not the
 * hours createToken would. Most rows get a hash no secret has (sha256 of their GUID: HMAC with our
 * key cannot be computed in SQL without pgcrypto, which PGlite lacks); the few whose secrets the
 * bench will present (the cold pool) are generated in Node and inserted with their real HMAC.
 */
export type Sql = (sql: string) => Promise<unknown>;

const WORDS = ["deploy", "backup", "billing", "ci", "mobile", "reports", "sync", "webhook", "partner", "audit"];
const WORD_ARRAY = `ARRAY[${WORDS.map((w) => `'${w}'`).join(",")}]`;

/**
 * Tokens numbered from..to-1, dealt in turn to `owners`, named like the token page's filter
 * expects ("<word> service <n>"), created a minute apart, two in three used, one in four with an
 * end; each with its scope and a hash no secret has.
 */
export async function addTokens(sql: Sql, owners: string[], from: number, to: number, now: Date): Promise<void> {
  if (to <= from) return;
  const at = `'${now.toISOString()}'::timestamptz`;
  const owner = `(ARRAY[${owners.map((id) => `'${id}'::uuid`).join(",")}])[i % ${owners.length} + 1]`;
  await sql(`
    WITH made AS (
      INSERT INTO tokens (guid, user_id, name, partial, valid_from, valid_to, created_at, updated_at, last_used_at)
      SELECT gen_random_uuid(), ${owner}, (${WORD_ARRAY})[i % ${WORDS.length} + 1] || ' service ' || i, 'tgp_bnch…0000',
             ${at} - (2000000 - i) * interval '1 minute',
             CASE WHEN i % 4 = 0 THEN ${at} + (i + 1) * interval '1 day' END,
             ${at} - (2000000 - i) * interval '1 minute', ${at} - (2000000 - i) * interval '1 minute',
             CASE WHEN i % 3 = 0 THEN NULL ELSE ${at} - i * interval '1 second' END
      FROM generate_series(${from}, ${to - 1}) AS i
      RETURNING guid
    ), hashed AS (
      INSERT INTO token_secrets (hash, token_guid) SELECT encode(sha256(uuid_send(guid)), 'hex'), guid FROM made
    )
    INSERT INTO token_scopes (token_guid, scope_name) SELECT guid, 'tokens:read' FROM made`);
}

/** Tokens whose secrets the bench knows: `secrets` and their HMACs (hex, from Node), for `userId`; named to match the list's filter ("service") too. */
export async function addKnownTokens(sql: Sql, userId: string, known: { secret: string; hash: string; partial: string }[], now: Date): Promise<void> {
  for (let start = 0; start < known.length; start += 2000) {
    const rows = known.slice(start, start + 2000).map((k) => ({ ...k, guid: randomUUID() }));
    // Every value is ours (UUIDs, hex, the partial's base62): inlined, a VALUES list is one statement on both databases.
    const values = rows.map((r) => `('${r.guid}'::uuid, '${r.hash}', '${r.partial.replace(/'/g, "''")}')`).join(",");
    const at = `'${now.toISOString()}'::timestamptz`;
    await sql(`
      WITH v(guid, hash, partial) AS (VALUES ${values}),
      made AS (
        INSERT INTO tokens (guid, user_id, name, partial, valid_from, created_at, updated_at)
        SELECT guid, '${userId}'::uuid, 'cold service ' || guid::text, partial, ${at} - interval '1 day', ${at} - interval '1 day', ${at} FROM v
        RETURNING guid
      ), hashed AS (
        INSERT INTO token_secrets (hash, token_guid) SELECT hash, guid FROM v
      )
      INSERT INTO token_scopes (token_guid, scope_name) SELECT guid, 'tokens:read' FROM made`);
  }
}

/** `count` users with no password (they only own tokens), returning their ids. */
export async function addUsers(sql: <T>(sql: string) => Promise<T[]>, count: number, prefix: string): Promise<string[]> {
  const rows = await sql<{ id: string }>(`
    INSERT INTO users (id, email, name, created_at, updated_at)
    SELECT gen_random_uuid(), '${prefix}' || i || '@bench.example', 'Bench filler ' || i, now(), now()
    FROM generate_series(1, ${count}) AS i
    RETURNING id::text AS id`);
  return rows.map((r) => r.id);
}

/**
 * Runs `work` (bulk inserts) with the token tables' secondary indexes dropped, then builds them
 * again from their own definitions and analyzes: building an index once is several times cheaper
 * than keeping it up to date row by row (the trigram index above all), and the schema measured
 * afterwards is the same. Indexes that back a constraint (primary keys, uniques) stay.
 */
export async function withoutSecondaryIndexes(sql: Sql, query: <T>(sql: string) => Promise<T[]>, work: () => Promise<void>): Promise<void> {
  const indexes = await query<{ name: string; definition: string }>(`
    SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
    WHERE i.schemaname = 'public' AND i.tablename IN ('tokens', 'token_secrets', 'token_scopes')
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)`);
  for (const index of indexes) await sql(`DROP INDEX "${index.name}"`);
  try {
    await work();
  } finally {
    for (const index of indexes) await sql(index.definition);
    await sql("ANALYZE");
  }
}
