import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { closeDatabase, database } from "@/lib/db";

/**
 * Gives the calling test file a database of its own: an in-memory PGlite by default, or a new
 * database on the PostgreSQL server named by TEST_POSTGRES_URL (dropped afterwards). Jest gives
 * each test file its own module registry, so lib/db opens exactly this database.
 */
export function useFreshDatabase(): void {
  let created: { adminUrl: string; name: string } | undefined;

  beforeAll(async () => {
    process.env.TOKEN_HASH_KEY ??= randomBytes(32).toString("base64");
    process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64");
    const adminUrl = process.env.TEST_POSTGRES_URL;
    if (adminUrl) {
      const name = `tollgate_test_${randomBytes(6).toString("hex")}`;
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      created = { adminUrl, name };
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      process.env.DATABASE_URL = url.toString();
    } else {
      delete process.env.DATABASE_URL;
      process.env.EMBEDDED_DATABASE_DIR = "memory://";
    }
    await database();
  }, 60_000);

  afterAll(async () => {
    await closeDatabase();
    if (created) {
      const admin = new Client({ connectionString: created.adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${created.name} WITH (FORCE)`);
      await admin.end();
    }
  });
}
