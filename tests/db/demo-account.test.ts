import { spawn } from "node:child_process";
import path from "node:path";
import { prisma } from "@/lib/db";
import { createTestDatabase, type TestDatabase } from "../helpers/server";

/**
 * `npm run demo-account` run as an operator runs it (issue 13: "the demo account is an
 * administrator"), against a temporary embedded data directory, or a PostgreSQL database when
 * TEST_POSTGRES_URL is set (where the script wants DEMO_PASSWORD).
 */
const ROOT = path.resolve(__dirname, "../..");
const EMAIL = "demo@tollgate.local";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);

afterAll(() => db.drop());

function demoAccount(): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "demo-account"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: "production",
        ...db.env,
        ...(db.kind !== "embedded" && { DEMO_PASSWORD: "a demo password for the test" }),
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stderr }));
  });
}

async function demo() {
  return db.use(async () => {
    const client = await prisma();
    const user = await client.user.findUniqueOrThrow({ where: { email: EMAIL }, include: { grants: true, tokens: true } });
    const catalogue = await client.scope.findMany({ where: { retiredAt: null }, select: { name: true } });
    const events = await client.auditEvent.findMany({ where: { targetUser: user.id }, select: { actorKind: true, action: true } });
    return {
      isAdmin: user.isAdmin,
      grants: user.grants.map((g) => g.scopeName).sort(),
      catalogue: catalogue.map((s) => s.name).sort(),
      tokens: user.tokens.length,
      adminEvents: events.filter((e) => e.action.startsWith("admin.")).map((e) => `${e.actorKind} ${e.action}`),
    };
  });
}

test("makes the demo account an administrator holding every scope of the catalogue, recorded once; running it again changes nothing", async () => {
  expect(await demoAccount()).toEqual({ code: 0, stderr: "" });
  const first = await demo();
  expect(first.grants).toEqual(first.catalogue);
  expect(first).toMatchObject({ isAdmin: true, tokens: 2, adminEvents: ["system admin.granted"] });
  expect(first.grants).toEqual(expect.arrayContaining(["admin:read", "admin:write"]));

  expect(await demoAccount()).toEqual({ code: 0, stderr: "" });
  expect(await demo()).toEqual(first);
}, 180_000);
