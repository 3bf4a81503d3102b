import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

type ConfigModule = typeof import("@/lib/config");

const KEY_A = "a".repeat(32);
const KEY_B = "b".repeat(40);
const SETTINGS = [
  "DATABASE_URL",
  "TOLLGATE_DATA_DIR",
  "EMBEDDED_DATABASE_DIR",
  "TOKEN_HASH_KEY",
  "NEXTAUTH_SECRET",
  "DEFAULT_SCOPES",
  "DATABASE_POOL_SIZE",
] as const;

/**
 * lib/config caches its answers per module registry: a fresh copy of the module, with `names`
 * cleared from the environment and `env` set, reads the environment afresh.
 */
function freshModule<Name extends string>(names: readonly Name[], env: Partial<Record<Name, string>>): ConfigModule {
  for (const name of names) delete process.env[name];
  Object.assign(process.env, env);
  let mod: ConfigModule | undefined;
  jest.isolateModules(() => {
    mod = require("@/lib/config") as ConfigModule;
  });
  return mod!;
}

const freshConfig = (env: Partial<Record<(typeof SETTINGS)[number], string>>) => freshModule(SETTINGS, env).config();

let dataDir: string;
const saved = { ...process.env };

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "tollgate-config-"));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
  process.env = { ...saved };
});

describe("with DATABASE_URL (PostgreSQL)", () => {
  const url = "postgresql://tollgate@db.internal:5432/tollgate";

  test("refuses to start without TOKEN_HASH_KEY, saying what to set and how to make one", () => {
    expect(() => freshConfig({ DATABASE_URL: url, NEXTAUTH_SECRET: KEY_A, TOLLGATE_DATA_DIR: dataDir })).toThrow(
      "Invalid configuration: TOKEN_HASH_KEY and NEXTAUTH_SECRET are required when DATABASE_URL is set " +
        "(generate each with `openssl rand -base64 48`).",
    );
  });

  test("refuses to start without NEXTAUTH_SECRET, and generates no local secrets file", () => {
    expect(() => freshConfig({ DATABASE_URL: url, TOKEN_HASH_KEY: KEY_A, TOLLGATE_DATA_DIR: dataDir })).toThrow(
      /NEXTAUTH_SECRET are required when DATABASE_URL is set/,
    );
    expect(() => statSync(path.join(dataDir, "secrets.json"))).toThrow();
  });

  test("uses the given keys and database", () => {
    const config = freshConfig({ DATABASE_URL: url, TOKEN_HASH_KEY: KEY_A, NEXTAUTH_SECRET: KEY_B });
    expect(config.database).toEqual({ kind: "postgres", url, poolSize: 10 });
    expect(config.tokenHashKey.toString("utf8")).toBe(KEY_A);
    expect(config.authSecret).toBe(KEY_B);
  });

  test("takes the pool size from DATABASE_POOL_SIZE, and refuses one that is not a positive whole number", () => {
    const keys = { DATABASE_URL: url, TOKEN_HASH_KEY: KEY_A, NEXTAUTH_SECRET: KEY_B };
    expect(freshConfig({ ...keys, DATABASE_POOL_SIZE: "25" }).database).toEqual({ kind: "postgres", url, poolSize: 25 });
    expect(() => freshConfig({ ...keys, DATABASE_POOL_SIZE: "lots" })).toThrow("Invalid configuration: DATABASE_POOL_SIZE: must be a whole number");
    expect(() => freshConfig({ ...keys, DATABASE_POOL_SIZE: "0" })).toThrow("DATABASE_POOL_SIZE: must be at least 1");
  });

  test("names each invalid setting in one message", () => {
    expect(() => freshConfig({ DATABASE_URL: "mysql://db/tollgate", TOKEN_HASH_KEY: "short", NEXTAUTH_SECRET: KEY_B })).toThrow(
      "Invalid configuration: DATABASE_URL: must be a postgresql:// URL; TOKEN_HASH_KEY: must be at least 32 characters of random data",
    );
  });
});

