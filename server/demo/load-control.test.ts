import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { DEMO_CONTROL } from "@/ingest/demo/control-workflow";
import { DEMO_FIRMS } from "@/ingest/demo/firms";
import { dayStart, generateFirm } from "@/ingest/demo/generate";
import type { ControlComparisonResult } from "@/metrics/control-comparison";
import { runMetric } from "@/metrics/registry";
import { lockForTest } from "@/metrics/testing";
import { DEMO_SEED } from "./load";
import { loadDemoControl } from "./load-control";

describe("the demo's control workflow", () => {
  it("gives the law firm's billing narratives a control comparison that passes the pre-trend check", async () => {
    const db = await testDb();
    const t = freshTenant();
    const anchor = dayStart(new Date(), 0);
    const law = DEMO_FIRMS.find((f) => f.slug === DEMO_CONTROL.firm)!;
    const treated = law.workflows.find((w) => w.workflow === DEMO_CONTROL.treated)!;
    for (const chunk of generateFirm({ ...law, workflows: [treated], sources: [] }, { tenantId: t, anchor, seed: DEMO_SEED })) await commitBatch(db, chunk.batch);
    await lockForTest(db, t, treated.workflow, dayStart(anchor, treated.goLiveDaysAgo));
    expect(await loadDemoControl(db, t, law, anchor, DEMO_SEED)).toBeGreaterThan(1000);
    const r = (await runMetric(db, "control-comparison", { tenantId: t, workflow: treated.workflow })) as ControlComparisonResult;
    expect(r.controls).toEqual([DEMO_CONTROL.control]);
    expect(r.cycle?.check?.parallel).toBe(true);
    expect(r.cycle?.status).toBe("ok");
    // The control's shock (+15% from go-live) is subtracted: the estimate is below the plain before/after.
    expect(r.cycle!.estimate!).toBeLessThan(r.cycle!.treated_change!);
  });
});
