import { z } from "zod";
import { aiTokenUsage, type TokenUsage } from "./ai-usage";
import { MIN_RUNS, defineMetric, round, type MetricResultBase } from "./define-metric";
import { type LaborWorkflow, type LiveDay, type Payback, type WorkflowInputs, dailyNet, payback, workflowFigures } from "./labor-value";
import { LOCKED_RUNS_SQL } from "./locked-baseline";
import { modelPrices, type ModelPrice } from "./model-prices";
import { runSetParams, runSetSql } from "./run-set";
import { SCOPE_SQL, dayString } from "./scope";
import { baselineLocks, workflowSettings, type BaselineLock, type WorkflowSettings } from "./workflow-settings";

export type { LaborWorkflow } from "./labor-value";

export interface LaborHoursResult extends MetricResultBase {
  key: "labor-hours";
  currency: string;
  hours: number | null;
  hours_interval: [number, number] | null;
  /** Value of the hours; null when a workflow with live runs has no hourly cost set. */
  value: number | null;
  /** AI cost of the priced steps; with `ai_cost_complete` false it leaves out the unpriced models' steps. */
  ai_cost: number;
  ai_cost_complete: boolean;
  unpriced_models: string[];
  platform_cost: number;
  /** Recurring investment (support, maintenance) over the window. */
  recurring_investment: number;
  /** value − AI cost − platform cost − recurring investment; null when value or AI cost is unknown. */
  net_value: number | null;
  /** net value ÷ (AI cost + platform cost + recurring investment); the one-time investment is in payback. */
  roi: number | null;
  /** Why value, net value or ROI is not shown (hourly cost not set, AI cost incomplete); null when they are. */
  unknown_reason: string | null;
  payback: Payback;
  workflows: LaborWorkflow[];
}

const dayRow = z.object({ workflow: z.string(), date: z.string(), runs: z.coerce.number(), minutes: z.number() });
const spreadRow = z.object({ workflow: z.string(), n: z.coerce.number(), sd: z.number().nullable() });
const declaredRow = z.object({ workflow: z.string(), minutes: z.number() });

export interface LaborData {
  days: LiveDay[];
  tokens: TokenUsage[];
  spread: z.output<typeof spreadRow>[];
  declared: z.output<typeof declaredRow>[];
  settings: Map<string, WorkflowSettings>;
  locks: Map<string, BaselineLock>;
  prices: Record<string, ModelPrice>;
}

