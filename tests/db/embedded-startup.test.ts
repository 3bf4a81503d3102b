import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { closeDatabase, prisma } from "@/lib/db";
import { checkStartup } from "@/lib/startup";

/**
 * The embedded database on disk at start-up, with the lock files a crash leaves behind. Always
 * PGlite, whatever TEST_POSTGRES_URL says: the lock is the embedded database's alone.
 */
jest.setTimeout(60_000);

const dataDir = mkdtempSync(path.join(tmpdir(), "tollgate-startup-"));
const lock = path.join(dataDir, "pglite.lock");
let other: ChildProcess | undefined;

beforeAll(() => {
  delete process.env.DATABASE_URL;
  delete process.env.EMBEDDED_DATABASE_DIR;
  process.env.TOLLGATE_DATA_DIR = dataDir;
});
afterAll(async () => {
  other?.kill("SIGKILL");
  await closeDatabase();
  rmSync(dataDir, { recursive: true, force: true });
});

function captureErrors(): string[] {
  const logged: string[] = [];
  jest.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
  return logged;
}
afterEach(() => jest.restoreAllMocks());

test("a lock held by another live process stops the start with the reason, and leaves that lock alone", async () => {
  other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
  writeFileSync(lock, String(other.pid));
  const logged = captureErrors();
  const exits: number[] = [];

  await checkStartup((code) => void exits.push(code));

  expect(exits).toEqual([1]);
  expect(logged).toEqual([expect.stringMatching(new RegExp(`^Tollgate cannot start: The embedded database .*pglite is in use by process ${other.pid};`))]);
  expect(readFileSync(lock, "utf8")).toBe(String(other.pid));
  other.kill("SIGKILL");
});

test("a lock naming this process's own PID (left by an earlier run that had it) does not stop the start", async () => {
  writeFileSync(lock, String(process.pid));
  const exits: number[] = [];

  await checkStartup((code) => void exits.push(code));

  expect(exits).toEqual([]);
  const db = await prisma();
  expect(await db.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  expect(readFileSync(lock, "utf8")).toBe(String(process.pid));
  await closeDatabase();
  expect(existsSync(lock)).toBe(false);
});
