import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { defineMetric, round, type MetricResultBase } from "./define-metric";
import type { Excluded } from "./comparison";
import { type ParallelTrends, type WeekPoint, didEstimate, parallelTrends } from "./did";
import { LOCKED_RUNS_SQL, knownRate } from "./locked-baseline";
import { runSetParams, runSetSql } from "./run-set";
import { addDays, dayString } from "./scope";
import { type BaselineLock, baselineLocks, workflowSettings } from "./workflow-settings";
import { workflowControls } from "./workflow-controls";

/**
 * Control comparison (difference-in-differences, docs/metrics.md "Control comparisons"): the treated
 * workflow's change in weekly median cycle time and weekly exception rate from before to after its
 * go-live, minus its controls' change over the same event-time weeks.
 *
 * - Before: the runs its cited baseline lock froze, in the PRE_WEEKS weeks before go-live.
 *   After: its finished live runs in the window (from go-live on). Controls: their baseline runs (a
 *   control is not yet automated) over both periods, pooled across controls week by week.
 * - Clean controls only (stacked design): a control that went live before the window ends is left out.
 * - A week counts when the treated workflow and the controls each have MIN_WEEK_RUNS runs in it.
 */
export const PRE_WEEKS = 26;
export const MIN_WEEK_RUNS = 5;

export interface DidOutcome {
  status: "ok" | "not_comparable" | "insufficient_data";
  /** The plain sentence the page shows. */
  sentence: string;
  estimate: number | null;
  interval: [number, number] | null;
  /** The plain before/after of the treated workflow, and the controls' change. */
  treated_change: number | null;
  control_change: number | null;
  check: ParallelTrends | null;
  /** Pre-period weeks (for the check's chart): week start day, treated and control value. */
  pre: { week: string; treated: number; control: number }[];
  post_weeks: number;
}

export interface ControlComparisonResult extends MetricResultBase {
  key: "control-comparison";
  /** Controls the comparison used, and those it left out with the reason. Empty when withheld. */
  controls: string[];
  excluded: Excluded[];
  withheld: boolean;
  go_live: string | null;
  periods: { pre: { from: string; to: string }; post: { from: string; to: string } } | null;
  /** Weekly median cycle time, hours. */
  cycle: DidOutcome | null;
  /** Weekly exception rate, a share. */
  exceptions: DidOutcome | null;
}

const weekRow = z.object({
  side: z.enum(["treated", "control"]),
  k: z.coerce.number(),
  runs: z.coerce.number(),
  p50: z.number(),
  known: z.coerce.number(),
  exceptions: z.coerce.number(),
});
type WeekRow = z.output<typeof weekRow>;

/** Event-time week of a run: whole weeks from the go-live day, negative before it. */
const WEEK_OF = "toInt32(floor(dateDiff('day', {go_live:Date}, toDate(start_time)) / 7))";
const weekly = (side: string, source: string) => `
  SELECT '${side}' AS side, ${WEEK_OF} AS k, count() AS runs, quantileExactInclusive(0.5)(cycle_seconds) AS p50,
         count(exception) AS known, sum(ifNull(exception, 0)) AS exceptions
  FROM (${source}) WHERE toDate(start_time) >= {pre_from:Date} GROUP BY k`;

interface Plan {
  treated: string;
  goLive: Date;
  lock: BaselineLock;
  controls: string[];
  excluded: Excluded[];
  preFrom: Date;
  postFrom: Date;
  postTo: Date;
}

interface Data {
  problem: { reason: string; withheld: boolean; controls: string[] } | null;
  plan: Plan | null;
  weeks: WeekRow[];
}

async function weeksOf(db: Db, tenant: string, p: Plan): Promise<WeekRow[]> {
  const common = { tenant, go_live: dayString(p.goLive), pre_from: dayString(p.preFrom) };
  const [before, after, controls] = await Promise.all([
    db.query(weekly("treated", LOCKED_RUNS_SQL), { ...common, all_wf: 0, wfs: [p.treated] }, weekRow),
    db.query(weekly("treated", runSetSql()), { ...common, all_wf: 0, wfs: [p.treated], ...runSetParams("live", p.postFrom, p.postTo) }, weekRow),
    db.query(weekly("control", runSetSql()), { ...common, all_wf: 0, wfs: p.controls, ...runSetParams("baseline", p.preFrom, p.postTo) }, weekRow),
  ]);
  return [...before.filter((w) => w.k < 0), ...after.filter((w) => w.k >= 0), ...controls];
}

/** Which controls a window may use, or why there is no comparison; reads settings, not runs. */
async function plan(db: Db, tenant: string, treated: string, barrier: string[] | null, from: Date, to: Date): Promise<NonNullable<Data["problem"]> | Plan> {
  const controls = (await workflowControls(db, tenant)).get(treated) ?? [];
  if (controls.length === 0) return { reason: "No control workflow is set for this workflow (Settings → Workflows)", withheld: false, controls: [] };
  if (barrier !== null && controls.some((c) => !barrier.includes(c))) {
    return { reason: "Withheld: this comparison uses a control workflow you may not see", withheld: true, controls: [] };
  }
  const all = { tenant, all_wf: 0 as const, wfs: [treated, ...controls] };
  const [settings, locks] = await Promise.all([workflowSettings(db, all), baselineLocks(db, { ...all, wfs: [treated] })]);
  const lock = locks.get(treated);
  if (!lock || lock.method !== "measured") return { reason: "insufficient data: the workflow needs a locked, measured baseline", withheld: false, controls };
  const goLive = new Date(`${lock.go_live_date}T00:00:00Z`);
  const postFrom = from > goLive ? from : goLive;
  if (postFrom >= to) return { reason: "insufficient data: the window ends before go-live", withheld: false, controls };
  const excluded: Excluded[] = [];
  const clean = controls.filter((c) => {
    const live = settings.get(c)?.go_live_date ?? null;
    const ok = live === null || live >= dayString(to);
    if (!ok) excluded.push({ workflow: c, reason: `live since ${live}: already automated in the window` });
    return ok;
  });
  if (clean.length === 0) return { reason: "No clean control: every control was already live in the window", withheld: false, controls };
  return { treated, goLive, lock, controls: clean, excluded, preFrom: addDays(goLive, -7 * PRE_WEEKS), postFrom, postTo: to };
}

