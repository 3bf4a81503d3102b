import { createHash, randomBytes } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { Client } from "pg";
import { prisma } from "@/lib/db";
import { applyMigrations, migrationsDir, readMigrations, type Migration, type SqlSession } from "@/lib/db/migrate";
import { useFreshDatabase } from "../helpers/database";

// The application's own database (for the client smoke test); the runner tests below use empty
// databases of their own.
useFreshDatabase();

type Scratch = { session: SqlSession; close(): Promise<void> };

/** An empty database of the kind under test: in-memory PGlite, or a new database on TEST_POSTGRES_URL. */
async function emptyDatabase(): Promise<Scratch> {
  const adminUrl = process.env.TEST_POSTGRES_URL;
  if (!adminUrl) {
    const pglite = await PGlite.create("memory://", { extensions: { pg_trgm } });
    return {
      session: { query: (sql, params) => pglite.query(sql, params) as never, exec: async (sql) => void (await pglite.exec(sql)) },
      close: () => pglite.close(),
    };
  }
  const name = `tollgate_migrate_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  return {
    session: { query: (sql, params) => client.query(sql, params) as never, exec: async (sql) => void (await client.query(sql)) },
    close: async () => {
      await client.end();
      const cleanup = new Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/** Every table and column of the public schema, to compare a database before and after. */
async function catalogue(session: SqlSession): Promise<string[]> {
  const { rows } = await session.query<{ line: string }>(
    `SELECT table_name || '.' || column_name || ' ' || data_type AS line FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY 1`,
  );
  return rows.map((r) => r.line);
}

const folders = readdirSync(migrationsDir(), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe("applyMigrations", () => {
  // One empty database, migrated once, shared by the tests below (each leaves it fully migrated).
  let scratch: Scratch;
  let session: SqlSession;
  let firstRun: string[];
  beforeAll(async () => {
    scratch = await emptyDatabase();
    session = scratch.session;
    firstRun = await applyMigrations(session);
  }, 60_000);
  afterAll(() => scratch.close());

  test("applies every migration folder in order on an empty database, and a second run changes nothing", async () => {
    expect(firstRun).toEqual(folders);
    const before = await catalogue(session);
    expect(before).toEqual(expect.arrayContaining(["tokens.guid uuid", "token_secrets.hash character", "_prisma_migrations.checksum character varying"]));
    const rowsBefore = await session.query(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    const scopesBefore = await session.query(`SELECT * FROM scopes ORDER BY name`);
    expect(scopesBefore.rows.length).toBeGreaterThanOrEqual(3);

    expect(await applyMigrations(session)).toEqual([]);
    expect(await catalogue(session)).toEqual(before);
    expect((await session.query(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`)).rows).toEqual(rowsBefore.rows);
    // The seeded scope catalogue is not duplicated either.
    expect((await session.query(`SELECT * FROM scopes ORDER BY name`)).rows).toEqual(scopesBefore.rows);
  });

  test("records each migration in _prisma_migrations as Prisma Migrate does", async () => {
    const { rows } = await session.query<{
      id: string;
      checksum: string;
      finished_at: Date | null;
      migration_name: string;
      logs: string | null;
      rolled_back_at: Date | null;
      started_at: Date;
      applied_steps_count: number;
    }>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(folders);
    for (const row of rows) {
      // Prisma's checksum: SHA-256 of the migration.sql file's bytes, lower-case hex.
      const file = readFileSync(path.join(migrationsDir(), row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row).toMatchObject({ logs: null, rolled_back_at: null, applied_steps_count: 1 });
    }

    // The table itself has Prisma's shape, so `prisma migrate status` can read it.
    const { rows: columns } = await session.query<{ column_name: string; type: string; nullable: string; length: number | null }>(
      `SELECT column_name, data_type AS type, is_nullable AS nullable, character_maximum_length AS length
       FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: "id", type: "character varying", nullable: "NO", length: 36 },
      { column_name: "checksum", type: "character varying", nullable: "NO", length: 64 },
      { column_name: "finished_at", type: "timestamp with time zone", nullable: "YES", length: null },
      { column_name: "migration_name", type: "character varying", nullable: "NO", length: 255 },
      { column_name: "logs", type: "text", nullable: "YES", length: null },
      { column_name: "rolled_back_at", type: "timestamp with time zone", nullable: "YES", length: null },
      { column_name: "started_at", type: "timestamp with time zone", nullable: "NO", length: null },
      { column_name: "applied_steps_count", type: "integer", nullable: "NO", length: null },
    ]);
  });

  test("refuses to run when an applied migration was edited, and applies nothing after it", async () => {
    const [first, ...rest] = readMigrations();
    const sql = `${first!.sql}\n-- an afterthought\n`;
    const edited: Migration = { ...first!, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    const later: Migration = { name: "29991231000000_later", sql: `CREATE TABLE "later" ("id" INTEGER)`, checksum: "0".repeat(64) };
    await expect(applyMigrations(session, [edited, ...rest, later])).rejects.toThrow(
      `Migration ${first!.name} was edited after it was applied (checksum differs). Add a new migration instead of changing an applied one.`,
    );
    expect((await session.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'later'`)).rows).toEqual([]);
    // The lock was released: the unedited set still applies (as a no-op).
    expect(await applyMigrations(session)).toEqual([]);
  });

  test("a failing migration is rolled back entirely and not recorded", async () => {
    const broken: Migration = {
      name: "29991231000000_broken",
      sql: `CREATE TABLE "half_done" ("id" INTEGER);\nSELECT 1 / 0;`,
      checksum: "b".repeat(64),
    };
    await expect(applyMigrations(session, [...readMigrations(), broken])).rejects.toThrow(/^Migration 29991231000000_broken failed: division by zero/);
    expect((await session.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`)).rows).toEqual([]);
    expect((await session.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1`, [broken.name])).rows).toEqual([]);
    expect(await applyMigrations(session)).toEqual([]);
  });

  test("a new migration is applied on top of the existing ones, once", async () => {
    const extra: Migration = { name: "29991231000000_extra", sql: `CREATE TABLE "extra" ("id" INTEGER);`, checksum: "e".repeat(64) };
    expect(await applyMigrations(session, [...readMigrations(), extra])).toEqual(["29991231000000_extra"]);
    expect(await applyMigrations(session, [...readMigrations(), extra])).toEqual([]);
    expect((await session.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'extra'`)).rows).toHaveLength(1);
  });

  (process.env.TEST_POSTGRES_URL ? test : test.skip)("two instances starting together apply each migration once (PostgreSQL)", async () => {
    const scratch = await emptyDatabase();
    const url = new URL(process.env.TEST_POSTGRES_URL!);
    const { rows } = await scratch.session.query<{ db: string }>("SELECT current_database() AS db");
    url.pathname = `/${rows[0]!.db}`;
    const second = new Client({ connectionString: url.toString() });
    await second.connect();
    try {
      const secondSession: SqlSession = { query: (sql, params) => second.query(sql, params) as never, exec: async (sql) => void (await second.query(sql)) };
      const ran = await Promise.all([applyMigrations(scratch.session), applyMigrations(secondSession)]);
      expect([...ran[0]!, ...ran[1]!].sort()).toEqual(folders);
      const { rows: recorded } = await scratch.session.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
      expect(recorded[0]!.n).toBe(folders.length);
    } finally {
      await second.end();
      await scratch.close();
    }
  });
});

/**
 * What prisma/schema.prisma says the database holds, read from the schema file itself: tables,
 * columns (type, length, precision, nullability), primary keys, unique columns, indexes and foreign
 * keys. Only the constructs this schema uses are understood; an unknown one fails the test.
 */
function expectedFromPrismaSchema() {
  const schema = readFileSync(path.join(process.cwd(), "prisma", "schema.prisma"), "utf8");
  const blocks = [...schema.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)].map(([, model, body]) => ({ model: model!, body: body! }));
  const models = new Set(blocks.map((b) => b.model));
  const tables = new Map(blocks.map(({ model, body }) => [model, body.match(/@@map\("(\w+)"\)/)?.[1] ?? model]));

  const columns: string[] = [];
  const primaryKeys: string[] = [];
  const uniques: string[] = [];
  const indexes: string[] = [];
  const foreignKeys: string[] = [];
  for (const { model, body } of blocks) {
    const table = tables.get(model)!;
    const columnOf = new Map<string, string>();
    const relations: { fields: string[]; target: string; onDelete: string }[] = [];
    const lines = body.split("\n").map((line) => line.replace(/\/\/.*$/, "").trim()).filter((line) => line && !line.startsWith("///"));
    for (const line of lines.filter((l) => !l.startsWith("@@"))) {
      const [, field, type, modifier, attributes = ""] = line.match(/^(\w+)\s+(\w+)(\?|\[\])?\s*(.*)$/) ?? [];
      if (!field || !type) throw new Error(`Cannot read the field line "${line}" of model ${model}`);
      if (models.has(type)) {
        const relation = attributes.match(/@relation\((?:"\w+", )?fields: \[([\w, ]+)\], references: \[([\w, ]+)\](?:, onDelete: (\w+))?\)/);
        if (relation) relations.push({ fields: relation[1]!.split(/,\s*/), target: tables.get(type)!, onDelete: relation[3] ?? "default" });
        continue;
      }
      const column = attributes.match(/@map\("(\w+)"\)/)?.[1] ?? field;
      columnOf.set(field, column);
      const native = attributes.match(/@db\.(\w+)(?:\((\d+)\))?/);
      const sqlType =
        native?.[1] === "VarChar" ? `character varying(${native[2]})`
        : native?.[1] === "Char" ? `character(${native[2]})`
        : native?.[1] === "Uuid" ? "uuid"
        : native?.[1] === "Timestamptz" ? `timestamp with time zone(${native[2] ?? 6})`
        : native ? `unknown native type ${native[1]}`
        : { String: "text", Boolean: "boolean", Int: "integer", DateTime: "timestamp without time zone(3)", Json: "jsonb" }[type] ?? `unknown type ${type}`;
      // information_schema names every list column's type ARRAY, whatever it holds.
      columns.push(`${table}.${column} ${modifier === "[]" ? "ARRAY" : sqlType}${modifier === "?" ? " null" : " not null"}`);
      if (attributes.includes("@id")) primaryKeys.push(`${table}(${column})`);
      if (attributes.includes("@unique")) uniques.push(`${table}(${column})`);
    }
    for (const { fields, target, onDelete } of relations) {
      foreignKeys.push(`${table}(${fields.map((f) => columnOf.get(f) ?? `unknown field ${f}`).join(", ")}) -> ${target} on delete ${onDelete}`);
    }
    for (const line of lines.filter((l) => l.startsWith("@@"))) {
      const fields = (line.match(/\[([^\]]*)\]/)?.[1] ?? "").split(",").map((f) => f.trim().replace(/\(.*$/, ""));
      const cols = fields.map((f) => columnOf.get(f) ?? `unknown field ${f}`);
      if (line.startsWith("@@id")) primaryKeys.push(`${table}(${cols.join(", ")})`);
      else if (line.startsWith("@@index")) indexes.push(line.match(/map: "(\w+)"/)?.[1] ?? `${table}_${cols.join("_")}_idx`);
      else if (!line.startsWith("@@map")) throw new Error(`Cannot read "${line}" of model ${model}`);
    }
  }
  return { tables: [...tables.values()].sort(), columns: columns.sort(), primaryKeys: primaryKeys.sort(), uniques: uniques.sort(), indexes: indexes.sort(), foreignKeys: foreignKeys.sort() };
}

describe("the migrated schema is the one Prisma expects", () => {
  test("tables, columns, keys, indexes and foreign keys match prisma/schema.prisma", async () => {
    const db = await prisma();
    const q = <T,>(sql: string) => db.$queryRawUnsafe<T[]>(sql);
    const expected = expectedFromPrismaSchema();

    const tables = await q<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1`,
    );
    const columns = await q<{ line: string }>(
      `SELECT table_name || '.' || column_name || ' ' ||
              CASE WHEN data_type IN ('character varying', 'character') THEN data_type || '(' || character_maximum_length || ')'
                   WHEN data_type LIKE 'timestamp%' THEN data_type || '(' || datetime_precision || ')'
                   ELSE data_type END ||
              CASE WHEN is_nullable = 'YES' THEN ' null' ELSE ' not null' END AS line
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const keyColumns = (type: string) =>
      q<{ line: string }>(
        `SELECT tc.table_name || '(' || string_agg(kcu.column_name, ', ' ORDER BY kcu.ordinal_position) || ')' AS line
         FROM information_schema.table_constraints tc
         JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
         WHERE tc.table_schema = 'public' AND tc.constraint_type = '${type}' AND tc.table_name <> '_prisma_migrations'
         GROUP BY tc.table_name, tc.constraint_name`,
      );
    const uniqueIndexes = await q<{ line: string }>(
      `SELECT t.relname || '(' || a.attname || ')' AS line FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ix ON ix.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
       WHERE n.nspname = 'public' AND i.indisunique AND NOT i.indisprimary AND i.indnatts = 1`,
    );
    const indexes = await q<{ name: string }>(
      `SELECT indexname AS name FROM pg_indexes i
       WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
         AND indexname NOT IN (SELECT constraint_name FROM information_schema.table_constraints WHERE constraint_type = 'PRIMARY KEY')
         AND indexdef NOT LIKE 'CREATE UNIQUE%'`,
    );
    const foreignKeys = await q<{ line: string }>(
      `SELECT tc.table_name || '(' || string_agg(kcu.column_name, ', ' ORDER BY kcu.ordinal_position) || ') -> ' || ccu.table_name ||
              ' on delete ' || CASE rc.delete_rule WHEN 'CASCADE' THEN 'Cascade' WHEN 'SET NULL' THEN 'SetNull' ELSE rc.delete_rule END AS line
       FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name
       JOIN information_schema.referential_constraints rc ON rc.constraint_name = tc.constraint_name
       JOIN (SELECT DISTINCT constraint_name, table_name FROM information_schema.constraint_column_usage) ccu ON ccu.constraint_name = tc.constraint_name
       WHERE tc.table_schema = 'public' AND tc.constraint_type = 'FOREIGN KEY'
       GROUP BY tc.table_name, tc.constraint_name, ccu.table_name, rc.delete_rule`,
    );

    const lines = (rows: { line: string }[]) => rows.map((r) => r.line).sort();
    expect(tables.map((t) => t.name)).toEqual(expected.tables);
    expect(lines(columns)).toEqual(expected.columns);
    expect(lines(await keyColumns("PRIMARY KEY"))).toEqual(expected.primaryKeys);
    expect(lines(uniqueIndexes)).toEqual(expected.uniques);
    // An expression index Prisma cannot declare (its comment in the schema says so).
    const sqlOnly = ["tokens_unused_idx"];
    expect(indexes.map((i) => i.name).filter((name) => !sqlOnly.includes(name)).sort()).toEqual(expected.indexes);
    expect(indexes.map((i) => i.name)).toEqual(expect.arrayContaining(sqlOnly));
    expect(lines(foreignKeys)).toEqual(expected.foreignKeys);
  });

  test("every model and every field round-trips through the client, at the longest values the columns allow", async () => {
    const db = await prisma();
    const at = (iso: string) => new Date(iso);
    const userId = "0b6f4a52-3c1d-4e8f-9a7b-2c3d4e5f6a7b";
    const guid = "5e1a2b3c-4d5e-4f60-8a7b-8c9d0e1f2a3b";
    const user = {
      id: userId,
      email: `${"e".repeat(242)}@example.com`,
      name: "ü".repeat(100),
      passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
      isAdmin: true,
      disabledAt: at("2030-01-01T00:00:00.013Z"),
      lastSignInAt: at("2030-01-01T00:00:00.014Z"),
      notifyNewAddress: true,
      createdAt: at("2030-01-01T00:00:00.001Z"),
      updatedAt: at("2030-01-02T00:00:00.002Z"),
    };
    const scope = {
      name: `smoke:${"s".repeat(58)}`,
      description: "d".repeat(200),
      createdAt: at("2030-01-03T00:00:00.003Z"),
      retiredAt: at("2030-01-03T00:00:00.015Z"),
    };
    const grant = { userId, scopeName: scope.name, grantedAt: at("2030-01-04T00:00:00.004Z") };
    const token = {
      guid,
      userId,
      name: "🚀".repeat(50),
      description: "é".repeat(500),
      partial: "p".repeat(32),
      validFrom: at("2030-01-05T00:00:00.005Z"),
      validTo: at("2030-02-05T00:00:00.006Z"),
      revokedAt: at("2030-01-06T00:00:00.007Z"),
      createdAt: at("2030-01-05T00:00:00.008Z"),
      updatedAt: at("2030-01-06T00:00:00.009Z"),
      lastUsedAt: at("2030-01-05T12:00:00.010Z"),
      lastUsedIp: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
      lastUsedUserAgent: "u".repeat(256),
      revokedById: userId,
      revocationReason: "r".repeat(500),
      revokedBySystem: true,
      unusedWarnedAt: new Date("2030-01-06T00:00:00.008Z"),
    };
    const secret = { hash: "f".repeat(64), tokenGuid: guid, createdAt: at("2030-01-05T00:00:00.011Z"), expiresAt: at("2030-01-07T00:00:00.012Z") };
    const tokenScope = { tokenGuid: guid, scopeName: scope.name };

    await db.user.create({ data: user });
    await db.scope.create({ data: scope });
    await db.userScope.create({ data: grant });
    await db.token.create({ data: token });
    await db.tokenSecret.create({ data: secret });
    await db.tokenScope.create({ data: tokenScope });

    expect(await db.user.findUniqueOrThrow({ where: { id: userId } })).toEqual({ ...user, updatedAt: expect.any(Date) });
    expect(await db.scope.findUniqueOrThrow({ where: { name: scope.name } })).toEqual({ ...scope, updatedAt: expect.any(Date) });
    expect(await db.userScope.findUniqueOrThrow({ where: { userId_scopeName: { userId, scopeName: scope.name } } })).toEqual(grant);
    expect(await db.token.findUniqueOrThrow({ where: { guid } })).toEqual({ ...token, nameFolded: token.name, updatedAt: expect.any(Date) });
    expect(await db.tokenSecret.findUniqueOrThrow({ where: { hash: secret.hash } })).toEqual(secret);
    expect(await db.tokenScope.findUniqueOrThrow({ where: { tokenGuid_scopeName: tokenScope } })).toEqual(tokenScope);

    const settings = {
      id: 1,
      defaultScopes: [scope.name],
      defaultScopesChosen: true,
      maxTokenLifetimeDays: 2_147_483_647,
      maxRotationOverlapSeconds: 0,
      maxActiveTokensPerUser: 1,
      revokeUnusedAfterDays: 365,
    };
    await db.deploymentSettings.update({ where: { id: 1 }, data: settings });
    expect(await db.deploymentSettings.findUniqueOrThrow({ where: { id: 1 } })).toEqual({ ...settings, updatedAt: expect.any(Date) });
    await expect(db.deploymentSettings.create({ data: { id: 2 } })).rejects.toThrow();
    const jobs = { id: 1, eventsThrough: at("2030-01-08T00:00:00.021Z"), lastRunAt: at("2030-01-08T00:05:00.022Z") };
    await db.jobsState.update({ where: { id: 1 }, data: jobs });
    expect(await db.jobsState.findUniqueOrThrow({ where: { id: 1 } })).toEqual(jobs);
    await expect(db.jobsState.create({ data: { id: 2, eventsThrough: jobs.eventsThrough } })).rejects.toThrow();
    const event = {
      id: "7a3c4d5e-6f70-4b81-8c9d-0e1f2a3b4c5d",
      occurredAt: at("2030-01-08T00:00:00.016Z"),
      action: "a".repeat(64),
      actorKind: "administrator",
      actorUserId: userId,
      actorLabel: user.email,
      actorToken: guid,
      targetUser: userId,
      targetToken: guid,
      targetScope: scope.name,
      details: { before: { description: "é" }, after: { description: "ü" }, count: 3 },
      ip: token.lastUsedIp,
      userAgent: token.lastUsedUserAgent,
      dedupeKey: "k".repeat(200),
    };
    await db.auditEvent.create({ data: event });
    expect(await db.auditEvent.findUniqueOrThrow({ where: { id: event.id } })).toEqual(event);
    await expect(db.auditEvent.create({ data: { ...event, id: "8b4d5e6f-7081-4c92-9dae-1f2a3b4c5d6e" } })).rejects.toThrow();

    const history = { id: "9c5e6f70-8192-4da3-8ebf-2a3b4c5d6e7f", tokenGuid: guid, partial: "p".repeat(32), issuedAt: at("2030-01-05T00:00:00.017Z"), stoppedAt: at("2030-01-07T00:00:00.018Z") };
    const usage = { tokenGuid: guid, hour: at("2030-01-05T12:00:00Z"), source: "6f2b3c4d-5e6f-4a70-9b8c-9d0e1f2a3b4c", answered: 2_147_483_647, refusedScope: 1, refusedRate: 2 };
    const address = {
      tokenGuid: guid,
      ip: token.lastUsedIp,
      firstSeenAt: at("2030-01-05T12:00:00.019Z"),
      lastSeenAt: at("2030-01-05T13:00:00.020Z"),
      uses: 3,
      userAgent: token.lastUsedUserAgent,
    };
    await db.tokenSecretHistory.create({ data: history });
    await db.tokenUsage.create({ data: usage });
    await db.tokenAddress.create({ data: address });
    expect(await db.tokenSecretHistory.findUniqueOrThrow({ where: { id: history.id } })).toEqual(history);
    expect(await db.tokenUsage.findUniqueOrThrow({ where: { tokenGuid_hour_source: { tokenGuid: guid, hour: usage.hour, source: usage.source } } })).toEqual(usage);
    expect(await db.tokenAddress.findUniqueOrThrow({ where: { tokenGuid_ip: { tokenGuid: guid, ip: address.ip } } })).toEqual(address);

    const notification = {
      id: "0d6f7081-92a3-4eb4-8fc0-3b4c5d6e7f80",
      userId,
      kind: "k".repeat(64),
      tokenGuid: guid,
      title: "t".repeat(200),
      body: "b".repeat(5000),
      link: `/${"l".repeat(499)}`,
      createdAt: at("2030-01-09T00:00:00.023Z"),
      readAt: at("2030-01-09T00:00:00.024Z"),
      dedupeKey: "n".repeat(200),
    };
    const mail = {
      id: "1e708192-a3b4-4fc5-90d1-4c5d6e7f8091",
      userId,
      kind: "k".repeat(64),
      to: user.email,
      subject: "s".repeat(300),
      text: "x".repeat(5000),
      html: "<p>é</p>",
      dedupeKey: "m".repeat(200),
      createdAt: at("2030-01-09T00:00:00.025Z"),
      attempts: 10,
      nextAttemptAt: at("2030-01-09T00:00:00.026Z"),
      claimedUntil: at("2030-01-09T00:00:00.027Z"),
      sentAt: at("2030-01-09T00:00:00.028Z"),
      failedAt: at("2030-01-09T00:00:00.029Z"),
      lastError: "e".repeat(1000),
    };
    const reset = { hash: "a".repeat(64), userId, createdAt: at("2030-01-09T00:00:00.030Z"), expiresAt: at("2030-01-09T01:00:00.030Z"), usedAt: at("2030-01-09T00:10:00.031Z") };
    const report = {
      id: "2f8192a3-b4c5-40d6-a1e2-5d6e7f8091a2",
      receivedAt: at("2030-01-09T00:00:00.032Z"),
      ip: token.lastUsedIp,
      userAgent: token.lastUsedUserAgent,
      source: `https://example.com/${"p".repeat(2028)}`,
      submitted: 1000,
      revoked: 999,
    };
    await db.notification.create({ data: notification });
    await db.mailOutbox.create({ data: mail });
    await db.passwordReset.create({ data: reset });
    await db.leakReport.create({ data: report });
    expect(await db.notification.findUniqueOrThrow({ where: { id: notification.id } })).toEqual(notification);
    expect(await db.mailOutbox.findUniqueOrThrow({ where: { id: mail.id } })).toEqual(mail);
    expect(await db.passwordReset.findUniqueOrThrow({ where: { hash: reset.hash } })).toEqual(reset);
    expect(await db.leakReport.findUniqueOrThrow({ where: { id: report.id } })).toEqual(report);
    // Dedupe keys are unique: that is what makes a reminder exactly once.
    await expect(db.notification.create({ data: { ...notification, id: "3a92a3b4-c5d6-41e7-b2f3-6e7f8091a2b3" } })).rejects.toThrow();
    await expect(db.mailOutbox.create({ data: { ...mail, id: "4ba3b4c5-d6e7-42f8-83a4-7f8091a2b3c4" } })).rejects.toThrow();

    // Optional fields take null, and defaults fill what is left out.
    const bare = await db.token.create({
      data: { guid: "6f2b3c4d-5e6f-4a70-9b8c-9d0e1f2a3b4c", userId, name: "bare", partial: "tgp_…", validFrom: at("2030-01-05T00:00:00Z") },
    });
    expect(bare).toMatchObject({
      description: "",
      validTo: null,
      revokedAt: null,
      lastUsedAt: null,
      lastUsedIp: null,
      lastUsedUserAgent: null,
      revokedById: null,
      revocationReason: null,
      revokedBySystem: false,
    });
    expect(await db.user.create({ data: { email: "bare@example.com", name: "Bare" } })).toMatchObject({
      passwordHash: null,
      isAdmin: false,
      disabledAt: null,
      lastSignInAt: null,
      notifyNewAddress: false,
    });

    // Deleting a scope from the catalogue removes it from grants and tokens...
    await db.scope.delete({ where: { name: scope.name } });
    expect(await Promise.all([db.userScope.count({ where: { userId } }), db.tokenScope.count({ where: { tokenGuid: guid } }), db.token.count({ where: { userId } })])).toEqual([0, 0, 2]);
    // ...and deleting the user removes everything that hangs off it.
    await db.user.delete({ where: { id: userId } });
    expect(
      await Promise.all([
        db.token.count({ where: { userId } }),
        db.tokenSecret.count({ where: { tokenGuid: guid } }),
        db.tokenSecretHistory.count({ where: { tokenGuid: guid } }),
        db.tokenUsage.count({ where: { tokenGuid: guid } }),
        db.tokenAddress.count({ where: { tokenGuid: guid } }),
        db.notification.count({ where: { id: notification.id } }),
        db.passwordReset.count({ where: { hash: reset.hash } }),
      ]),
    ).toEqual([0, 0, 0, 0, 0, 0, 0]);
    // A queued mail outlives its account (it may still be owed), without the link to it.
    expect(await db.mailOutbox.findUniqueOrThrow({ where: { id: mail.id } })).toEqual({ ...mail, userId: null });
    // The record outlives what it is about: audit events have no foreign keys.
    expect(await db.auditEvent.count({ where: { id: event.id } })).toBe(1);
  });
});

