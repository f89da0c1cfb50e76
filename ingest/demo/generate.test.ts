import { describe, expect, it } from "vitest";
import { epochMs, type RunRow, type StepRow } from "../rows";
import { targetsSchema } from "@/metrics/workflow-settings";
import { workflowConfigInput } from "@/server/routers/settings-workflows";
import { DEMO_FIRMS } from "./firms";
import { dayStart, generateFirm, rolloutCurve } from "./generate";

const anchor = new Date(Date.UTC(2026, 10, 21));
const firm = DEMO_FIRMS[0]!;

function collect(seed: number) {
  const runs: RunRow[] = [];
  const steps: StepRow[] = [];
  let syncs = 0;
  for (const c of generateFirm(firm, { tenantId: "t1", anchor, seed })) {
    runs.push(...(c.batch.runs ?? []));
    steps.push(...(c.batch.steps ?? []));
    syncs += c.batch.sourceSyncs?.length ?? 0;
  }
  return { runs, steps, syncs };
}

const hours = (r: RunRow) => (epochMs(r.end_time) - epochMs(r.start_time)) / 3_600_000;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

describe("demo generator", () => {
  const a = collect(7);

  it("gives the same rows for the same seed and date", () => {
    const b = collect(7);
    expect(b.runs.length).toBe(a.runs.length);
    expect(b.runs.slice(0, 50)).toEqual(a.runs.slice(0, 50));
    expect(b.steps.at(-1)).toEqual(a.steps.at(-1));
  });

  it("gives different rows for another seed", () => {
    const c = collect(8);
    expect(c.runs.slice(0, 5)).not.toEqual(a.runs.slice(0, 5));
  });

  it("puts go-live about 13 months before the anchor, with a measured baseline before it", () => {
    const intake = a.runs.filter((r) => r.workflow === "client-intake");
    const firstLive = intake.filter((r) => r.phase === "live").map((r) => epochMs(r.start_time));
    const lastBaseline = intake.filter((r) => r.phase === "baseline").map((r) => epochMs(r.start_time));
    const goLive = dayStart(anchor, 395).getTime();
    expect(Math.min(...firstLive)).toBeGreaterThanOrEqual(goLive);
    expect(Math.max(...lastBaseline)).toBeLessThan(goLive);
    expect(lastBaseline.length).toBeGreaterThan(500);
  });

  it("improves over the year, noisily, with a setback", () => {
    const w = firm.workflows[0]!;
    const intake = a.runs.filter((r) => r.workflow === w.workflow);
    const baseline = median(intake.filter((r) => r.phase === "baseline").map(hours));
    const goLive = dayStart(anchor, w.goLiveDaysAgo).getTime();
    const liveBetween = (d0: number, d1: number) =>
      median(intake.filter((r) => r.phase === "live" && epochMs(r.start_time) >= goLive + d0 * 86_400_000 && epochMs(r.start_time) < goLive + d1 * 86_400_000).map(hours));
    expect(liveBetween(0, 60)).toBeLessThan(baseline);
    expect(liveBetween(300, 390)).toBeLessThan(liveBetween(0, 60));
    expect(rolloutCurve(w, 120).exceptionRate).toBeGreaterThan(rolloutCurve(w, 100).exceptionRate);
  });

  it("has AI steps with models, reviews, interventions and source syncs", () => {
    const ai = a.steps.filter((s) => s.actor === "ai");
    expect(ai.length).toBeGreaterThan(1000);
    expect(ai.every((s) => s.request_model && (s.input_tokens ?? 0) > 0)).toBe(true);
    expect(a.steps.some((s) => s.review_outcome === "corrected")).toBe(true);
    expect(a.steps.some((s) => s.intervention === 1 && s.intervention_reason)).toBe(true);
    expect(a.syncs).toBeGreaterThan(1000);
  });

  it("keeps every run's steps inside the run and run ids unique", () => {
    const byId = new Map(a.runs.map((r) => [r.run_id, r]));
    expect(byId.size).toBe(a.runs.length);
    for (const s of a.steps.slice(0, 5000)) {
      const r = byId.get(s.run_id);
      expect(r).toBeDefined();
      expect(epochMs(s.start_time)).toBeGreaterThanOrEqual(epochMs(r!.start_time));
      expect(epochMs(s.end_time)).toBeLessThanOrEqual(epochMs(r!.end_time));
    }
  });

  it("sets only targets that the milestones read, in a shape the settings form accepts", () => {
    // The keys the milestones read (metrics/milestones.ts: t.cycle_time_compression, t.exception_rate,
    // t.labor_hours_30d); a key outside them was dropped on read and made "Save new version" answer 400.
    const read = ["cycle_time_compression", "exception_rate", "labor_hours_30d"];
    for (const f of DEMO_FIRMS) {
      for (const w of f.workflows) {
        for (const key of Object.keys(w.targets)) expect(read, `${f.slug}/${w.workflow}: ${key}`).toContain(key);
        // targetsSchema strips unknown keys, so it gives back the same object only if every key is known.
        expect(targetsSchema.parse(w.targets), `${f.slug}/${w.workflow}`).toEqual(w.targets);
        expect(workflowConfigInput.shape.targets.safeParse(JSON.stringify(w.targets)).success, `${f.slug}/${w.workflow}`).toBe(true);
      }
    }
  });
});