export const laborHours = defineMetric<"labor-hours", LaborData, LaborHoursResult>({
  key: "labor-hours",
  title: "Labor hours displaced",
  unit: "hours",
  direction: "up",
  async load(db, { scope }) {
    const [settings, locks] = await Promise.all([workflowSettings(db, scope.params), baselineLocks(db, scope.params)]);
    // Payback needs every day since the earliest go-live, not only the window.
    const goLives = [...settings.values()].flatMap((s) => (s.go_live_date ? [Date.parse(s.go_live_date)] : []));
    const since = new Date(Math.min(scope.from.getTime(), ...goLives));
    // Live runs each counted once (run-set.ts), with their human minutes: the run's own plus its steps'.
    // A run that records no minutes counts 0: no person's time was reported on it.
    const days = await db.query(
      `SELECT workflow, toString(toDate(start_time)) AS date, count() AS runs, sum(ifNull(human_minutes, 0)) AS minutes
       FROM (${runSetSql()}) GROUP BY workflow, date ORDER BY workflow, date`,
      { ...scope.params, ...runSetParams("live", since, scope.to) },
      dayRow,
    );
    // The baseline's sampling error: the spread of human minutes over the runs the cited lock froze,
    // the same runs its mean_human_minutes stands on.
    const spread = await db.query(
      `SELECT workflow, count() AS n, stddevSampOrNull(human_minutes) AS sd FROM (${LOCKED_RUNS_SQL})
       WHERE human_minutes IS NOT NULL GROUP BY workflow`,
      scope.params,
      spreadRow,
    );
    const declared = await db.query(
      `SELECT workflow, minutes_per_run AS minutes FROM declared_baselines WHERE ${SCOPE_SQL}
       ORDER BY created_at DESC LIMIT 1 BY workflow`,
      scope.params,
      declaredRow,
    );
    const tokens = await aiTokenUsage(db, scope.params, since, scope.to);
    return { days, tokens, spread, declared, settings, locks, prices: await modelPrices(db, scope.params.tenant) };
  },
  compute(data, { scope, input }) {
    const win = windowOf(scope.from, scope.to);
    const byWorkflow = inputsByWorkflow(data);
    const figures = [...byWorkflow].map(([wf, w]) => workflowFigures(wf, w, win, data.prices));
    const sum = (f: (x: (typeof figures)[number]) => number) => figures.reduce((a, x) => a + f(x), 0);
    const reason = gate(figures);
    const hours = sum((f) => f.row.hours ?? 0);
    const half = Math.sqrt(sum((f) => f.half * f.half));
    const noHourly = figures.filter((f) => f.value === null).map((f) => f.row.workflow);
    const unpriced = [...new Set(figures.flatMap((f) => [...f.unpriced]))].sort();
    const [ai, platform, recurring] = [sum((f) => f.aiCost), sum((f) => f.platform), sum((f) => f.recurring)];
    const value = noHourly.length ? null : sum((f) => f.value ?? 0);
    const unknown = noHourly.length ? `hourly cost not set for ${noHourly.join(", ")}` : unpriced.length ? `AI cost incomplete: no price for ${unpriced.join(", ")}` : null;
    const running = ai + platform + recurring;
    // Costs left out would overstate net value and ROI, so an incomplete cost makes them unknown.
    const net = reason || value === null || unknown ? null : value - running;
    const daily = dailyNet(byWorkflow, data.prices, scope.to);
    return {
      status: reason ? "insufficient_data" : "ok",
      ...(reason ? { reason } : {}),
      headline: { value: reason ? null : round(hours, 2), unit: "hours", label: "Labor hours displaced" },
      baselineVersion: input.workflow ? (data.locks.get(input.workflow)?.version ?? null) : null,
      currency: [...data.settings.values()][0]?.currency ?? "USD",
      hours: reason ? null : round(hours),
      hours_interval: reason || !figures.some((f) => f.measured) ? null : [round(hours - half), round(hours + half)],
      value: reason || value === null ? null : round(value, 2),
      ai_cost: round(ai, 4),
      ai_cost_complete: unpriced.length === 0,
      unpriced_models: unpriced,
      platform_cost: round(platform, 2),
      recurring_investment: round(recurring, 2),
      net_value: net === null ? null : round(net, 2),
      roi: net === null || running === 0 ? null : round(net / running),
      unknown_reason: unknown,
      payback: payback(daily, scope.to, daily.unknown),
      workflows: figures.map((f) => f.row),
    };
  },
});

/** Whole UTC days [from, to) as `workflowFigures` takes them. */
const windowOf = (from: Date, to: Date) => ({ from: dayString(from), to: dayString(to), days: (to.getTime() - from.getTime()) / 86_400_000 });

/** Why the hours are not shown: no workflow with a baseline, or fewer than MIN_RUNS live runs among them. */
function gate(figures: ReturnType<typeof workflowFigures>[]): string | undefined {
  const withBaseline = figures.filter((f) => f.row.hours !== null);
  const liveRuns = withBaseline.reduce((a, f) => a + f.row.live_runs, 0);
  return withBaseline.length === 0 ? "No locked or declared baseline" : liveRuns < MIN_RUNS ? `Needs ${MIN_RUNS} live runs; has ${liveRuns}` : undefined;
}

/**
 * The metric's `hours` for one workflow over the whole UTC days [from, to), from rows loaded over a
 * wider window: what `compute` gives with that window, gate included (null when it is not shown).
 */
export function workflowHours(data: LaborData, workflow: string, from: Date, to: Date): number | null {
  const w = inputsByWorkflow(data).get(workflow);
  if (!w) return null;
  const f = workflowFigures(workflow, w, windowOf(from, to), data.prices);
  return gate([f]) ? null : round(f.row.hours ?? 0);
}

/** Every workflow configured or with live runs, with the rows that concern it. */
export function inputsByWorkflow(data: LaborData): Map<string, WorkflowInputs> {
  const names = [...new Set([...data.settings.keys(), ...data.days.map((d) => d.workflow)])].sort();
  return new Map(
    names.map((wf) => {
      const sp = data.spread.find((x) => x.workflow === wf);
      return [
        wf,
        {
          settings: data.settings.get(wf),
          lock: data.locks.get(wf),
          declaredMinutes: data.declared.find((d) => d.workflow === wf)?.minutes,
          spread: sp ? { n: sp.n, sd: sp.sd } : undefined,
          days: data.days.filter((d) => d.workflow === wf),
          tokens: data.tokens.filter((t) => t.workflow === wf),
        },
      ];
    }),
  );
}
