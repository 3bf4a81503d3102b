import "server-only";
import { mkdirSync } from "node:fs";
import { PrismaPg } from "@prisma/adapter-pg";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { Pool } from "pg";
import { config } from "@/lib/config";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { ChangeFanOut, listenForChanges, type ChangeHandlers, type ChangeListener } from "./change-listener";
import { lockEmbeddedDatabase } from "./embedded-lock";
import { maintainEmbeddedDatabase } from "./embedded-maintenance";
import { applyMigrations, type SqlSession } from "./migrate";
import { countBackgroundStatement, countPrismaQuery } from "./stats";

export type { Prisma } from "@/lib/generated/prisma/client";

export { databaseStats, inBackground, BACKGROUND_TAG, type DatabaseStats } from "./stats";

function countingClient(adapter: PrismaPg | PrismaPGlite): PrismaClient {
  const client = new PrismaClient({ adapter, log: [{ emit: "event" as const, level: "query" as const }] });
  client.$on("query", (event) => countPrismaQuery(event.query));
  return client as unknown as PrismaClient;
}

export type Database = {
  prisma: PrismaClient;
  kind: "postgres" | "embedded";
  /**
   * Hears changes committed by other processes (PostgreSQL NOTIFY). Returns false on the embedded
   * database, which only one process can open, so there are no other processes to hear.
   */
  listen(handlers: ChangeHandlers): boolean;
  /**
   * Runs `work` unless another holder of `lock` (in any process on this database) is running it:
   * then answers `{ ran: false }` at once. PostgreSQL: a session advisory lock on one pooled
   * connection, held for the run. Embedded: one process by construction, so an in-process flag.
   */
  exclusively<T>(lock: number, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  close(): Promise<void>;
};

/**
 * PostgreSQL's default shared_buffers (128 MB) is touched at start inside PGlite's WebAssembly
 * heap, which never shrinks: 16 MB holds the quick start's tables and saves ~120 MB resident
 * (docs/performance.md, "Memory"); what does not fit is read through the operating system's cache.
 */
const EMBEDDED_SETTINGS = ["-c", "shared_buffers=16MB"];

/**
 * The one database handle of this process: PostgreSQL through a pg pool when DATABASE_URL is
 * set, otherwise PGlite (PostgreSQL in WebAssembly, in-process) persisted under ./data.
 * Both are migrated on first use, so a fresh checkout needs nothing installed.
 */
async function openDatabase(): Promise<Database> {
  const { database } = config();
  if (database.kind === "postgres") {
    const pool = new Pool({ connectionString: database.url, max: database.poolSize });
    // An idle connection can be cut at any time (a server restart, a failover, an administrator).
    // pg reports it on the pool, and an 'error' event nobody listens to ends the process; the
    // pool drops that connection by itself and opens a new one when next asked.
    pool.on("error", (error) => console.error(`An idle database connection was closed (${error.message}); a new one will be opened.`));
    const client = await pool.connect();
    try {
      await applyMigrations({
        query: (sql, params) => client.query(sql, params) as never,
        exec: async (sql) => void (await client.query(sql)),
      });
    } finally {
      client.release();
    }
    const prisma = countingClient(new PrismaPg(pool));
    // Opened by the first subscriber; every later one shares it (one connection per instance).
    const fanOut = new ChangeFanOut();
    let listener: ChangeListener | undefined;
    return {
      prisma,
      kind: "postgres",
      listen: (handlers) => {
        fanOut.subscribe(handlers);
        listener ??= listenForChanges(database.url, fanOut);
        return true;
      },
      exclusively: async (lock, work) => {
        const client = await pool.connect();
        countBackgroundStatement();
        const { rows } = await client.query<{ got: boolean }>("SELECT pg_try_advisory_lock($1) AS got", [lock]).catch((error: unknown) => {
          client.release(true);
          throw error;
        });
        if (!rows[0]?.got) {
          client.release();
          return { ran: false };
        }
        let broken = false;
        try {
          return { ran: true, value: await work() };
        } finally {
          // A connection that cannot unlock is closed instead, which releases the lock too.
          countBackgroundStatement();
          await client.query("SELECT pg_advisory_unlock($1)", [lock]).catch(() => (broken = true));
          client.release(broken);
        }
      },
      close: async () => {
        await listener?.stop();
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
    const pglite = await PGlite.create(database.dir, { extensions: { pg_trgm }, startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS] });
    const session: SqlSession = {
      query: (sql, params) => pglite.query(sql, params) as never,
      exec: async (sql) => void (await pglite.exec(sql)),
    };
    await applyMigrations(session);
    // Statistics upkeep runs on a timer that no request waits for.
    const stopMaintenance = await maintainEmbeddedDatabase({
      query: (sql, params) => {
        countBackgroundStatement();
        return session.query(sql, params);
      },
      exec: (sql) => {
        countBackgroundStatement();
        return session.exec(sql);
      },
    });
    const prisma = countingClient(new PrismaPGlite(pglite));
    // PGlite has one session, which would re-enter an advisory lock; this process is the only one.
    const held = new Set<number>();
    return {
      prisma,
      kind: "embedded",
      listen: () => false,
      exclusively: async (lock, work) => {
        if (held.has(lock)) return { ran: false };
        held.add(lock);
        try {
          return { ran: true, value: await work() };
        } finally {
          held.delete(lock);
        }
      },
      close: async () => {
        stopMaintenance();
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
