import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { createTenant } from "@/server/tenants";
import type { MetricResult } from "@/metrics/registry";
import { daysAgo, run } from "@/metrics/testing";
import { execute, resolve } from "../run";
import { metricsCommand } from "./metrics";

async function cli(argv: string[]) {
  const inv = await resolve(argv);
  if ("help" in inv) throw new Error(inv.help);
  const db = await testDb();
  return execute(inv, { db, actor: "tester", cwd: process.cwd(), progress: () => {}, remote: false });
}

describe("plumbline metrics", () => {
  it("prints cycle time with n, p50, p90 and mean per phase, as the API returns it", async () => {
    const slug = `m${freshTenant().slice(2, 12)}`;
    const tenant = await createTenant(await testDb(), { slug });
    await commitBatch(await testDb(), { runs: [run(tenant.tenant_id, { hours: 2 }), run(tenant.tenant_id, { hours: 4 })] });
    const { result, text } = await cli(["metrics", "cycle-time", "--tenant", slug, "--workflow", "intake", "--json"]);
    expect(result).toMatchObject({ key: "cycle-time", status: "insufficient_data", live: { n: 2, p50_hours: 3, p90_hours: 3.8, mean_hours: 3 }, baseline: { n: 0 } });
    expect(text).toMatch(/insufficient data/);
  });

  it("covers all of the baseline with --phase baseline and no --from, not the last 30 days", async () => {
    const slug = `m${freshTenant().slice(2, 12)}`;
    const tenant = await createTenant(await testDb(), { slug });
    // 35 baseline runs of 10 h, 200 days ago and more: none falls in the default 30-day window.
    const baseline = Array.from({ length: 35 }, (_, i) => run(tenant.tenant_id, { phase: "baseline", hours: 10, at: daysAgo(200 + i) }));
    await commitBatch(await testDb(), { runs: baseline });
    const { result } = await cli(["metrics", "cycle-time", "--tenant", slug, "--workflow", "intake", "--phase", "baseline", "--json"]);
    expect(result).toMatchObject({ baseline: { n: 35, p50_hours: 10 } });
    // An explicit --from still bounds it: from 210 days ago, the runs at 200..210 days ago (11 of them).
    const from = daysAgo(210, 0).toISOString().slice(0, 10);
    const bounded = await cli(["metrics", "cycle-time", "--tenant", slug, "--workflow", "intake", "--phase", "baseline", "--from", from, "--json"]);
    expect(bounded.result).toMatchObject({ baseline: { n: 11 } });
  });

  it("prints a p-value below 1e-6 as a bound, never as 0", () => {
    const base = { key: "cycle-time", title: "Cycle time", unit: "hours", status: "ok", headline: { value: 0.5, unit: "ratio", label: "Compression" }, window: { from: "2026-01-01", to: "2026-01-30" } };
    const text = (p: number) => metricsCommand.format({ ...base, p_value: p } as unknown as MetricResult);
    expect(text(3e-9)).toMatch(/^p_value: < 0\.000001$/m);
    expect(text(0.0123)).toMatch(/^p_value: 0\.012$/m);
    expect(text(0.00012)).toMatch(/^p_value: 0\.00012$/m);
  });

  it("rejects an unknown metric key and a missing tenant as usage errors", async () => {
    await expect(cli(["metrics", "speed", "--tenant", "x"])).rejects.toMatchObject({ exitCode: 2 });
    await expect(cli(["metrics", "cycle-time"])).rejects.toMatchObject({ exitCode: 2 });
    await expect(cli(["metrics", "cycle-time", "--tenant", "no-such-tenant"])).rejects.toMatchObject({ exitCode: 1 });
  });
});
