import { z } from "zod";
import type { MetricResult } from "./metric-runner";

export interface MilestoneStatus {
  /** Stable name of the checkpoint: `<workflow>:<days>d`, e.g. `client-intake:90d`. */
  subject: string;
  status: "met" | "missed" | "on_track" | "at_risk" | "no_data";
}

const STATUS = { met: "met", missed: "missed", "on track": "on_track", "at risk": "at_risk", "no data": "no_data" } as const;

// The part of metrics/milestones.ts `MilestonesResult` alerts read; parsed, not cast (STYLE.md §4).
const milestonesResult = z.object({
  workflows: z
    .array(
      z.object({
        workflow: z.string(),
        checkpoints: z.array(z.object({ days: z.number(), status: z.enum(["met", "missed", "on track", "at risk", "no data"]).transform((v) => STATUS[v]) })),
      }),
    )
    .default([]),
});

/** Every checkpoint of a `milestones` metric result with its status; nothing when the shape is not a milestones result. */
export function milestoneStatuses(result: MetricResult): MilestoneStatus[] {
  const parsed = milestonesResult.safeParse(result);
  if (!parsed.success) return [];
  return parsed.data.workflows.flatMap((w) =>
    w.checkpoints.map((c) => ({ subject: `${w.workflow}:${c.days}d`, status: c.status })),
  );
}
