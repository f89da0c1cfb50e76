import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { LaborHoursResult } from "@/metrics/labor-hours";
import { runMetric } from "@/metrics/registry";
import { dayString } from "@/metrics/scope";
import { daysAgo, run } from "@/metrics/testing";
import { getWorkflowSettings, setGoLive } from "@/server/baseline/workflow-settings";
import { createTenant } from "@/server/tenants";
import type { CommandContext } from "../command";
import { workflowsCosts } from "./workflows";

let db: Db;
let ctx: CommandContext;
beforeAll(async () => {
  db = await testDb();
  ctx = { db, actor: "cli:test", cwd: mkdtempSync(path.join(tmpdir(), "workflows-cli-")), progress: () => undefined, remote: true };
});

const costs = (tenant: string, values: Record<string, string>) => workflowsCosts.run(ctx, { positionals: [], values: { tenant, workflow: "intake", ...values } });

describe("plumbline workflows costs", () => {
  it("stores the one-time and recurring investment, keeps them through a baseline lock, and ROI counts them", async () => {
    const t = await createTenant(db, { slug: `cli-${randomUUID().slice(0, 8)}` });
    const r = await costs(t.slug, { "hourly-cost": "60", "platform-monthly": "0", "recurring-monthly": "304.375", "one-time": "2500" });
    expect(r.changed).toBe(true);
    expect(r.settings).toMatchObject({ hourly_cost: 60, recurring_investment_monthly: 304.375, implementation_cost: 2500 });
    expect((await costs(t.slug, { "one-time": "2500" })).changed).toBe(false);
    // 30 baseline runs of 30 minutes, locked at go-live 20 days ago; 30 live runs of 10 minutes.
    await commitBatch(db, { runs: Array.from({ length: 30 }, () => run(t.tenant_id, { phase: "baseline", at: daysAgo(60), human_minutes: 30 })) });
    await setGoLive(db, { tenantId: t.tenant_id, workflow: "intake", goLiveDate: dayString(daysAgo(20)), actor: "cli:test" });
    expect(await getWorkflowSettings(db, t.tenant_id, "intake")).toMatchObject({ recurring_investment_monthly: 304.375, implementation_cost: 2500 });
    await commitBatch(db, { runs: Array.from({ length: 30 }, () => run(t.tenant_id, { at: daysAgo(3), human_minutes: 10 })) });
    const labor = (await runMetric(db, "labor-hours", { tenantId: t.tenant_id, workflow: "intake" })) as LaborHoursResult;
    // Hours = 30·(30 − 10)/60 = 10; value = 600; recurring = 30 days · 10 = 300; net = 300; ROI = 300/300 = 1.
    expect(labor.hours).toBe(10);
    expect(labor.recurring_investment).toBeCloseTo(300, 6);
    expect(labor.net_value).toBeCloseTo(300, 6);
    expect(labor.roi).toBe(1);
    // Payback: 17 days at −10 (−170), then +600 − 10 → 420 < 2500; not reached, and counted in payback.
    expect(labor.payback).toMatchObject({ implementation_cost: 2500, projected: true });
  });

  it("refuses a negative or missing cost", async () => {
    await expect(costs("any", { "hourly-cost": "-1" })).rejects.toThrow(/≥ 0/);
    await expect(costs("any", {})).rejects.toThrow(/at least one/);
  });
});
