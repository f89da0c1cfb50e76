import { DAYS_PER_MONTH } from "./labor-value";
import type { WorkflowMilestones } from "./milestones";

/**
 * Checkpoints met of due (docs/metrics.md, "Progress since go-live"). A checkpoint is **due** once its
 * date has passed (the milestone evaluation's `passed`). A due checkpoint is **met** when its status is
 * "met" (every metric with a value reached its goal), **missed** when it is "missed", and **unknown**
 * when it is "no data": an unknown one is neither met nor missed, and is counted on its own.
 */
export interface CheckpointsDue {
  due: number;
  met: number;
  missed: number;
  unknown: number;
  /** Checkpoints not yet reached. */
  upcoming: number;
}

export function checkpointsDue(workflows: WorkflowMilestones[]): CheckpointsDue {
  const all = workflows.flatMap((w) => w.checkpoints);
  const due = all.filter((c) => c.passed);
  return {
    due: due.length,
    met: due.filter((c) => c.status === "met").length,
    missed: due.filter((c) => c.status === "missed").length,
    unknown: due.filter((c) => c.status !== "met" && c.status !== "missed").length,
    upcoming: all.length - due.length,
  };
}

/** Whole months since go-live at `asOf` (a month is 365.25/12 days, as in labor-value.ts); 0 before go-live. */
export function monthsSinceGoLive(goLive: string, asOf: Date): number {
  const days = (asOf.getTime() - Date.parse(`${goLive}T00:00:00Z`)) / 86_400_000;
  return Math.max(0, Math.floor(days / DAYS_PER_MONTH));
}
