import { z } from "zod";
import { OUTCOMES, OUTCOME_KEYS, type OutcomeKey } from "./business-outcome-defs";
import type { OutcomeComparison } from "./business-outcomes";
import { type MilestoneStatus, reaches } from "./milestone-status";

/**
 * A firm-level target of a business outcome (docs/metrics.md, "Lagging checkpoints"): the change to
 * reach against the same months of the baseline year. Pure (no store), so the Settings form checks the
 * same rules in the browser as the router does on the server.
 *
 * - **absolute** for shares (conversion, churn, senior expert share): in percentage points, stored as a
 *   fraction (−0.01 is −1 point): a share's relative change misleads (2% → 3% churn is "+50%").
 * - **relative** for everything else (revenue per FTE, hours per audit, incidents a month, corrections
 *   per 1,000 records): a fraction of the baseline value (0.05 is +5%), since their scale is the firm's.
 */
export type TargetKind = "relative" | "absolute";

export const targetKind = (key: OutcomeKey): TargetKind => (OUTCOMES[key].unit.startsWith("share") ? "absolute" : "relative");

export interface BusinessTarget {
  outcome: OutcomeKey;
  kind: TargetKind;
  /** Signed change, as a fraction: 0.05 is +5% (relative) or +5 percentage points (absolute). */
  target: number;
}

/** How a target reads in words: "+5%" or "−1 pt". */
export function targetText(t: Pick<BusinessTarget, "kind" | "target">): string {
  const v = Math.round(t.target * 100_000) / 1_000;
  return `${v > 0 ? "+" : v < 0 ? "−" : "±"}${Math.abs(v)}${t.kind === "relative" ? "%" : " pt"}`;
}

/** Largest target accepted: ±100 points for a share; a tenfold change (+1,000%) otherwise. */
const LIMIT: Record<TargetKind, number> = { absolute: 1, relative: 10 };

/**
 * What the Settings form and `business.setTarget` accept: the outcome and the signed change as a
 * fraction. A target points the way the outcome gets better (0 holds the baseline): a churn target of
 * +1 point would call more churn "met". A relative fall cannot exceed 100%.
 */
export const targetInput = z
  .object({
    outcome: z.enum(OUTCOME_KEYS as [OutcomeKey, ...OutcomeKey[]], { error: "choose one of the business outcomes" }),
    target: z.number({ error: "enter a number" }).refine(Number.isFinite, "enter a number"),
  })
  .superRefine((v, ctx) => {
    const def = OUTCOMES[v.outcome];
    const kind = targetKind(v.outcome);
    const unit = kind === "relative" ? "%" : " percentage points";
    if (def.better === "higher" && v.target < 0) ctx.addIssue({ code: "custom", path: ["target"], message: `${def.title} is better higher: enter a rise (0 or more)` });
    if (def.better === "lower" && v.target > 0) ctx.addIssue({ code: "custom", path: ["target"], message: `${def.title} is better lower: enter a fall (0 or less, e.g. -1)` });
    if (Math.abs(v.target) > LIMIT[kind]) ctx.addIssue({ code: "custom", path: ["target"], message: `must be between -${LIMIT[kind] * 100} and ${LIMIT[kind] * 100}${unit}` });
    if (kind === "relative" && v.target <= -1) ctx.addIssue({ code: "custom", path: ["target"], message: "a fall of 100% or more cannot be reached" });
  });

export type LaggingStatus = Extract<MilestoneStatus, "met" | "missed" | "no data"> | "no target" | "upcoming";

export interface Judgement {
  /** The change judged: the relative change for a relative target (or, without one, a relative kind), else the change; null when unknown. */
  achieved: number | null;
  status: LaggingStatus;
  reason: string | null;
}

/**
 * A passed checkpoint's outcome against its target. Without a target it is "no target" (never met);
 * without a comparison (insufficient data) or, for a relative target, with a baseline of 0 (the
 * relative change is unknown) it is "no data", with the reason.
 */
export function judge(c: OutcomeComparison, t: BusinessTarget | undefined): Judgement {
  const achieved = (t?.kind ?? targetKind(c.key)) === "relative" ? c.relative_change : c.change;
  if (c.status !== "ok") return { achieved: null, status: t ? "no data" : "no target", reason: c.reason ?? "Insufficient data" };
  if (!t) return { achieved, status: "no target", reason: "No target is set in Settings" };
  if (achieved === null) return { achieved, status: "no data", reason: "The baseline is 0: a relative change is unknown" };
  // Rounded so that a change equal to its target on paper is not missed by a float's last digit.
  const value = Math.round(achieved * 1e9) / 1e9;
  return { achieved, status: reaches(value, { bar: t.target, direction: c.better === "higher" ? "up" : "down" }) ? "met" : "missed", reason: null };
}