const fmt = (v: number, unit: "hours" | "ratio") => (unit === "hours" ? `${round(v, 2)} h` : `${round(v * 100, 1)} pp`);

/** The estimate of one measure from the paired weeks, or why there is none. */
export function didOutcome(points: WeekPoint[], goLive: Date, unit: "hours" | "ratio"): DidOutcome {
  const pre = points.filter((p) => p.k < 0);
  const post = points.filter((p) => p.k >= 0);
  const chart = pre.map((p) => ({ week: dayString(addDays(goLive, 7 * p.k)), treated: round(p.treated, 6), control: round(p.control, 6) }));
  const none = { estimate: null, interval: null, treated_change: null, control_change: null, check: null, pre: chart, post_weeks: post.length };
  const check = parallelTrends(pre);
  const r = didEstimate(pre, post);
  if (!check || !r) {
    return { ...none, status: "insufficient_data", sentence: `insufficient data: needs 4 weeks before and 4 after go-live with ${MIN_WEEK_RUNS} runs each on both sides; has ${pre.length} and ${post.length}` };
  }
  const [lo, hi] = check.interval;
  if (!check.parallel) {
    const sentence = `Control not comparable: before go-live the gap to the control moved by ${fmt(check.slope, unit)} a week (95% interval ${fmt(lo, unit)} to ${fmt(hi, unit)}, excludes 0), so no estimate is shown.`;
    return { ...none, status: "not_comparable", check, sentence };
  }
  const sentence = `The workflow and its control moved in parallel before go-live (gap trend ${fmt(check.slope, unit)} a week, 95% interval ${fmt(lo, unit)} to ${fmt(hi, unit)}, includes 0).`;
  const r4 = (v: number) => round(v, 6);
  return {
    ...none,
    status: "ok",
    sentence,
    check,
    estimate: r4(r.estimate),
    interval: [r4(r.interval[0]), r4(r.interval[1])],
    treated_change: r4(r.treated_change),
    control_change: r4(r.control_change),
  };
}

/** Weeks where both sides have enough runs, with each side's value of the measure. */
export function pairedWeeks(weeks: WeekRow[], measure: "cycle" | "exceptions"): WeekPoint[] {
  const value = (w: WeekRow | undefined): number | null => {
    if (!w) return null;
    if (measure === "cycle") return w.runs >= MIN_WEEK_RUNS ? w.p50 / 3600 : null;
    return w.known >= MIN_WEEK_RUNS ? knownRate(w.exceptions, w.known) : null;
  };
  const control = new Map(weeks.filter((w) => w.side === "control").map((w) => [w.k, w]));
  return weeks
    .filter((w) => w.side === "treated")
    .flatMap((w) => {
      const t = value(w);
      const c = value(control.get(w.k));
      return t === null || c === null ? [] : [{ k: w.k, treated: t, control: c }];
    })
    .sort((a, b) => a.k - b.k);
}

export const controlComparison = defineMetric<"control-comparison", Data, ControlComparisonResult>({
  key: "control-comparison",
  title: "Control comparison",
  unit: "hours",
  direction: "down",
  async load(db, { input, scope }) {
    const treated = input.workflow;
    if (treated === undefined || scope.params.wfs.length === 0) {
      return { problem: { reason: "A control comparison is of one workflow you may see", withheld: false, controls: [] }, plan: null, weeks: [] };
    }
    const p = await plan(db, scope.params.tenant, treated, input.workflows ?? null, scope.from, scope.to);
    if (!("treated" in p)) return { problem: p, plan: null, weeks: [] };
    return { problem: null, plan: p, weeks: await weeksOf(db, scope.params.tenant, p) };
  },
  compute(data) {
    const label = "Cycle-time change against the control (hours)";
    const p = data.plan;
    if (!p) {
      const problem = data.problem!;
      const { withheld, controls } = problem;
      const status = "insufficient_data" as const;
      return { status, reason: problem.reason, headline: { value: null, unit: "hours", label }, controls, excluded: [], withheld, go_live: null, periods: null, cycle: null, exceptions: null };
    }
    const cycle = didOutcome(pairedWeeks(data.weeks, "cycle"), p.goLive, "hours");
    const exceptions = didOutcome(pairedWeeks(data.weeks, "exceptions"), p.goLive, "ratio");
    const periods = {
      // The locked runs may start later than PRE_WEEKS before go-live: the period starts with their first week.
      pre: { from: dayString(addDays(p.goLive, 7 * Math.min(...data.weeks.filter((w) => w.side === "treated").map((w) => w.k), 0))), to: dayString(addDays(p.goLive, -1)) },
      post: { from: dayString(p.postFrom), to: dayString(addDays(p.postTo, -1)) },
    };
    const ok = cycle.status === "ok" || exceptions.status === "ok";
    return {
      status: ok ? "ok" : "insufficient_data",
      ...(ok ? {} : { reason: cycle.sentence }),
      headline: { value: cycle.estimate, unit: "hours", label },
      baselineVersion: p.lock.version,
      controls: p.controls,
      excluded: p.excluded,
      withheld: false,
      go_live: p.lock.go_live_date,
      periods,
      cycle,
      exceptions,
    };
  },
});
