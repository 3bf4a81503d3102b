import "server-only";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * Every setting Tollgate reads from the environment, validated in one place.
 * Read lazily (not at import) so that `next build` never needs production secrets,
 * and so tests can point a fresh module registry at a fresh database.
 */
const secretSchema = z.string().min(32, "must be at least 32 characters of random data");

/** The environment read through `schema`; every problem named in one error, so a deployment fixes them at once. */
function readEnv<T extends z.ZodType>(schema: T): z.infer<T> {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// URL")
    .optional(),
  TOLLGATE_DATA_DIR: z.string().default("./data"),
  /** `memory://` keeps the embedded database in memory (tests); otherwise a directory. */
  EMBEDDED_DATABASE_DIR: z.string().optional(),
  TOKEN_HASH_KEY: secretSchema.optional(),
  NEXTAUTH_SECRET: secretSchema.optional(),
  DEFAULT_SCOPES: z.string().default("tokens:read,tokens:write"),
  /** Connections each instance keeps to PostgreSQL; instances × this must stay under the server's max_connections. */
  DATABASE_POOL_SIZE: z.coerce
    .number({ message: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(500, "must be at most 500")
    .default(10),
});

export type Config = {
  database: { kind: "postgres"; url: string; poolSize: number } | { kind: "embedded"; dir: string };
  tokenHashKey: Buffer;
  authSecret: string;
  defaultScopes: string[];
};

let cached: Config | undefined;

export function config(): Config {
  if (cached) return cached;
  const env = readEnv(envSchema);
  const dataDir = path.resolve(env.TOLLGATE_DATA_DIR);
  const embedded = !env.DATABASE_URL;

  // A production deployment (PostgreSQL) must be given its keys: generating them per instance
  // would make instances disagree about every token. The embedded default keeps its own.
  const generated = embedded && (!env.TOKEN_HASH_KEY || !env.NEXTAUTH_SECRET) ? localSecrets(dataDir) : undefined;
  const tokenHashKey = env.TOKEN_HASH_KEY ?? generated?.tokenHashKey;
  const authSecret = env.NEXTAUTH_SECRET ?? generated?.authSecret;
  if (!tokenHashKey || !authSecret) {
    throw new Error(
      "Invalid configuration: TOKEN_HASH_KEY and NEXTAUTH_SECRET are required when DATABASE_URL is set " +
        "(generate each with `openssl rand -base64 48`).",
    );
  }

  cached = {
    database: embedded
      ? { kind: "embedded", dir: env.EMBEDDED_DATABASE_DIR ?? path.join(dataDir, "pglite") }
      : { kind: "postgres", url: env.DATABASE_URL!, poolSize: env.DATABASE_POOL_SIZE },
    tokenHashKey: Buffer.from(tokenHashKey, "utf8"),
    authSecret,
    defaultScopes: env.DEFAULT_SCOPES.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  };
  return cached;
}

type LocalSecrets = { tokenHashKey: string; authSecret: string };

/** Keys for the embedded setup: generated on first run, kept (mode 0600) beside the database. */
function localSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(/*turbopackIgnore: true*/ file)) return JSON.parse(readFileSync(/*turbopackIgnore: true*/ file, "utf8")) as LocalSecrets;
  mkdirSync(/*turbopackIgnore: true*/ dataDir, { recursive: true });
  const secrets: LocalSecrets = {
    tokenHashKey: randomBytes(48).toString("base64"),
    authSecret: randomBytes(48).toString("base64"),
  };
  try {
    writeFileSync(/*turbopackIgnore: true*/ file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process (the demo-account script, a second worker) wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return JSON.parse(readFileSync(/*turbopackIgnore: true*/ file, "utf8")) as LocalSecrets;
    throw error;
  }
  return secrets;
}

const apiEnvSchema = z.object({
  // TRUST_PROXY is read by server.js, which decides the client address before Next runs.
  /** Failed authentications one client address may make per window before it is refused with 429. */
  AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).default(20),
  AUTH_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Failed sign-ins per account in 15 minutes before its password sign-in pauses; an address gets five times as many. */
  SIGN_IN_FAILURE_LIMIT: z.coerce.number().int().min(1).default(10),
  /** Sign-up attempts one address may make per hour, accounts created or not (each costs a password hash). */
  SIGN_UP_LIMIT: z.coerce.number().int().min(1).default(20),
  /** "Forgot password?" requests one address may make per hour, for any emails, accounts or not. */
  PASSWORD_RESET_LIMIT: z.coerce.number().int().min(1).default(10),
  /** Leaked-credential reports (POST /api/v1/credentials/revoke) one address may send per hour, well-formed or not. */
  CREDENTIAL_REPORT_LIMIT: z.coerce.number().int().min(1).default(60),
  /** How often recorded "last used" values are written (each token still at most once a minute). */
  USAGE_FLUSH_SECONDS: z.coerce.number().positive().default(5),
  /** Change feeds (GET /api/v1/introspect/changes) one token may hold open on one instance; one more is refused with 429. */
  CHANGE_FEEDS_PER_TOKEN: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").default(10),
  /**
   * How often an open change feed writes a comment: under the idle timeout of every proxy between a
   * service and Tollgate, and well under the 45 s of silence after which clients/node gives a feed up.
   */
  CHANGE_FEED_HEARTBEAT_SECONDS: z.coerce.number().positive("must be more than 0").max(30, "must be at most 30").default(15),
});

