import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";

/**
 * Runs the built application as `npm start` does (server.js) as a child process for the benchmark and the
 * multi-instance test, and reads what only the operating system knows about it (peak memory).
 */
export type AppProcess = { baseUrl: string; port: number; child: ChildProcess; stop(signal?: NodeJS.Signals): Promise<number | null> };

/** The V8 flags of `npm start` (package.json's "start" script), read from there so the two cannot drift. */
export const HEAP_FLAGS: readonly string[] = (() => {
  const start = (JSON.parse(readFileSync(path.join(process.cwd(), "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
  return start.split(/\s+/).filter((word) => word.startsWith("--max-"));
})();

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startApp(
  env: Record<string, string>,
  /** nextStart: Next's own server without server.js, only to measure what server.js costs. */
  options: { label?: string; quiet?: boolean; nextStart?: boolean } = {},
): Promise<AppProcess> {
  const port = await freePort();
  const entry = options.nextStart
    ? [path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next"), "start"]
    : [path.join(process.cwd(), "server.js")];
  // As `npm start` runs it (package.json; docs/performance.md, "Memory").
  const child = spawn(process.execPath, [...HEAP_FLAGS, ...entry, "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, NODE_ENV: "production", ...(options.nextStart && { NEXT_MANUAL_SIG_HANDLE: "true" }), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const label = options.label ?? `app:${port}`;
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (!options.quiet) process.stderr.write(chunk.toString().replace(/^(?=.)/gm, `[${label}] `));
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${label} exited during start-up:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/api/health/ready`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${label} did not become healthy within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    baseUrl,
    port,
    child,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The process and all its descendants (next start may fork its server). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** A memory figure of /proc/<pid>/status (kB there), in bytes: the largest of the process tree's processes. */
function largestOf(pid: number, field: "VmHWM" | "VmRSS"): number {
  const pattern = new RegExp(`${field}:\\s+(\\d+) kB`);
  let largest = 0;
  for (const member of processTree(pid)) {
    try {
      const match = pattern.exec(readFileSync(`/proc/${member}/status`, "utf8"));
      if (match) largest = Math.max(largest, Number(match[1]) * 1024);
    } catch {
      // gone
    }
  }
  return largest;
}

/** Peak resident memory (VmHWM) of the process tree, in bytes: the largest of its processes. */
export const peakMemoryBytes = (pid: number): number => largestOf(pid, "VmHWM");

/** Resident memory now (VmRSS) of the process tree's largest process, in bytes. */
export const residentMemoryBytes = (pid: number): number => largestOf(pid, "VmRSS");

// Clock ticks per second of /proc/<pid>/stat's CPU times (100 on every Linux we run on, but asked).
let ticksPerSecond: number | undefined;

/**
 * CPU seconds (user + system) the process tree has used so far. Unlike requests per second, the
 * CPU a request costs the server hardly depends on what else the machine is doing at the time.
 */
export function cpuSeconds(pid: number): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  let ticks = 0;
  for (const member of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${member}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // gone
    }
  }
  return ticks / ticksPerSecond;
}

/** Signs in with a password over HTTP as a browser does (next-auth's CSRF round trip); returns the session cookie. */
export async function signInOverHttp(baseUrl: string, email: string, password: string): Promise<string> {
  const csrfResponse = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const cookies = csrfResponse.headers.getSetCookie().map((c) => c.split(";")[0]);
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const session = response.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c?.includes("session-token"));
  if (!session) throw new Error(`Sign-in as ${email} failed (HTTP ${response.status}).`);
  return session;
}
