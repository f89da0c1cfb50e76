import type { Db } from "@/clickhouse/client";
import { defineMetric, round, runDefinition, type MetricResultBase } from "./define-metric";
import { type CycleSeries, type CycleTimeResult, cycleSeries, cycleTime } from "./cycle-time";
import { exceptionRate, type ExceptionRateResult } from "./exception-rate";
import { type LaborData, laborHours, workflowHours } from "./labor-hours";
import { memoizedReads } from "./memo-db";
import { RANGES, overall, passedStatus, project, upcomingStatus, type Goal, type MilestoneStatus, type Projection, type Range } from "./milestone-status";
import { addDays, dayString, scopeOf, startOfUtcDay } from "./scope";
import { baselineLocks, workflowSettings, type BaselineLock, type WorkflowSettings } from "./workflow-settings";

/** DESIGN.md §3.8: go-live + 90 days, + 6 months, + 12 months. */
export const CHECKPOINT_DAYS = [90, 182, 365] as const;
const TRAILING_DAYS = 30;

type MetricName = "cycle_time_compression" | "exception_rate" | "labor_hours_30d";

export interface MilestoneMetric {
  metric: MetricName;
  value: number | null;
  target: number | null;
  baseline: number | null;
  projection: Projection | null;
  status: MilestoneStatus;
}

export interface Checkpoint {
  days: number;
  date: string;
  passed: boolean;
  window: { from: string; to: string };
  status: MilestoneStatus;
  metrics: MilestoneMetric[];
}

export interface WorkflowMilestones {
  workflow: string;
  go_live_date: string;
  baseline_version: number | null;
  checkpoints: Checkpoint[];
}

export interface MilestonesResult extends MetricResultBase {
  key: "milestones";
  workflows: WorkflowMilestones[];
}

interface Evaluation {
  cycle: CycleTimeResult;
  exceptions: ExceptionRateResult;
  /** The labor-hours metric's hours over the trailing window; null when it shows none. */
  labor: number | null;
}

interface WorkflowData {
  settings: WorkflowSettings & { go_live_date: string };
  lock: BaselineLock | null;
  /** Per checkpoint: the trailing window at the checkpoint if passed, else the trailing window now. */
  evaluations: Evaluation[];
  /** Weekly live series since go-live, for projecting upcoming checkpoints; null when all have passed. */
  trend: { cycle: CycleSeries; exceptions: ExceptionRateResult } | null;
}

/**
 * The three metrics over the 30 days up to `end`. Labor hours come from `labor`, the metric's rows
 * loaded once for every window (their hours are a sum over days), instead of a load per window.
 */
async function evaluate(db: Db, labor: LaborData, tenantId: string, workflow: string, workflows: string[] | null, end: Date): Promise<Evaluation> {
  // The checkpoint shows each metric's value alone: no interval, rank test or weekly series to compute.
  const input = { tenantId, workflow, workflows, from: addDays(end, -TRAILING_DAYS), to: addDays(end, -1), asOf: end, figuresOnly: true };
  const window = scopeOf(input);
  const [cycle, exceptions] = await Promise.all([runDefinition(db, cycleTime, input), runDefinition(db, exceptionRate, input)]);
  return { cycle, exceptions, labor: workflowHours(labor, workflow, window.from, window.to) };
}

const checkpointDate = (goLive: string, days: number) => addDays(new Date(`${goLive}T00:00:00Z`), days);

