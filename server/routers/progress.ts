import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { type CheckpointsDue, checkpointsDue, monthsSinceGoLive } from "@/metrics/checkpoints-due";
import type { WorkflowMilestones } from "@/metrics/milestones";
import type { MetricInput, MilestonesResult, ProgressResult } from "@/metrics/registry";
import { cachedMetric } from "./cached-metric";

/** Precomputed scorecards carry the time they were computed; a result computed on request has none. */
const stamped = z.object({ computedAt: z.union([z.string(), z.number(), z.date()]) });

export function computedAtOf(result: object): string | null {
  const s = stamped.safeParse(result);
  return s.success ? new Date(s.data.computedAt).toISOString() : null;
}

/** The milestone evaluation's cache life, as `overview.milestones` keeps it: both read one computation. */
export const MILESTONES_TTL_MS = 5 * 60_000;

export interface CheckpointTimeline {
  status: MilestonesResult["status"];
  reason: string | null;
  computedAt: string | null;
  /** Firm-wide over the workflows in scope. */
  due: CheckpointsDue;
  workflows: (WorkflowMilestones & { months_since_go_live: number })[];
}

/** Per workflow the months since go-live and its checkpoints, and firm-wide checkpoints met of due. */
export async function checkpointTimeline(db: Db, input: MetricInput, asOf = new Date()): Promise<CheckpointTimeline> {
  // The registry returns its union type; "milestones" names exactly one member of it.
  const m = (await cachedMetric(db, "milestones", input, MILESTONES_TTL_MS)) as MilestonesResult;
  return {
    status: m.status,
    reason: m.reason ?? null,
    computedAt: computedAtOf(m),
    due: checkpointsDue(m.workflows),
    workflows: m.workflows.map((w) => ({ ...w, months_since_go_live: monthsSinceGoLive(w.go_live_date, asOf) })),
  };
}

/** The monthly trend, the payback curve and the change markers, up to the window's end. */
export async function progressSeries(db: Db, input: MetricInput): Promise<ProgressResult & { computedAt: string | null }> {
  // The registry returns its union type; "progress" names exactly one member of it.
  const p = (await cachedMetric(db, "progress", input)) as ProgressResult;
  return { ...p, computedAt: computedAtOf(p) };
}