describe("embedded (no DATABASE_URL)", () => {
  test("generates keys into <data dir>/secrets.json, readable only by its owner, and keeps them", () => {
    const first = freshConfig({ TOLLGATE_DATA_DIR: dataDir });
    const file = path.join(dataDir, "secrets.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, "utf8")) as { tokenHashKey: string; authSecret: string };
    expect(first.tokenHashKey.toString("utf8")).toBe(stored.tokenHashKey);
    expect(first.authSecret).toBe(stored.authSecret);
    expect(stored.tokenHashKey.length).toBeGreaterThanOrEqual(32);
    expect(stored.authSecret).not.toBe(stored.tokenHashKey);

    const restarted = freshConfig({ TOLLGATE_DATA_DIR: dataDir });
    expect(restarted.tokenHashKey.equals(first.tokenHashKey)).toBe(true);
    expect(restarted.authSecret).toBe(first.authSecret);
  });

  test("uses an existing secrets file as it is", () => {
    writeFileSync(path.join(dataDir, "secrets.json"), JSON.stringify({ tokenHashKey: KEY_A, authSecret: KEY_B }));
    const config = freshConfig({ TOLLGATE_DATA_DIR: dataDir });
    expect(config.tokenHashKey.toString("utf8")).toBe(KEY_A);
    expect(config.authSecret).toBe(KEY_B);
  });

  test("keys given in the environment win over generated ones", () => {
    const config = freshConfig({ TOLLGATE_DATA_DIR: dataDir, TOKEN_HASH_KEY: KEY_A, NEXTAUTH_SECRET: KEY_B });
    expect(config.tokenHashKey.toString("utf8")).toBe(KEY_A);
    expect(config.authSecret).toBe(KEY_B);
    expect(() => statSync(path.join(dataDir, "secrets.json"))).toThrow();
  });

  test("keeps the database under the data directory unless EMBEDDED_DATABASE_DIR says otherwise", () => {
    expect(freshConfig({ TOLLGATE_DATA_DIR: dataDir }).database).toEqual({ kind: "embedded", dir: path.join(dataDir, "pglite") });
    expect(freshConfig({ TOLLGATE_DATA_DIR: dataDir, EMBEDDED_DATABASE_DIR: "memory://" }).database).toEqual({
      kind: "embedded",
      dir: "memory://",
    });
  });
});

describe("DEFAULT_SCOPES", () => {
  test("defaults to reading and managing tokens", () => {
    expect(freshConfig({ TOLLGATE_DATA_DIR: dataDir }).defaultScopes).toEqual(["tokens:read", "tokens:write"]);
  });

  test("is a comma-separated list; spaces and empty entries are ignored", () => {
    expect(freshConfig({ TOLLGATE_DATA_DIR: dataDir, DEFAULT_SCOPES: " tokens:read ,, tokens:introspect ," }).defaultScopes).toEqual([
      "tokens:read",
      "tokens:introspect",
    ]);
  });
});

describe("retention and the maintenance interval", () => {
  const JOBS = ["AUDIT_RETENTION_DAYS", "USAGE_RETENTION_DAYS", "MAINTENANCE_INTERVAL_SECONDS"] as const;
  const freshJobsConfig = (env: Partial<Record<(typeof JOBS)[number], string>>) => freshModule(JOBS, env).jobsConfig();

  test("defaults to 400 days of audit events, 90 of usage, a run every 5 minutes", () => {
    expect(freshJobsConfig({})).toEqual({ auditRetentionDays: 400, usageRetentionDays: 90, maintenanceIntervalMs: 300_000 });
  });

  test("takes whole days and seconds (fractions of a second too) from the environment", () => {
    expect(freshJobsConfig({ AUDIT_RETENTION_DAYS: "1", USAGE_RETENTION_DAYS: "36500", MAINTENANCE_INTERVAL_SECONDS: "0.5" })).toEqual({
      auditRetentionDays: 1,
      usageRetentionDays: 36_500,
      maintenanceIntervalMs: 500,
    });
  });

  test("refuses a value that is no whole number of days, or out of range, naming each setting", () => {
    expect(() => freshJobsConfig({ AUDIT_RETENTION_DAYS: "a year" })).toThrow("Invalid configuration: AUDIT_RETENTION_DAYS: must be a whole number of days");
    expect(() => freshJobsConfig({ AUDIT_RETENTION_DAYS: "1.5" })).toThrow("AUDIT_RETENTION_DAYS: must be a whole number of days");
    expect(() => freshJobsConfig({ USAGE_RETENTION_DAYS: "0" })).toThrow("Invalid configuration: USAGE_RETENTION_DAYS: must be at least 1");
    expect(() => freshJobsConfig({ USAGE_RETENTION_DAYS: "36501" })).toThrow("USAGE_RETENTION_DAYS: must be at most 36500");
    expect(() => freshJobsConfig({ AUDIT_RETENTION_DAYS: "-1", MAINTENANCE_INTERVAL_SECONDS: "0" })).toThrow(
      "Invalid configuration: AUDIT_RETENTION_DAYS: must be at least 1; MAINTENANCE_INTERVAL_SECONDS: must be more than 0",
    );
  });
});

describe("the change feed's limits", () => {
  const FEED = ["CHANGE_FEEDS_PER_TOKEN", "CHANGE_FEED_HEARTBEAT_SECONDS"] as const;
  function freshFeedConfig(env: Partial<Record<(typeof FEED)[number], string>>) {
    const { changeFeedsPerToken, changeFeedHeartbeatMs } = freshModule(FEED, env).apiConfig();
    return { changeFeedsPerToken, changeFeedHeartbeatMs };
  }

  test("defaults to 10 feeds per token and a heartbeat every 15 seconds", () => {
    expect(freshFeedConfig({})).toEqual({ changeFeedsPerToken: 10, changeFeedHeartbeatMs: 15_000 });
  });

  test("takes both from the environment, the heartbeat in fractions of a second too", () => {
    expect(freshFeedConfig({ CHANGE_FEEDS_PER_TOKEN: "200", CHANGE_FEED_HEARTBEAT_SECONDS: "0.25" })).toEqual({ changeFeedsPerToken: 200, changeFeedHeartbeatMs: 250 });
  });

  test("refuses no feeds at all, part of one, no heartbeat, and one slower than clients wait for", () => {
    expect(() => freshFeedConfig({ CHANGE_FEEDS_PER_TOKEN: "0" })).toThrow("Invalid configuration: CHANGE_FEEDS_PER_TOKEN: must be at least 1");
    expect(() => freshFeedConfig({ CHANGE_FEEDS_PER_TOKEN: "2.5" })).toThrow("CHANGE_FEEDS_PER_TOKEN: must be a whole number");
    expect(() => freshFeedConfig({ CHANGE_FEED_HEARTBEAT_SECONDS: "0" })).toThrow("CHANGE_FEED_HEARTBEAT_SECONDS: must be more than 0");
    expect(() => freshFeedConfig({ CHANGE_FEED_HEARTBEAT_SECONDS: "45" })).toThrow("CHANGE_FEED_HEARTBEAT_SECONDS: must be at most 30");
  });
});