describe("the activity migration's backfill", () => {
  test("a token from before it gets its current secret as the first of its history, issued when that secret was made", async () => {
    const scratch = await emptyDatabase();
    try {
      const migrations = readMigrations();
      const activity = migrations.findIndex((m) => m.name === "20261201180000_activity");
      expect(activity).toBeGreaterThan(0);
      await applyMigrations(scratch.session, migrations.slice(0, activity));
      const user = "7d0c3e6a-1b2c-4d5e-8f90-a1b2c3d4e5f6";
      const [rotated, bare] = ["1f0c3e6a-1b2c-4d5e-8f90-a1b2c3d4e5f6", "2f0c3e6a-1b2c-4d5e-8f90-a1b2c3d4e5f6"];
      await scratch.session.exec(`
        INSERT INTO users (id, email, name, updated_at) VALUES ('${user}', 'before@example.com', 'Before', now());
        INSERT INTO tokens (guid, user_id, name, partial, valid_from, created_at, updated_at) VALUES
          ('${rotated}', '${user}', 'Rotated before', 'tgp_NEW1…abcd', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', now()),
          ('${bare}', '${user}', 'No secret left', 'tgp_OLD2…efgh', '2026-11-02T00:00:00Z', '2026-11-02T00:00:00Z', now());
        -- The rotated token's previous secret winds down; its current one was made on 2026-11-20.
        INSERT INTO token_secrets (hash, token_guid, created_at, expires_at) VALUES
          ('${"a".repeat(64)}', '${rotated}', '2026-11-01T00:00:00Z', '2026-12-31T00:00:00Z'),
          ('${"b".repeat(64)}', '${rotated}', '2026-11-20T00:00:00Z', NULL);
      `);
      expect(await applyMigrations(scratch.session)).toEqual(migrations.slice(activity).map((m) => m.name));
      const { rows } = await scratch.session.query<{ token_guid: string; partial: string; issued_at: Date; stopped_at: Date | null }>(
        `SELECT token_guid::text, partial, issued_at, stopped_at FROM token_secret_history ORDER BY token_guid`,
      );
      expect(rows.map((r) => ({ ...r, issued_at: new Date(r.issued_at).toISOString() }))).toEqual([
        { token_guid: rotated, partial: "tgp_NEW1…abcd", issued_at: "2026-11-20T00:00:00.000Z", stopped_at: null },
        { token_guid: bare, partial: "tgp_OLD2…efgh", issued_at: "2026-11-02T00:00:00.000Z", stopped_at: null },
      ]);
    } finally {
      await scratch.close();
    }
  }, 60_000);
});
