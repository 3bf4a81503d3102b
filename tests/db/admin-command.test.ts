import { spawn } from "node:child_process";
import path from "node:path";
import { prisma } from "@/lib/db";
import { createTestDatabase, type TestDatabase } from "../helpers/server";
import { createUser } from "../helpers/users";

/**
 * `npm run admin -- grant|revoke EMAIL` run as an operator runs it, against a temporary embedded
 * data directory (TOLLGATE_DATA_DIR), or a PostgreSQL database when TEST_POSTGRES_URL is set.
 */
const ROOT = path.resolve(__dirname, "../..");

let db: TestDatabase;
let email: string;
let userId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  ({ email, id: userId } = await db.use(() => createUser({ scopes: ["tokens:read"] })));
}, 60_000);

afterAll(() => db.drop());

function admin(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "admin", "--", ...args], {
      cwd: ROOT,
      // An operator's environment with the database settings, not Jest's NODE_ENV=test and NODE_OPTIONS.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", ...db.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const where = () => (db.kind === "embedded" ? `the embedded database in ${path.join(db.env.TOLLGATE_DATA_DIR!, "pglite")}` : "the PostgreSQL database of DATABASE_URL");

async function standing() {
  return db.use(async () => {
    const client = await prisma();
    const user = await client.user.findUniqueOrThrow({ where: { id: userId }, include: { grants: { orderBy: { scopeName: "asc" } } } });
    const events = await client.auditEvent.findMany({ where: { targetUser: userId }, orderBy: { occurredAt: "asc" } });
    return { isAdmin: user.isAdmin, grants: user.grants.map((g) => g.scopeName), events: events.map((e) => `${e.actorKind} ${e.action}`) };
  });
}

test("grant makes the account an administrator, says so, and exits 0; again, it says it already was", async () => {
  expect(await admin("grant", email.toUpperCase())).toEqual({ code: 0, stdout: `${email} is now an administrator of ${where()}.\n`, stderr: "" });
  expect(await standing()).toEqual({ isAdmin: true, grants: ["admin:read", "admin:write", "tokens:read"], events: ["system admin.granted"] });
  expect(await admin("grant", email)).toEqual({ code: 0, stdout: `${email} was already an administrator of ${where()}.\n`, stderr: "" });
  expect((await standing()).events).toEqual(["system admin.granted"]);
}, 120_000);

test("revoke unmakes them and exits 0; again, it says they were not one", async () => {
  expect(await admin("revoke", email)).toEqual({ code: 0, stdout: `${email} is no longer an administrator of ${where()}.\n`, stderr: "" });
  expect(await standing()).toEqual({ isAdmin: false, grants: ["tokens:read"], events: ["system admin.granted", "system admin.revoked"] });
  expect(await admin("revoke", email)).toEqual({ code: 0, stdout: `${email} was not an administrator of ${where()}.\n`, stderr: "" });
}, 120_000);

test("an unknown email is a clear error with exit code 1, and changes nothing", async () => {
  const result = await admin("grant", "nobody@example.com");
  expect(result).toEqual({
    code: 1,
    stdout: "",
    stderr: 'admin: There is no account with the email "nobody@example.com". Sign up first, or check the spelling.\n',
  });
  expect((await standing()).events).toHaveLength(2);
}, 60_000);

test("a wrong command line prints the usage and exits 2", async () => {
  const usage = "Usage: npm run admin -- grant EMAIL | npm run admin -- revoke EMAIL\n";
  for (const args of [[], ["grant"], ["promote", email], ["grant", email, "extra"]]) {
    expect(await admin(...args)).toEqual({ code: 2, stdout: "", stderr: usage });
  }
}, 120_000);
