import { openEmbedded } from "@/clickhouse/chdb-client";
import { withSlowQueryLog } from "@/clickhouse/slow-query-log";
import { runMetric } from "@/metrics/registry";
import { addDays, startOfUtcDay } from "@/metrics/scope";
const raw = await openEmbedded({ dataDir: "/work/bench-50m" });
const lines: string[] = [];
const db = withSlowQueryLog(raw, 0, (l) => lines.push(l));
const now = new Date();
const from = startOfUtcDay(addDays(now, -364));
for (const key of (process.argv[2] ?? "cycle-time").split(",")) {
  for (let i = 0; i < 2; i++) {
    lines.length = 0;
    const t0 = performance.now();
    await runMetric(db, key as never, { tenantId: "bench-t3", workflows: null, from, asOf: now });
    console.log(key, "total", Math.round(performance.now() - t0));
  }
  for (const l of lines) console.log("  ", l.slice(0, 260));
}
await raw.close();
