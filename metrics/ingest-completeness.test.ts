import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { runMetric, type MetricInput } from "./registry";
import { PER_TENANT_REASON, type IngestCompletenessResult } from "./ingest-completeness";
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
    // A user behind a barrier sees the runs of their workflows but not firm-wide channel counts, and is
    // told so rather than shown "0 accepted" as if nothing had arrived.
    const barred = await ingest({ tenantId: t, workflows: ["intake"] });
    expect(barred).toMatchObject({ status: "insufficient_data", reason: PER_TENANT_REASON, acceptance_rate: null, runs_never_closed: 1 });
    expect((await ingest({ tenantId: freshTenant() })).status).toBe("insufficient_data");
  });

  it("answers a single workflow with the reason it has no acceptance figure, not 'ok' with 0 accepted", async () => {
    const t = freshTenant();
    const r = run(t, { at: daysAgo(2) });
    await commitBatch(await testDb(), {
      runs: [r],
      ingestStats: [{ tenant_id: t, day: dayString(daysAgo(2)), channel: "otlp-traces", source: "intake-svc", accepted: 50, rejected: 0 }],
    });
    const one = await ingest({ tenantId: t, workflow: "intake" });
    expect(one).toMatchObject({ status: "insufficient_data", reason: PER_TENANT_REASON, acceptance_rate: null, runs_closed: 1 });
    expect(one.headline.value).toBeNull();
  });

  it("does not count imported event-log rows as spans", async () => {
    const t = freshTenant();
    const day = dayString(daysAgo(2));
    await commitBatch(await testDb(), {
      ingestStats: [
        { tenant_id: t, day, channel: "otlp-traces", source: "intake-svc", accepted: 30, rejected: 10 },
        { tenant_id: t, day, channel: "import", source: "log.xes", accepted: 1000, rejected: 0 },
      ],
    });
    // Spans only: 30 accepted of 40. The import still shows in the day's breakdown, under its channel.
    const r = await ingest({ tenantId: t });
    expect(r).toMatchObject({ status: "ok", accepted: 30, rejected: 10, acceptance_rate: 0.75 });
    expect(r.by_day.map((d) => d.channel).sort()).toEqual(["import", "otlp-traces"]);
  });
});
