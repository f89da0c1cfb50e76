import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
import { describe, expect, it } from "vitest";
import { withSourceSync, withWorkflowRun } from "./instrument";

function recorder() {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer("t");
  const spans = () => exporter.getFinishedSpans();
  return { tracer, spans, byName: (name: string) => spans().find((s) => s.name === name) };
}

describe("the instrumentation helper", () => {
  it("writes a run span and step spans with the convention attributes", async () => {
    const { tracer, byName } = recorder();
    await withWorkflowRun("client-intake", { runId: "run-1", phase: "baseline", subjectId: "matter-9", tracer }, async (run) => {
      await run.step("conflict-check", { actor: "ai", model: "gpt-4o", promptVersion: "v7", dataClassification: "privileged" }, (step) => {
        step.set({ inputTokens: 900, outputTokens: 120, responseModel: "gpt-4o-2024-08-06", confidence: 0.62 });
      });
      await run.step("partner-review", { actor: "human", humanMinutes: 12, reviewRequired: true }, (step) => step.set({ reviewOutcome: "corrected" }));
      run.intervention("low confidence", { minutes: 6 });
      run.addHumanMinutes(3);
    });
    const run = byName("client-intake");
    expect(run?.attributes).toMatchObject({
      "workflow.name": "client-intake",
      "workflow.run.id": "run-1",
      "workflow.phase": "baseline",
      "workflow.subject.id": "matter-9",
      "workflow.human.minutes": 3,
    });
    expect(byName("conflict-check")?.attributes).toMatchObject({
      "workflow.step": "conflict-check",
      "workflow.run.id": "run-1",
      "workflow.actor": "ai",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.response.model": "gpt-4o-2024-08-06",
      "ai.prompt.version": "v7",
      "gen_ai.usage.input_tokens": 900,
      "data.classification": "privileged",
    });
    expect(byName("partner-review")?.attributes).toMatchObject({ "review.required": true, "review.outcome": "corrected", "workflow.human.minutes": 12 });
    expect(byName("intervention")?.attributes).toMatchObject({ "workflow.intervention": true, "workflow.intervention.reason": "low confidence", "workflow.actor": "human" });
    expect(byName("conflict-check")?.parentSpanContext?.spanId).toBe(run?.spanContext().spanId);
  });

  it("marks a run that throws as an error and rethrows", async () => {
    const { tracer, byName } = recorder();
    await expect(withWorkflowRun("billing", { tracer }, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(byName("billing")?.status.code).toBe(2);
  });

  it("lets the run override its outcome with a reason", async () => {
    const { tracer, byName } = recorder();
    await withWorkflowRun("billing", { tracer }, (run) => run.outcome("exception", "missing-invoice"));
    expect(byName("billing")?.attributes).toMatchObject({ "workflow.outcome": "exception", "workflow.exception.reason": "missing-invoice" });
  });

  it("records a source sync with its watermark and record counts", async () => {
    const { tracer, spans } = recorder();
    const watermark = new Date("2026-01-02T03:04:05Z");
    await withSourceSync("crm", (sync) => sync.set({ watermark, records: 120, invalid: 2 }), { tracer });
    expect(spans()[0]?.attributes).toEqual({
      "source.name": "crm",
      "source.sync.watermark": "2026-01-02T03:04:05.000Z",
      "source.records.count": 120,
      "source.records.invalid": 2,
    });
  });
});
