import "server-only";
import { mkdirSync } from "node:fs";
import { PrismaPg } from "@prisma/adapter-pg";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { Pool } from "pg";
import { config } from "@/lib/config";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { lockEmbeddedDatabase } from "./embedded-lock";
import { applyMigrations } from "./migrate";

export type { Prisma } from "@/lib/generated/prisma/client";

/**
 * The one database handle of this process: PostgreSQL through a pg pool when DATABASE_URL is
 * set, otherwise PGlite (PostgreSQL in WebAssembly, in-process) persisted under ./data.
 * Both are migrated on first use, so a fresh checkout needs nothing installed.
 */
export type Database = {
  prisma: PrismaClient;
  kind: "postgres" | "embedded";
  /** The pg pool (PostgreSQL only), for LISTEN/NOTIFY and other driver-level needs. */
  pool?: Pool;
  close(): Promise<void>;
};

async function openDatabase(): Promise<Database> {
  const { database } = config();
  if (database.kind === "postgres") {
    const pool = new Pool({ connectionString: database.url, max: database.poolSize });
    const client = await pool.connect();
    try {
      await applyMigrations({
        query: (sql, params) => client.query(sql, params) as never,
        exec: async (sql) => void (await client.query(sql)),
      });
    } finally {
      client.release();
    }
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    return {
      prisma,
      kind: "postgres",
      pool,
      close: async () => {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }

  let unlock = () => {};
  if (database.dir !== "memory://") {
    mkdirSync(database.dir, { recursive: true });
    unlock = lockEmbeddedDatabase(database.dir);
  }
  try {
    const pglite = await PGlite.create(database.dir, { extensions: { pg_trgm } });
    await applyMigrations({
      query: (sql, params) => pglite.query(sql, params) as never,
      exec: async (sql) => void (await pglite.exec(sql)),
    });
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    return {
      prisma,
      kind: "embedded",
      close: async () => {
        await prisma.$disconnect();
        await pglite.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

// Kept on globalThis so that Next's dev server, which re-evaluates modules on every edit,
// does not open a second PGlite on the same directory.
const holder = globalThis as unknown as { tollgateDatabase?: Promise<Database> };

export function database(): Promise<Database> {
  holder.tollgateDatabase ??= openDatabase().catch((error) => {
    holder.tollgateDatabase = undefined;
    throw error;
  });
  return holder.tollgateDatabase;
}

export async function prisma(): Promise<PrismaClient> {
  return (await database()).prisma;
}

export async function closeDatabase(): Promise<void> {
  const open = holder.tollgateDatabase;
  holder.tollgateDatabase = undefined;
  if (open) await (await open).close();
}
