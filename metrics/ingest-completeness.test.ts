import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { runMetric, type MetricInput } from "./registry";
import type { IngestCompletenessResult } from "./ingest-completeness";
import { dayString } from "./scope";
import { daysAgo, run, step } from "./testing";

const ingest = async (input: MetricInput) => (await runMetric(await testDb(), "ingest-completeness", input)) as IngestCompletenessResult;

describe("ingest completeness", () => {
  it("sums accepted and rejected spans and finds runs that never closed", async () => {
    const t = freshTenant();
    const day = dayString(daysAgo(3));
    const closed = run(t, { at: daysAgo(3) });
    const orphan = run(t, { at: daysAgo(3) });
    const recent = run(t, { at: new Date(Date.now() - 3_600_000), hours: 0.5 });
    await commitBatch(await testDb(), {
      runs: [closed],
      // The orphan's run span never arrived; the recent one is still inside its one-day grace.
      steps: [step(t, closed), step(t, orphan), step(t, orphan, { step: "review" }), step(t, recent)],
      ingestStats: [
        { tenant_id: t, day, channel: "otlp-traces", source: "intake-svc", accepted: 90, rejected: 0 },
        { tenant_id: t, day, channel: "otlp-traces", source: "intake-svc", reason: "bad-phase", accepted: 0, rejected: 10 },
      ],
    });
    const r = await ingest({ tenantId: t });
    expect(r).toMatchObject({ accepted: 90, rejected: 10, acceptance_rate: 0.9, runs_never_closed: 1, runs_closed: 1 });
    expect(r.rejected_reasons).toEqual([{ reason: "bad-phase", rejected: 10 }]);
    // A user behind a barrier sees the runs of their workflows but not firm-wide channel counts.
    const barred = await ingest({ tenantId: t, workflows: ["intake"] });
    expect(barred).toMatchObject({ accepted: 0, runs_never_closed: 1 });
    expect((await ingest({ tenantId: freshTenant() })).status).toBe("insufficient_data");
  });
});
