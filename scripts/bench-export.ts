/**
 * `npm run bench:export`: a tenant of 1,000,000 telemetry rows exported in bounded memory (issue 24,
 * finding 7: 400k rows took the server from 0.77 to 3.0 GB when tables were held whole).
 *
 * 1. A fresh embedded store in a temp dir, migrated, one tenant; its rows are made inside the engine
 *    (INSERT … SELECT FROM numbers()): a fifth as runs, the rest as steps, and the rollup views fill.
 * 2. The limit: the engine writes the same rows (every tenant table) to files itself, with
 *    `INSERT INTO FUNCTION file(…, JSONEachRow) SELECT …`, no JavaScript on the way.
 * 3. `exportTenant` in this process (as the server runs it: the engine is in-process), resident memory
 *    sampled every 20 ms; the kernel's peak (VmHWM) is reset first through /proc/self/clear_refs.
 * Rounds alternate limit and export (BENCH_ROUNDS, default 2); the best time of each is compared.
 * BENCH_ROWS changes the size (e.g. 200000 to compare: the growth should not follow the rows).
 * The last line printed is one JSON object with the figures.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { assertIdentifier } from "@/clickhouse/client";
import { migrate } from "@/clickhouse/migrate";
import { closeStore, getStore } from "@/clickhouse/store";
import { exportTenant } from "@/server/tenant-admin/export-tenant";
import { tenantTables } from "@/server/tenant-admin/tenant-tables";
import { createTenant } from "@/server/tenants";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const work = mkdtempSync(path.join(os.tmpdir(), "plumbline-bench-export-"));
const log = (line: string) => console.log(`[bench] ${line}`);
const MB = 1024 * 1024;
const mb = (bytes: number) => Math.round(bytes / MB);

function kernelPeak(): number {
  const status = readFileSync("/proc/self/status", "utf8");
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0), so the peak read afterwards is this phase's. */
function resetKernelPeak(): void {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    // Not permitted here: the sampled peak still stands.
  }
}

/** Runs `work` while sampling RSS; returns its time, the RSS before it and the highest seen during it. */
async function measured<T>(run: () => Promise<T>): Promise<{ result: T; ms: number; before: number; peak: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage.rss();
  resetKernelPeak();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const t0 = performance.now();
  const result = await run();
  const ms = performance.now() - t0;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss(), kernelPeak());
  return { result, ms, before, peak };
}

async function main(): Promise<void> {
  const db = await getStore({ kind: "embedded", dataDir: path.join(work, "data") });
  await migrate(db);
  const tenant = await createTenant(db, { slug: "bench" });
  const runs = Math.floor(ROWS / 5);
  const t = { t: tenant.tenant_id };
  const t0 = performance.now();
  await db.command(
    `INSERT INTO runs (tenant_id, workflow, run_id, phase, start_time, end_time, outcome, subject_hash)
     SELECT {t:String}, 'intake', concat('run-', toString(number)), 'live', now64(3) - toIntervalSecond(number * 7),
            now64(3) - toIntervalSecond(number * 7) + 600, 'completed', hex(sipHash128(number))
     FROM numbers(${runs})`,
    t,
  );
  await db.command(
    `INSERT INTO steps (tenant_id, workflow, run_id, span_id, step, actor, phase, start_time, end_time, request_model, input_tokens)
     SELECT {t:String}, 'intake', concat('run-', toString(intDiv(number, 4))), hex(sipHash64(number)), ['draft', 'check', 'review', 'send'][number % 4 + 1],
            'ai', 'live', now64(3) - toIntervalSecond(intDiv(number, 4) * 7), now64(3) - toIntervalSecond(intDiv(number, 4) * 7) + 120, 'gpt-4o', number % 2000
     FROM numbers(${ROWS - runs})`,
    t,
  );
  log(`${ROWS} rows made in ${Math.round(performance.now() - t0)} ms`);

  const tables = (await tenantTables(db)).map((x) => assertIdentifier(x.read));
  // Table after table, as the export goes.
  const limit = async () => {
    for (const [i, name] of tables.entries()) {
      await db.command(`INSERT INTO FUNCTION file({f:String}, 'JSONEachRow') SELECT * FROM ${name} WHERE tenant_id = {t:String}`, {
        ...t,
        f: path.join(work, `limit-${Date.now()}-${i}.jsonl`),
      });
    }
  };
  const limits: number[] = [];
  const exports: Awaited<ReturnType<typeof measured<Awaited<ReturnType<typeof exportTenant>>>>>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const l = await measured(limit);
    limits.push(l.ms);
    log(`round ${round + 1}: engine's own read to files ${Math.round(l.ms)} ms`);
    const e = await measured(() => exportTenant(db, tenant.slug, path.join(work, `export-${round}`), "bench"));
    exports.push(e);
    const rows = e.result.tables.reduce((n, x) => n + x.rows, 0);
    log(`round ${round + 1}: export of ${rows} rows ${Math.round(e.ms)} ms, RSS ${mb(e.before)} MB before, ${mb(e.peak)} MB peak (+${mb(e.peak - e.before)} MB)`);
  }
  const rows = z.number().parse(exports[0]?.result.tables.reduce((n, x) => n + x.rows, 0));
  const bestExport = Math.min(...exports.map((e) => e.ms));
  const bestLimit = Math.min(...limits);
  const growth = Math.max(...exports.map((e) => e.peak - e.before));
  console.log(
    JSON.stringify({
      rows,
      telemetryRows: ROWS,
      exportMs: Math.round(bestExport),
      engineReadMs: Math.round(bestLimit),
      ratio: Number((bestExport / bestLimit).toFixed(2)),
      rssBeforeMB: mb(exports[0]?.before ?? 0),
      rssPeakMB: mb(Math.max(...exports.map((e) => e.peak))),
      rssGrowthMB: mb(growth),
    }),
  );
  await closeStore();
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
