/**
 * `npm run check:metrics -- --seeds N`: the property test of issue 22 over more seeds than `npm test`
 * runs (metrics/reference/). Each seed is a generated world stored in a fresh embedded store through
 * the engine path the dashboard uses, and every figure is compared with the reference model.
 *
 * Options: `--seeds N` (default 1000), `--first S` (first seed, default 1), `--group G` (worlds stored
 * together, default 100), `--all` (every window and workflow of each seed, not one sampled query),
 * `--metrics cycle-time,exception-rate`, `--verbose` (every differing figure). Prints progress per group, each failed seed with its smallest
 * differing figure, and a final "N passed, M failed" line; exits 1 when any seed failed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openEmbedded } from "@/clickhouse/chdb-client";
import { migrate } from "@/clickhouse/migrate";
import { describeDifference } from "@/metrics/reference/compare";
import { type CheckedMetric, checkSeeds, failureLine } from "@/metrics/reference/harness";

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "1000" },
    first: { type: "string", default: "1" },
    group: { type: "string", default: "100" },
    all: { type: "boolean", default: false },
    metrics: { type: "string", default: "cycle-time" },
    verbose: { type: "boolean", default: false },
  },
});
const count = Number(values.seeds);
const first = Number(values.first);
const group = Number(values.group);
if (![count, first, group].every((v) => Number.isInteger(v) && v > 0)) throw new Error("--seeds, --first and --group take positive integers");
const metrics = values.metrics.split(",") as CheckedMetric[];

const dir = mkdtempSync(path.join(os.tmpdir(), "plumbline-check-metrics-"));
const db = await openEmbedded({ dataDir: dir });
let passed = 0;
let failed = 0;
let inexact = 0;
try {
  await migrate(db);
  const started = Date.now();
  for (let s = first; s < first + count; s += group) {
    const seeds = Array.from({ length: Math.min(group, first + count - s) }, (_, i) => s + i);
    const results = await checkSeeds(db, seeds, metrics, values.all ? "all" : "sample");
    for (const r of results) {
      inexact += r.inexact.length;
      if (values.verbose) for (const d of r.inexact) console.log(`  within tolerance, not exact: seed ${r.seed} ${d.query} ${describeDifference(d)}`);
      if (r.failures.length === 0) passed++;
      else {
        failed++;
        console.log(failureLine(r));
        if (values.verbose) for (const d of r.failures) console.log(`  ${d.query} ${describeDifference(d)}`);
      }
    }
    console.log(`seeds ${seeds[0]}–${seeds.at(-1)}: ${passed} passed, ${failed} failed so far (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  if (inexact > 0) console.log(`${inexact} quantiles or means within tolerance but not exact`);
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
