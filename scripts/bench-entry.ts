import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { cpuSeconds, startApp, type AppProcess } from "./lib/app-process";

/**
 * What server.js costs per request: `next start` against server.js on GET /api/health (no
 * database), in pairs of one-second slices whose order alternates (ABBA), as scripts/bench.ts
 * measures its ratios, with the median ratio and its distribution-free 95% interval. Also the
 * server CPU per request of each side, which depends less on what else the machine does.
 * Run after `npm run build`: npx tsx scripts/bench-entry.ts
 */
const PAIRS = Number(process.env.BENCH_PAIRS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

async function slice(app: AppProcess): Promise<{ rps: number; cpuMs: number }> {
  const before = cpuSeconds(app.child.pid!);
  const result = await autocannon({ url: `${app.baseUrl}/api/health`, connections: CONNECTIONS, duration: 1 });
  const requests = result.requests.total;
  if (result.non2xx || result.errors) throw new Error(`non-2xx ${result.non2xx}, errors ${result.errors}`);
  return { rps: requests, cpuMs: ((cpuSeconds(app.child.pid!) - before) * 1000) / Math.max(1, requests) };
}

function medianWithInterval(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const median = (sorted[Math.floor((n - 1) / 2)]! + sorted[Math.ceil((n - 1) / 2)]!) / 2;
  const spread = 0.98 * Math.sqrt(n);
  return { median, low: sorted[Math.max(0, Math.floor(n / 2 - spread))]!, high: sorted[Math.min(n - 1, Math.ceil(n / 2 + spread) - 1)]! };
}

async function main() {
  const dirs = [mkdtempSync(path.join(os.tmpdir(), "tollgate-bench-a-")), mkdtempSync(path.join(os.tmpdir(), "tollgate-bench-b-"))];
  const plain = await startApp({ TOLLGATE_DATA_DIR: dirs[0]! }, { label: "next start", quiet: true, nextStart: true });
  const ours = await startApp({ TOLLGATE_DATA_DIR: dirs[1]! }, { label: "server.js", quiet: true });
  try {
    for (const app of [plain, ours]) await autocannon({ url: `${app.baseUrl}/api/health`, connections: CONNECTIONS, duration: 2 });
    const ratios: number[] = [];
    const cpu = { plain: [] as number[], ours: [] as number[] };
    for (let i = 0; i < PAIRS; i++) {
      const order = i % 4 === 0 || i % 4 === 3 ? [plain, ours] : [ours, plain];
      const results = new Map<AppProcess, { rps: number; cpuMs: number }>();
      for (const app of order) results.set(app, await slice(app));
      ratios.push(results.get(ours)!.rps / results.get(plain)!.rps);
      cpu.plain.push(results.get(plain)!.cpuMs);
      cpu.ours.push(results.get(ours)!.cpuMs);
    }
    const ratio = medianWithInterval(ratios);
    const cpuRatio = medianWithInterval(cpu.ours.map((c, i) => c / cpu.plain[i]!));
    console.log(`GET /api/health, ${PAIRS} ABBA pairs of 1 s slices, ${CONNECTIONS} connections`);
    console.log(`req/s server.js / next start: median ${ratio.median.toFixed(3)} (95% ${ratio.low.toFixed(3)}–${ratio.high.toFixed(3)})`);
    console.log(`server CPU ms/request: next start ${medianWithInterval(cpu.plain).median.toFixed(3)}, server.js ${medianWithInterval(cpu.ours).median.toFixed(3)}; ratio median ${cpuRatio.median.toFixed(3)} (95% ${cpuRatio.low.toFixed(3)}–${cpuRatio.high.toFixed(3)})`);
    console.log(`ratios sorted: ${[...ratios].sort((a, b) => a - b).map((r) => r.toFixed(2)).join(", ")}`);
  } finally {
    await plain.stop();
    await ours.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
