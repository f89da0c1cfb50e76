import type { RunRow, StepRow } from "../rows";
import type { DemoFirm, DemoWorkflow } from "./firms";
import { type DemoChunk, type DemoOptions, buildRun, dayStart } from "./generate";
import { Random } from "./random";

/**
 * A demo workflow caught in the pilot trap (issue 27; docs/metrics.md, "Pilot trap"): the AI drafts the
 * matter summary, but associates still write it themselves, partners correct most drafts, and about
 * half of the matters are still handled the old way, by hand, and reported as phase `manual`.
 *
 * It is generated after the firm's own data, from a random stream of its own, so that adding it changes
 * no row of the other demo workflows or sources.
 */
export const PILOT_TRAP_FIRM = "demo";

const MANUAL_PER_WEEKDAY = 6;
const LIVE_PER_WEEKDAY = 4;
/** A share of reviews that correct or reject the AI's draft. */
const CORRECTED_SHARE = 0.7;

export const PILOT_TRAP_WORKFLOW: DemoWorkflow = {
  workflow: "matter-summary",
  displayName: "Matter summaries",
  // Under 110 days: the generator's rollout setback (days 110–135 live) would add exceptions.
  goLiveDaysAgo: 100,
  baselineDays: 90,
  runsPerWeekday: 12,
  hourlyCost: 150,
  reviewSlaMinutes: 1440,
  exceptionSlaMinutes: 2880,
  platformCostMonthly: 700,
  implementationCost: 22000,
  baselineCycleHours: 30,
  // No exceptions: the queue and its figures stay those of the other workflows.
  baselineExceptionRate: 0,
  targetCycleShare: 0.8,
  liveExceptionRate: 0,
  exceptionReasons: ["missing-documents"],
  targets: { cycle_time_compression: 0.4, labor_hours_30d: 120 },
  approvedModels: { internal: ["gpt-4o"] },
  baselineSteps: [
    { step: "collect-documents", actor: "human", minutes: 10, classification: "internal" },
    { step: "draft-summary", actor: "human", minutes: 25, classification: "internal" },
    { step: "partner-check", actor: "human", minutes: 10, classification: "internal" },
  ],
  liveSteps: [
    { step: "collect-documents", actor: "system", minutes: 1, classification: "internal" },
    { step: "draft-summary", actor: "ai", minutes: 3, model: "gpt-4o", classification: "internal" },
    // The associate writes the summary anyway.
    { step: "draft-summary", actor: "human", minutes: 25, classification: "internal" },
    { step: "partner-check", actor: "human", minutes: 15, classification: "internal", review: true },
  ],
};

/** The firm's workflows with the pilot-trap workflow added where it belongs (settings, locks). */
export function withPilotTrap(firm: DemoFirm): DemoWorkflow[] {
  return firm.slug === PILOT_TRAP_FIRM ? [...firm.workflows, PILOT_TRAP_WORKFLOW] : firm.workflows;
}

/** A generated run as the pilot-trap workflow has it: manual runs renamed, most reviews correcting, one approved model. */
function reshape(rng: Random, chunk: DemoChunk, manual: boolean): DemoChunk {
  const id = (runId: string) => (manual ? runId.replace(/-b$/, "-m") : runId);
  const runs: RunRow[] = (chunk.batch.runs ?? []).map((r) => ({ ...r, run_id: id(r.run_id), ...(manual ? { phase: "manual" as const } : {}) }));
  const steps: StepRow[] = (chunk.batch.steps ?? []).map((s) => ({
    ...s,
    run_id: id(s.run_id),
    ...(manual ? { phase: "manual" as const } : {}),
    ...(s.review_outcome ? { review_outcome: rng.chance(CORRECTED_SHARE) ? ("corrected" as const) : ("approved" as const) } : {}),
    ...(s.request_model ? { request_model: "gpt-4o", response_model: "gpt-4o" } : {}),
  }));
  return { batch: { runs, steps }, actions: chunk.actions };
}

/** The pilot-trap workflow's runs for the firm that has it; nothing for the others. */
export function* pilotTrapChunks(firm: DemoFirm, o: DemoOptions): Generator<DemoChunk> {
  if (firm.slug !== PILOT_TRAP_FIRM) return;
  const w = PILOT_TRAP_WORKFLOW;
  const rng = new Random(o.seed + 27);
  const anchorMs = dayStart(o.anchor, 0).getTime();
  const out: DemoChunk = { batch: { runs: [], steps: [] }, actions: [] };
  const add = (c: DemoChunk) => {
    out.batch.runs?.push(...(c.batch.runs ?? []));
    out.batch.steps?.push(...(c.batch.steps ?? []));
    out.actions.push(...c.actions);
  };
  for (let ago = w.goLiveDaysAgo + w.baselineDays; ago >= 1; ago--) {
    const day = dayStart(o.anchor, ago);
    const scale = day.getUTCDay() !== 0 && day.getUTCDay() !== 6 ? 1 : 0.12;
    const live = ago <= w.goLiveDaysAgo;
    const counts = live ? { live: rng.poisson(LIVE_PER_WEEKDAY * scale), manual: rng.poisson(MANUAL_PER_WEEKDAY * scale) } : { live: 0, manual: rng.poisson(w.runsPerWeekday * scale) };
    const start = () => new Date(day.getTime() + rng.between(13, 23) * 3_600_000);
    const daysLive = w.goLiveDaysAgo - ago;
    for (let seq = 0; seq < counts.live; seq++) add(reshape(rng, buildRun(rng, o, { w, phase: "live", start: start(), seq, daysLive }, anchorMs), false));
    // Before go-live these are the baseline; after it, the same work done by hand beside the live runs.
    for (let seq = 0; seq < counts.manual; seq++) add(reshape(rng, buildRun(rng, o, { w, phase: "baseline", start: start(), seq: 100 + seq, daysLive }, anchorMs), live));
  }
  yield out;
}
