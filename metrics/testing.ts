import type { RunRow, StepRow } from "@/ingest/rows";
import { addDays, startOfUtcDay } from "./scope";

/** Fixtures for metric tests: runs at whole-hour offsets from a recent UTC day (inside the live TTL). */
export const TODAY = startOfUtcDay(new Date());
export const daysAgo = (n: number, hour = 12): Date => new Date(addDays(TODAY, -n).getTime() + hour * 3_600_000);

let seq = 0;

export function run(tenant: string, over: Partial<RunRow> & { hours?: number; at?: Date } = {}): RunRow {
  const { hours = 1, at = daysAgo(3), ...rest } = over;
  seq += 1;
  return {
    tenant_id: tenant,
    workflow: "intake",
    run_id: `r${seq}`,
    phase: "live",
    start_time: at,
    end_time: new Date(at.getTime() + hours * 3_600_000),
    outcome: "completed",
    ...rest,
  };
}

export function step(tenant: string, r: RunRow, over: Partial<StepRow> = {}): StepRow {
  seq += 1;
  return {
    tenant_id: tenant,
    workflow: r.workflow,
    run_id: r.run_id,
    span_id: `s${seq}`,
    step: "draft",
    phase: r.phase,
    start_time: r.start_time,
    end_time: r.end_time,
    ...over,
  };
}
