/**
 * `npm run db:migrate`: applies prisma/migrations to the configured database and says what ran.
 * For deployments on PostgreSQL, run once per release before starting the new instances. (Every
 * instance also migrates on first use, under the same advisory lock, so this is about doing it
 * at a chosen moment and seeing the result, not about correctness.)
 */
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { mkdirSync } from "node:fs";
import { Client } from "pg";
import { config } from "@/lib/config";
import { lockEmbeddedDatabase } from "@/lib/db/embedded-lock";
import { applyMigrations, readMigrations, type SqlSession } from "@/lib/db/migrate";

async function withSession(run: (session: SqlSession) => Promise<void>): Promise<string> {
  const { database } = config();
  if (database.kind === "postgres") {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      await run({ query: (sql, params) => client.query(sql, params) as never, exec: async (sql) => void (await client.query(sql)) });
    } finally {
      await client.end();
    }
    // Host and database name only: the URL may carry a password.
    const { host, pathname } = new URL(database.url);
    return `PostgreSQL at ${host}${pathname}`;
  }
  if (database.dir === "memory://") throw new Error("EMBEDDED_DATABASE_DIR=memory:// is a database in memory: there is nothing to migrate.");
  mkdirSync(database.dir, { recursive: true });
  const unlock = lockEmbeddedDatabase(database.dir);
  try {
    const pglite = await PGlite.create(database.dir, { extensions: { pg_trgm } });
    try {
      await run({ query: (sql, params) => pglite.query(sql, params) as never, exec: async (sql) => void (await pglite.exec(sql)) });
    } finally {
      await pglite.close();
    }
  } finally {
    unlock();
  }
  return `the embedded database in ${database.dir}`;
}

async function main(): Promise<void> {
  const migrations = readMigrations();
  let ran: string[] = [];
  const target = await withSession(async (session) => {
    ran = await applyMigrations(session, migrations);
  });
  console.log(`Migrations in prisma/migrations: ${migrations.length}; database: ${target}.`);
  if (ran.length) {
    console.log(`Applied ${ran.length}:`);
    for (const name of ran) console.log(`  ${name}`);
  } else {
    console.log("Already up to date; nothing to apply.");
  }
}

main().catch((error: unknown) => {
  console.error("db:migrate failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