export const milestones = defineMetric<"milestones", WorkflowData[], MilestonesResult>({
  key: "milestones",
  title: "Milestones",
  unit: "checkpoints",
  direction: "down",
  async load(store, { input, scope }) {
    // Every evaluation below re-reads the same settings and locks: read them once per computation.
    const db = memoizedReads(store);
    const settings = await workflowSettings(db, scope.params);
    const locks = await baselineLocks(db, scope.params);
    const workflows = input.workflows ?? null;
    const live = [...settings.values()].filter((s) => s.go_live_date).sort((a, b) => a.workflow.localeCompare(b.workflow));
    if (live.length === 0) return [];
    // Labor hours' rows up to today, of the workflows that went live (already within the barrier): every
    // trailing window below is in them.
    const liveScope = { ...scope, params: { ...scope.params, all_wf: 0 as const, wfs: live.map((s) => s.workflow) }, to: addDays(startOfUtcDay(scope.asOf), 1) };
    const labor = await laborHours.load(db, { input, scope: liveScope });
    // The evaluations are independent reads: side by side, the page waits for the slowest, not their sum.
    const out = await Promise.all(
      live.map(async (s): Promise<WorkflowData> => {
        const goLive = s.go_live_date!;
        const dates = CHECKPOINT_DAYS.map((d) => checkpointDate(goLive, d));
        // Today's trailing window and the weekly trend only serve checkpoints still ahead (projections).
        const upcoming = dates.some((at) => at > scope.asOf);
        const current = upcoming ? evaluate(db, labor, input.tenantId, s.workflow, workflows, scope.asOf) : null;
        // The live side alone (phase): the trend is its weekly series, no comparison with the baseline.
        const since = { tenantId: input.tenantId, workflow: s.workflow, workflows, from: new Date(`${goLive}T00:00:00Z`), asOf: scope.asOf, grain: "week" as const, phase: "live" as const };
        const [evaluations, trend] = await Promise.all([
          Promise.all(dates.map((at) => (at <= scope.asOf || !current ? evaluate(db, labor, input.tenantId, s.workflow, workflows, at) : current))),
          upcoming
            ? Promise.all([cycleSeries(db, scopeOf(since), "live", "week"), runDefinition(db, exceptionRate, since)]).then(([cycle, exceptions]) => ({ cycle, exceptions }))
            : null,
        ]);
        return { settings: { ...s, go_live_date: goLive }, lock: locks.get(s.workflow) ?? null, evaluations, trend };
      }),
    );
    return out;
  },
  compute(data, { scope }) {
    const workflows = data.map((w): WorkflowMilestones => ({
      workflow: w.settings.workflow,
      go_live_date: w.settings.go_live_date,
      baseline_version: w.lock?.version ?? null,
      checkpoints: CHECKPOINT_DAYS.map((days, i) => checkpoint(w, days, w.evaluations[i]!, scope.asOf)),
    }));
    const bad = workflows.flatMap((w) => w.checkpoints.flatMap((c) => c.metrics)).filter((m) => m.status === "missed" || m.status === "at risk").length;
    const anyGoLive = workflows.length > 0;
    return {
      status: anyGoLive ? "ok" : "insufficient_data",
      ...(anyGoLive ? {} : { reason: "No workflow in scope has a go-live date" }),
      headline: { value: anyGoLive ? bad : null, unit: "count", label: "Milestone metrics at risk or missed" },
      baselineVersion: workflows.length === 1 ? workflows[0]!.baseline_version : null,
      workflows,
    };
  },
});

function checkpoint(w: WorkflowData, days: number, e: Evaluation, asOf: Date): Checkpoint {
  const at = checkpointDate(w.settings.go_live_date, days);
  const passed = at <= asOf;
  const end = passed ? at : asOf;
  const t = w.settings.targets;
  // Both baselines are the cited lock's (its frozen runs, or a declared study's figures): the
  // comparisons read nothing else, so the milestone and the workflow page cannot disagree.
  const baselineRate = e.exceptions.baseline.exception_rate;
  const goal = (target: number | undefined, bar: number | null, direction: Goal["direction"]): Goal | null =>
    target !== undefined ? { bar: target, direction } : bar === null ? null : { bar, direction };
  const ok = <T extends { status: string }>(r: T, v: number | null) => (r.status === "ok" ? v : null);
  const cycleBase = e.cycle.baseline.p50_hours;
  const rows: { metric: MetricName; value: number | null; target?: number; baseline: number | null; goal: Goal | null; range: Range; weekly: { week: string; value: number; n?: number }[] }[] = [
    {
      metric: "cycle_time_compression",
      value: ok(e.cycle, e.cycle.compression),
      target: t.cycle_time_compression,
      baseline: cycleBase,
      goal: goal(t.cycle_time_compression, 0, "up"),
      range: RANGES.compression,
      weekly: cycleBase && w.trend ? w.trend.cycle.flatMap((s) => (s.p50_hours === null ? [] : [{ week: s.bucket, value: 1 - s.p50_hours / cycleBase, n: s.n }])) : [],
    },
    {
      metric: "exception_rate",
      value: ok(e.exceptions, e.exceptions.live.exception_rate),
      target: t.exception_rate,
      baseline: baselineRate,
      goal: goal(t.exception_rate, baselineRate, "down"),
      range: RANGES.rate,
      weekly: (w.trend?.exceptions.weekly ?? []).map((x) => ({ week: x.week, value: x.exception_rate, n: x.runs })),
    },
    {
      metric: "labor_hours_30d",
      value: e.labor,
      target: t.labor_hours_30d,
      baseline: 0,
      goal: goal(t.labor_hours_30d, 0, "up"),
      range: RANGES.hours,
      weekly: [],
    },
  ];
  const metrics = rows.map((r): MilestoneMetric => {
    const projection = passed ? null : project(r.weekly, r.value, at, r.range);
    return {
      metric: r.metric,
      value: r.value === null ? null : round(r.value),
      target: r.target ?? null,
      baseline: r.baseline,
      projection: projection && { ...projection, value: round(projection.value) },
      status: passed ? passedStatus(r.value, r.goal) : r.value === null ? "no data" : upcomingStatus(projection, r.goal),
    };
  });
  return {
    days,
    date: dayString(at),
    passed,
    window: { from: dayString(addDays(end, -TRAILING_DAYS)), to: dayString(addDays(end, -1)) },
    status: overall(metrics.map((m) => m.status)),
    metrics,
  };
}
