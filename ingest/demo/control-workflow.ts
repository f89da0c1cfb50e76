import type { DemoFirm, DemoWorkflow } from "./firms";
import { type DemoChunk, type DemoOptions, dayStart, generateFirm } from "./generate";

/**
 * The demo's control workflow (issue 27, docs/metrics.md "Control comparisons"): the law firm's
 * billing narratives written by hand in its Chicago office, which has not gone live. It is the same
 * work as `billing-narrative` before its go-live (same steps, cycle time and exception share), sent
 * as baseline-phase runs throughout, and the firm's billing-narrative workflow names it as control.
 *
 * From the treated workflow's go-live on, a shock hits the office (a new client mix whose matters take
 * longer): its cycle times are SHOCK times what they were. A plain before/after of an automated office
 * with the same shock would credit (or blame) the automation for it; the control comparison subtracts it.
 */
export const DEMO_CONTROL = { firm: "demo", treated: "billing-narrative", control: "billing-narrative-chicago", displayName: "Billing narratives (Chicago office, not live)" };
const SHOCK = 1.15;
/** A seed of its own, so its runs are not a copy of the treated workflow's baseline. */
const SEED_OFFSET = 27;

/** The control as a demo workflow that never goes live, or null when the firm has no treated workflow. */
export function demoControlWorkflow(firm: DemoFirm): { control: DemoWorkflow; treated: DemoWorkflow } | null {
  const treated = firm.slug === DEMO_CONTROL.firm ? firm.workflows.find((w) => w.workflow === DEMO_CONTROL.treated) : undefined;
  if (!treated) return null;
  const control = { ...treated, workflow: DEMO_CONTROL.control, displayName: DEMO_CONTROL.displayName, goLiveDaysAgo: 0, baselineDays: treated.goLiveDaysAgo + treated.baselineDays };
  return { control, treated };
}

/** The control's runs and steps (no data-access events: its office's reads are not in the demo). */
export function* generateDemoControl(firm: DemoFirm, o: DemoOptions): Generator<DemoChunk> {
  const pair = demoControlWorkflow(firm);
  if (!pair) return;
  const shockFrom = dayStart(o.anchor, pair.treated.goLiveDaysAgo).getTime();
  const alone: DemoFirm = { ...firm, workflows: [pair.control], sources: [] };
  // generateFirm adds the firm's pilot-trap workflow to whatever it is given: keep the control's rows only.
  const mine = <T extends { workflow?: string }>(rows: T[] | undefined): T[] => (rows ?? []).filter((r) => r.workflow === pair.control.workflow);
  for (const chunk of generateFirm(alone, { ...o, seed: o.seed + SEED_OFFSET })) {
    const runs = mine(chunk.batch.runs).map((r) => {
      const start = new Date(r.start_time).getTime();
      const end = new Date(r.end_time).getTime();
      return start < shockFrom ? r : { ...r, end_time: new Date(start + (end - start) * SHOCK) };
    });
    yield { batch: { runs, steps: mine(chunk.batch.steps) }, actions: [] };
  }
}
