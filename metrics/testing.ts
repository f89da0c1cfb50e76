import type { Db } from "@/clickhouse/client";
import { MEASURES, type Measure } from "@/ingest/business-measures";
import type { BusinessPointRow, RunRow, StepRow } from "@/ingest/rows";
import { monthStart } from "./business-months";
import { freezeBaselineRuns, frozenVersionFigures, knownRate } from "./locked-baseline";
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

/**
 * Locks a measured baseline for a metric test the way `plumbline baseline lock` does (freeze the runs,
 * then store the figures they give), without the audit trail that lives in server/.
 */
export async function lockForTest(db: Db, tenant: string, workflow: string, goLive: Date, version = 1): Promise<void> {
  const goLiveDay = startOfUtcDay(goLive);
  await freezeBaselineRuns(db, tenant, workflow, version, goLiveDay);
  const f = await frozenVersionFigures(db, tenant, workflow, version);
  const n = f?.n ?? 0;
  await db.insert("baseline_locks", [
    {
      tenant_id: tenant,
      workflow,
      version,
      go_live_date: goLiveDay.toISOString().slice(0, 10),
      method: "measured",
      n,
      p50_hours: f && n ? (f.q[0] ?? 0) / 3600 : null,
      p90_hours: f && n ? (f.q[1] ?? 0) / 3600 : null,
      mean_hours: f && n ? f.cycle_seconds_sum / n / 3600 : null,
      mean_human_minutes: f && f.runs_with_minutes ? f.minutes_sum / f.runs_with_minutes : null,
      exception_rate: f ? knownRate(f.exception_runs, f.exception_known) : null,
      reason: "test",
      locked_by: "test",
    },
  ]);
}

/** A month's business figure as the monthly import stores it: one delta (amount) or gauge (level) at the month's start. */
export function monthFigure(tenant: string, measure: Measure, month: string, value: number, dimensions: Record<string, string> = {}): BusinessPointRow {
  const t = monthStart(month).getTime();
  const series = Object.keys(dimensions).sort().map((k) => `${k}=${dimensions[k]}`).join("\n");
  return { tenant_id: tenant, measure, series, dimensions, temporality: MEASURES[measure].kind === "level" ? "gauge" : "delta", start_time: t, time: t, value, origin: "import" };
}
