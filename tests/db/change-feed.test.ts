import { Client } from "pg";
import { sessionCache, sessionCacheReady } from "@/lib/sessions/check";
import { verificationCache, verificationCacheReady } from "@/lib/tokens/verify";
import { useFreshDatabase } from "../helpers/database";

useFreshDatabase();

const onPostgres = process.env.TEST_POSTGRES_URL ? test : test.skip;

async function admin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  // Connected to the test's own database: a NOTIFY is heard only within its database.
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const databaseName = () => new URL(process.env.DATABASE_URL!).pathname.slice(1);

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  expect(condition()).toBe(true);
}

onPostgres("the token and the session caches share one LISTEN connection, and both hear every change on it", async () => {
  await Promise.all([verificationCacheReady(), sessionCacheReady()]);
  const listening = await admin((c) =>
    c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'LISTEN %' AND pid <> pg_backend_pid()", [databaseName()]),
  );
  expect(listening.rows[0].n).toBe(1);

  const user = "10000000-0000-4000-8000-000000000000";
  const session = {
    id: "00000000-0000-4000-8000-000000000001",
    userId: user,
    user: { id: user, email: "a@example.com", name: "A", isAdmin: false },
    createdAt: new Date(0),
    expiresAt: new Date(0),
    lastSeenAt: new Date(0),
  };
  const token = {
    guid: "00000000-0000-4000-8000-000000000002",
    name: "ci",
    userId: user,
    userEmail: "a@example.com",
    userName: "A",
    userIsAdmin: false,
    userDisabled: false,
    scopes: [],
    validFrom: new Date(0),
    validTo: null,
    revokedAt: null,
    createdAt: new Date(0),
    secretExpiresAt: null,
  };
  sessionCache().set(session.id, session, sessionCache().generation);
  verificationCache().set("h", token, verificationCache().generation);
  expect(sessionCache().get(session.id)).toBeDefined();
  expect(verificationCache().get("h")).toBeDefined();

  // Another instance changed this user's grants: one notification, both caches forget.
  await admin((c) => c.query("SELECT pg_notify('tollgate_changes', $1)", [JSON.stringify({ user })]));
  await until(() => sessionCache().get(session.id) === undefined && verificationCache().get("h") === undefined);

  // The shared connection is cut: both stop answering from memory, and both trust again once it is back.
  await admin((c) =>
    c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query ILIKE 'LISTEN %' AND pid <> pg_backend_pid()", [databaseName()]),
  );
  await until(() => !sessionCache().isTrusted && !verificationCache().isTrusted);
  await until(() => sessionCache().isTrusted && verificationCache().isTrusted);
}, 30_000);
