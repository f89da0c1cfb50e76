/**
 * `npm run bench:import`: a 1,000,000-event CSV event log imported as a baseline in bounded memory.
 *
 * 1. Generates the CSV in a temp dir (200,000 cases × 5 events, a resource and human minutes per event).
 * 2. A fresh embedded store in another temp dir: `plumbline migrate`, `plumbline tenants create bench`.
 * 3. `plumbline import <csv> --workflow bench --json` in a child process, whose resident memory is
 *    sampled from /proc every 100 ms (VmHWM is the kernel's own peak), also when each progress line
 *    arrives (the peak while parsing and staging); rows/s = events ÷ wall time.
 * BENCH_EVENTS changes the size (e.g. 100000 to compare: memory should not grow with the file).
 * The last line printed is one JSON object with the figures.
 */
import { execFileSync, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { z } from "zod";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const PER_CASE = 5;
const root = path.resolve(import.meta.dirname, "..");
const work = mkdtempSync(path.join(os.tmpdir(), "plumbline-bench-import-"));
const dataDir = path.join(work, "data");
const csv = path.join(work, "events.csv");
const env = { ...process.env, PLUMBLINE_DATA_DIR: dataDir, PLUMBLINE_DEMO: "0" };
const log = (line: string) => console.log(`[bench] ${line}`);
const ACTIVITIES = ["Intake received", "Conflict check", "Documents requested", "Engagement letter", "Matter opened"];

async function writeCsv(): Promise<void> {
  const out = createWriteStream(csv);
  out.write("case_id,activity,timestamp,resource,human_minutes\n");
  const start = Date.UTC(2023, 0, 1);
  let buf = "";
  for (let i = 0; i < EVENTS; i++) {
    const c = Math.floor(i / PER_CASE);
    const k = i % PER_CASE;
    const t = new Date(start + c * 150_000 + k * 3_600_000 * (1 + (c % 7))).toISOString();
    const robot = k === 1;
    buf += `M-${c},${ACTIVITIES[k]},${t},${robot ? "conflict-bot" : `paralegal-${c % 40}`},${robot ? 0 : 5 + (c % 30)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, "drain");
      buf = "";
    }
  }
  out.end(buf);
  await once(out, "finish");
}

function cli(...args: string[]): string {
  return execFileSync(process.execPath, [path.join(root, "bin/plumbline.mjs"), ...args], { env, cwd: root, encoding: "utf8" });
}

function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
    return { rss: kb("VmRSS") * 1024, hwm: kb("VmHWM") * 1024 };
  } catch {
    return undefined;
  }
}

const summary = z.object({ status: z.literal("imported"), runs: z.number(), events: z.number(), skipped: z.number() });

async function main() {
  const t0 = performance.now();
  await writeCsv();
  const bytes = statSync(csv).size;
  log(`generated ${EVENTS.toLocaleString("en-US")} events (${(bytes / 1e6).toFixed(1)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  cli("migrate");
  cli("tenants", "create", "bench");

  const started = performance.now();
  const child = spawn(process.execPath, [path.join(root, "bin/plumbline.mjs"), "import", csv, "--workflow", "bench", "--tenant", "bench", "--system-resources", "bot$", "--json"], {
    env,
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  // The peak when the last progress line arrives is the peak of parsing and staging; what follows it
  // is the engine building runs and steps from the staged rows.
  let stagingPeak = 0;
  child.stderr.on("data", (d: Buffer) => {
    stagingPeak = Math.max(stagingPeak, memoryOf(child.pid ?? 0)?.hwm ?? 0);
    process.stdout.write(`[child] ${d.toString()}`);
  });
  let peak = 0;
  let peakSampled = 0;
  const pid = child.pid ?? 0;
  const timer = setInterval(() => {
    const m = memoryOf(pid);
    if (m) {
      peak = Math.max(peak, m.hwm);
      peakSampled = Math.max(peakSampled, m.rss);
    }
  }, 100);
  const [code] = (await once(child, "exit")) as [number | null];
  clearInterval(timer);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`import exited with ${code}: ${stdout}`);
  const result = summary.parse(JSON.parse(stdout.trim().split("\n").pop() ?? "{}"));
  rmSync(work, { recursive: true, force: true });
  const figures = {
    bench: "import",
    events: EVENTS,
    file_mb: Number((bytes / 1e6).toFixed(1)),
    runs: result.runs,
    stored_events: result.events,
    skipped: result.skipped,
    seconds: Number(seconds.toFixed(2)),
    rows_per_second: Math.round(EVENTS / seconds),
    peak_rss_mb: Number((Math.max(peak, peakSampled) / 1e6).toFixed(1)),
    peak_rss_while_staging_mb: Number((stagingPeak / 1e6).toFixed(1)),
  };
  log(`imported ${result.runs.toLocaleString("en-US")} runs in ${figures.seconds} s: ${figures.rows_per_second.toLocaleString("en-US")} rows/s, peak RSS ${figures.peak_rss_mb} MB`);
  console.log(JSON.stringify(figures));
}

main().catch((err: unknown) => {
  rmSync(work, { recursive: true, force: true });
  console.error(err);
  process.exitCode = 1;
});
