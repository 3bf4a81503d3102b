import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { lockEmbeddedDatabase } from "@/lib/db/embedded-lock";

let dir: string;
beforeEach(() => {
  dir = path.join(mkdtempSync(path.join(tmpdir(), "tollgate-lock-")), "pglite");
});
afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

test("a second claim in the same process on a database that is open is refused; after release it can be claimed", () => {
  const release = lockEmbeddedDatabase(dir);
  expect(readFileSync(`${dir}.lock`, "utf8")).toBe(String(process.pid));

  expect(() => lockEmbeddedDatabase(dir)).toThrow(`The embedded database ${dir} is already open in this process (${process.pid})`);
  expect(readFileSync(`${dir}.lock`, "utf8")).toBe(String(process.pid));

  release();
  expect(existsSync(`${dir}.lock`)).toBe(false);
  const again = lockEmbeddedDatabase(dir);
  // A release called twice does not let go of a later claim.
  release();
  expect(() => lockEmbeddedDatabase(dir)).toThrow("already open in this process");
  again();
});

test("a lock held by another live process is refused, naming that process", () => {
  const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"], { stdio: "ignore" });
  try {
    writeFileSync(`${dir}.lock`, String(other.pid));
    expect(() => lockEmbeddedDatabase(dir)).toThrow(`The embedded database ${dir} is in use by process ${other.pid}`);
    expect(readFileSync(`${dir}.lock`, "utf8")).toBe(String(other.pid));
  } finally {
    other.kill("SIGKILL");
  }
});

test("a lock naming this process that this process does not hold (a restart that got the same PID) is taken over", () => {
  writeFileSync(`${dir}.lock`, String(process.pid));

  const release = lockEmbeddedDatabase(dir);
  expect(readFileSync(`${dir}.lock`, "utf8")).toBe(String(process.pid));
  release();
  expect(existsSync(`${dir}.lock`)).toBe(false);
});

test("a lock left by a process that has exited is taken over", () => {
  const exited = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  writeFileSync(`${dir}.lock`, exited.stdout);

  const release = lockEmbeddedDatabase(dir);
  expect(readFileSync(`${dir}.lock`, "utf8")).toBe(String(process.pid));
  release();
});

test("a lock file that does not hold a process id is taken over", () => {
  writeFileSync(`${dir}.lock`, "");
  lockEmbeddedDatabase(dir)();
  expect(existsSync(`${dir}.lock`)).toBe(false);
});

test("releasing does not remove a lock that another process has taken since", () => {
  const release = lockEmbeddedDatabase(dir);
  writeFileSync(`${dir}.lock`, "1");
  release();
  expect(readFileSync(`${dir}.lock`, "utf8")).toBe("1");
});
