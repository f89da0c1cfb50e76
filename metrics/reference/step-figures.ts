import type { StepRow } from "@/ingest/rows";
import { type ModelStore, sideRuns } from "./model";
import { startOfUtcDay } from "./world";

/**
 * Step figures as docs/metrics.md defines them ("Step figures"; AI cost in "Labor hours and ROI"), over
 * the model's steps: each step once at its latest delivery, on the UTC day of that delivery's start, in
 * its phase. Written from the definitions alone, like `model.ts`.
 */

const ms = (t: StepRow["start_time"]): number => (typeof t === "number" ? t : t.getTime());
const modelOf = (s: StepRow) => (s.response_model ? s.response_model : (s.request_model ?? ""));

/** The live steps of whole UTC days [from, to). */
function liveSteps(store: ModelStore, from: Date, to: Date): StepRow[] {
  const [lo, hi] = [startOfUtcDay(from.getTime()), startOfUtcDay(to.getTime())];
  return [...store.steps.values()].filter((s) => s.phase === "live" && startOfUtcDay(ms(s.start_time)) >= lo && startOfUtcDay(ms(s.start_time)) < hi);
}

/** AI tokens per workflow, day and model, as `workflow day model input/output`, sorted; days with no tokens left out. */
export function referenceAiUsage(store: ModelStore, from: Date, to: Date): string[] {
  const sums = new Map<string, [number, number]>();
  for (const s of liveSteps(store, from, to).filter((x) => x.actor === "ai")) {
    const key = `${s.workflow} ${new Date(startOfUtcDay(ms(s.start_time))).toISOString().slice(0, 10)} ${modelOf(s)}`;
    const [i, o] = sums.get(key) ?? [0, 0];
    sums.set(key, [i + (s.input_tokens ?? 0), o + (s.output_tokens ?? 0)]);
  }
  return [...sums].filter(([, [i, o]]) => i + o > 0).map(([k, [i, o]]) => `${k} ${i}/${o}`).sort();
}

/** Compliance's step counts: AI steps, reviews required and done, and AI steps on guarded classes by model. */
export function referenceStepCounts(store: ModelStore, from: Date, to: Date) {
  const steps = liveSteps(store, from, to);
  const ai = steps.filter((s) => s.actor === "ai");
  const guarded = new Map<string, number>();
  for (const s of ai.filter((x) => x.data_classification === "phi" || x.data_classification === "privileged")) {
    const key = `${s.workflow} ${s.data_classification} ${modelOf(s)}`;
    guarded.set(key, (guarded.get(key) ?? 0) + 1);
  }
  return {
    ai_steps: ai.length,
    reviews_required: steps.filter((s) => s.review_required === 1).length,
    reviews_done: steps.filter((s) => (s.review_outcome ?? "") !== "").length,
    guarded: [...guarded].map(([k, n]) => `${k} ${n}`).sort(),
  };
}

/**
 * The rework rate's live side ("Rework"): finished live runs of the window, and those reworked: a step
 * name on two of the run's spans, or a step whose review corrected or rejected the output.
 */
export function referenceRework(store: ModelStore, from: Date, to: Date): { runs: number; rework_runs: number } {
  const runs = sideRuns(store, "live", startOfUtcDay(from.getTime()), startOfUtcDay(to.getTime()), null);
  const reworked = runs.filter(({ steps }) => {
    const names = steps.map((s) => s.step ?? "");
    const repeated = names.some((n, i) => names.indexOf(n) !== i);
    return repeated || steps.some((s) => s.review_outcome === "corrected" || s.review_outcome === "rejected");
  });
  return { runs: runs.length, rework_runs: reworked.length };
}

/**
 * The pilot-trap detector's sign per run ("Pilot trap"): finished live runs of the window with a step
 * name done both by AI and by a person, each step at its latest delivery, within the run's step bounds.
 */
export function referenceDuplicated(store: ModelStore, from: Date, to: Date): { runs: number; duplicated: number } {
  const runs = sideRuns(store, "live", startOfUtcDay(from.getTime()), startOfUtcDay(to.getTime()), null);
  const duplicated = runs.filter(({ steps }) => {
    const byAi = new Set(steps.filter((s) => s.actor === "ai").map((s) => s.step ?? ""));
    return steps.some((s) => s.actor === "human" && byAi.has(s.step ?? ""));
  });
  return { runs: runs.length, duplicated: duplicated.length };
}

const DAY = 86_400_000;
const endOf = (s: StepRow): number => ms(s.end_time);

/**
 * Compliance's review SLA ("Step figures"): the live review steps of the window in workflows with a
 * review SLA (`sla`, minutes; 0 is none), and those whose latency is at most their SLA. The latency runs
 * from the end of the output the review names (the latest-ending step carrying that output id, started
 * within the 30 days before the review's day), else from the review's start, to the review's end.
 */
export function referenceReviewSla(store: ModelStore, from: Date, to: Date, sla: Map<string, number>): { with_sla: number; within: number } {
  const outputs = new Map<string, StepRow>();
  for (const s of store.steps.values()) {
    const id = s.output_id ?? "";
    const was = outputs.get(id);
    if (id !== "" && (!was || endOf(s) > endOf(was))) outputs.set(id, s);
  }
  let withSla = 0;
  let within = 0;
  for (const r of liveSteps(store, from, to).filter((s) => (s.review_outcome ?? "") !== "")) {
    const minutes = sla.get(r.workflow ?? "") ?? 0;
    if (minutes <= 0) continue;
    const o = outputs.get(r.review_output_id ?? "");
    const named = o !== undefined && startOfUtcDay(ms(o.start_time)) >= startOfUtcDay(ms(r.start_time)) - 30 * DAY;
    const latency = endOf(r) - (named ? endOf(o) : ms(r.start_time));
    withSla += 1;
    if (latency <= minutes * 60_000) within += 1;
  }
  return { with_sla: withSla, within };
}