export type ApiConfig = {
  authFailureLimit: number;
  authFailureWindowSeconds: number;
  signInFailureLimit: number;
  signUpLimit: number;
  passwordResetLimit: number;
  credentialReportLimit: number;
  usageFlushMs: number;
  changeFeedsPerToken: number;
  changeFeedHeartbeatMs: number;
};

let cachedApi: ApiConfig | undefined;

/** Settings of the protected API and of the sign-in limits, kept apart from config() so that they never need the database keys. */
export function apiConfig(): ApiConfig {
  if (cachedApi) return cachedApi;
  const env = readEnv(apiEnvSchema);
  cachedApi = {
    authFailureLimit: env.AUTH_FAILURE_LIMIT,
    authFailureWindowSeconds: env.AUTH_FAILURE_WINDOW_SECONDS,
    signInFailureLimit: env.SIGN_IN_FAILURE_LIMIT,
    signUpLimit: env.SIGN_UP_LIMIT,
    passwordResetLimit: env.PASSWORD_RESET_LIMIT,
    credentialReportLimit: env.CREDENTIAL_REPORT_LIMIT,
    usageFlushMs: Math.round(env.USAGE_FLUSH_SECONDS * 1000),
    changeFeedsPerToken: env.CHANGE_FEEDS_PER_TOKEN,
    changeFeedHeartbeatMs: Math.round(env.CHANGE_FEED_HEARTBEAT_SECONDS * 1000),
  };
  return cachedApi;
}

const days = (fallback: number) =>
  z.coerce
    .number({ message: "must be a whole number of days" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1")
    .max(36_500, "must be at most 36500")
    .default(fallback);

const jobsEnvSchema = z.object({
  /** Audit events older than this many days are deleted. */
  AUDIT_RETENTION_DAYS: days(400),
  /** Hourly use counts and addresses not seen for this many days are deleted. */
  USAGE_RETENTION_DAYS: days(90),
  /** How often the maintenance job runs (on one instance at a time). */
  MAINTENANCE_INTERVAL_SECONDS: z.coerce
    .number({ message: "must be a number of seconds" })
    .positive("must be more than 0")
    .max(86_400, "must be at most 86400 (a day)")
    .default(300),
});

export type JobsConfig = { auditRetentionDays: number; usageRetentionDays: number; maintenanceIntervalMs: number };

let cachedJobs: JobsConfig | undefined;

/** Settings of the maintenance job (lib/jobs/maintenance.ts): retention and its interval. */
export function jobsConfig(): JobsConfig {
  if (cachedJobs) return cachedJobs;
  const env = readEnv(jobsEnvSchema);
  cachedJobs = {
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    usageRetentionDays: env.USAGE_RETENTION_DAYS,
    maintenanceIntervalMs: Math.round(env.MAINTENANCE_INTERVAL_SECONDS * 1000),
  };
  return cachedJobs;
}

const mailEnvSchema = z.object({
  /** smtp://user:password@host:587 or smtps://…:465; without it, mail goes to the server log. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, "must be an smtp:// or smtps:// URL")
    .optional(),
  MAIL_FROM: z.string().min(3).default("Tollgate <tollgate@localhost>"),
  /** How often each instance looks for mail to send (and retries what failed, when its backoff has passed). */
  MAIL_POLL_SECONDS: z.coerce.number().positive("must be more than 0").max(3600, "must be at most 3600").default(2),
  // NEXTAUTH_URL is the public address links in mail point to; server.js sets TOLLGATE_SITE_URL to
  // the address it listens on, for a deployment that has none.
  NEXTAUTH_URL: z.string().url("must be a URL").optional(),
  TOLLGATE_SITE_URL: z.string().url().optional(),
});

export type MailConfig = { smtpUrl: string | null; from: string; pollMs: number; siteUrl: string };

let cachedMail: MailConfig | undefined;

/** Where mail goes (lib/mail/), from whom, and the site's public address that its links use. */
export function mailConfig(): MailConfig {
  if (cachedMail) return cachedMail;
  const env = readEnv(mailEnvSchema);
  cachedMail = {
    smtpUrl: env.SMTP_URL ?? null,
    from: env.MAIL_FROM,
    pollMs: Math.round(env.MAIL_POLL_SECONDS * 1000),
    siteUrl: (env.NEXTAUTH_URL ?? env.TOLLGATE_SITE_URL ?? "http://localhost:3000").replace(/\/+$/, ""),
  };
  return cachedMail;
}
