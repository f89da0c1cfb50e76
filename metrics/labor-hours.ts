import { z } from "zod";
import { MIN_RUNS, defineMetric, round, type MetricResultBase } from "./define-metric";
import { modelPrices, type ModelPrice } from "./model-prices";
import { SCOPE_SQL, addDays, dayString } from "./scope";
import { baselineLocks, workflowSettings, type BaselineLock, type WorkflowSettings } from "./workflow-settings";

export interface LaborWorkflow {
  workflow: string;
  baseline_minutes: number | null;
  baseline_source: "measured" | "declared" | null;
  baseline_version: number | null;
  live_runs: number;
  hours: number | null;
  hours_interval: [number, number] | null;
}

export interface LaborHoursResult extends MetricResultBase {
  key: "labor-hours";
  currency: string;
  hours: number | null;
  hours_interval: [number, number] | null;
  value: number | null;
  ai_cost: number;
  platform_cost: number;
  net_value: number | null;
  roi: number | null;
  payback: { date: string | null; projected: boolean; implementation_cost: number };
  unpriced_models: string[];
  workflows: LaborWorkflow[];
}

const dayRow = z.object({ workflow: z.string(), date: z.string(), runs: z.coerce.number(), minutes: z.number() });
const tokenRow = z.object({ workflow: z.string(), date: z.string(), model: z.string(), input: z.coerce.number(), output: z.coerce.number() });
const spreadRow = z.object({ workflow: z.string(), n: z.coerce.number(), sd: z.number().nullable() });
const declaredRow = z.object({ workflow: z.string(), minutes: z.number() });

interface Data {
  days: z.output<typeof dayRow>[];
  tokens: z.output<typeof tokenRow>[];
  spread: z.output<typeof spreadRow>[];
  declared: z.output<typeof declaredRow>[];
  settings: Map<string, WorkflowSettings>;
  locks: Map<string, BaselineLock>;
  prices: Record<string, ModelPrice>;
  since: Date;
}

const DAYS_PER_MONTH = 365.25 / 12;

export const laborHours = defineMetric<"labor-hours", Data, LaborHoursResult>({
  key: "labor-hours",
  title: "Labor hours displaced",
  unit: "hours",
  direction: "up",
  async load(db, { scope }) {
    const settings = await workflowSettings(db, scope.params);
    const locks = await baselineLocks(db, scope.params);
    // Payback needs every day since the earliest go-live, not only the window.
    const goLives = [...settings.values()].flatMap((s) => (s.go_live_date ? [Date.parse(s.go_live_date)] : []));
    const since = new Date(Math.min(scope.from.getTime(), ...goLives));
    const params = { ...scope.params, since, to: scope.to };
    const live = `${SCOPE_SQL} AND phase = 'live' AND day >= toDate({since:DateTime64(3)}) AND day < toDate({to:DateTime64(3)})`;
    // h = the run's human minutes plus its steps' (review and intervention work included, DESIGN §3.3).
    const days = await db.query(
      `SELECT workflow, toString(day) AS date, sum(r) AS runs, sum(m) AS minutes FROM (
         SELECT workflow, day, sum(runs) AS r, sum(human_minutes_sum) AS m FROM runs_daily WHERE ${live} GROUP BY workflow, day
         UNION ALL
         SELECT workflow, day, 0 AS r, sum(human_minutes_sum) AS m FROM steps_daily WHERE ${live} GROUP BY workflow, day
       ) GROUP BY workflow, day ORDER BY date`,
      params,
      dayRow,
    );
    const tokens = await db.query(
      `SELECT workflow, toString(day) AS date, model, sum(input_tokens) AS input, sum(output_tokens) AS output
       FROM steps_daily WHERE ${live} AND actor = 'ai' GROUP BY workflow, day, model HAVING input + output > 0`,
      params,
      tokenRow,
    );
    // The baseline's sampling error: spread of measured baseline runs' human minutes, each run's own
    // plus its steps' (as the lock counts them). The baseline sample is small and bounded, so it is
    // read raw; the live side above never groups raw spans by run.
    const spread = await db.query(
      `SELECT workflow, count() AS n, stddevSampOrNull(minutes) AS sd FROM (
         SELECT r.workflow AS workflow, ifNull(r.human_minutes, 0) + s.m AS minutes, r.human_minutes IS NOT NULL OR s.m > 0 AS measured
         FROM (SELECT workflow, run_id, human_minutes FROM runs FINAL WHERE ${SCOPE_SQL} AND phase = 'baseline') AS r
         LEFT JOIN (
           SELECT run_id, sum(human_minutes) AS m FROM steps FINAL
           WHERE tenant_id = {tenant:String} AND phase = 'baseline' GROUP BY run_id
         ) AS s ON s.run_id = r.run_id
       ) WHERE measured GROUP BY workflow`,
      // Scope only, no window: the same read for every window, which composite metrics reuse.
      scope.params,
      spreadRow,
    );
    const declared = await db.query(
      `SELECT workflow, minutes_per_run AS minutes FROM declared_baselines WHERE ${SCOPE_SQL}
       ORDER BY created_at DESC LIMIT 1 BY workflow`,
      scope.params,
      declaredRow,
    );
    return { days, tokens, spread, declared, settings, locks, prices: await modelPrices(db, scope.params.tenant), since };
  },
  compute(data, { scope, input }) {
    const inWindow = (day: string) => day >= dayString(scope.from) && day < dayString(scope.to);
    const unpriced = new Set<string>();
    const tokenCost = (t: Data["tokens"][number]) => {
      const p = data.prices[t.model];
      if (!p) unpriced.add(t.model || "(no model)");
      return p ? (t.input / 1000) * p.input_per_1k + (t.output / 1000) * p.output_per_1k : 0;
    };
    const names = [...new Set([...data.settings.keys(), ...data.days.map((d) => d.workflow)])].sort();
    const daily = new Map<string, number>();
    const addDaily = (day: string, v: number) => daily.set(day, (daily.get(day) ?? 0) + v);
    let hours = 0, half2 = 0, value = 0, ai = 0, platform = 0, implementation = 0, measuredAny = false;
    const workflows: LaborWorkflow[] = names.map((wf) => {
      const s = data.settings.get(wf);
      const lock = data.locks.get(wf);
      const declared = data.declared.find((d) => d.workflow === wf)?.minutes;
      const b = lock?.mean_human_minutes ?? declared ?? null;
      const rows = data.days.filter((d) => d.workflow === wf);
      const windowRows = rows.filter((d) => inWindow(d.date));
      const n = windowRows.reduce((a, d) => a + d.runs, 0);
      const cost = s?.hourly_cost ?? 0;
      const perDayPlatform = (s?.platform_cost_monthly ?? 0) / DAYS_PER_MONTH;
      const wfTokens = data.tokens.filter((t) => t.workflow === wf);
      ai += wfTokens.filter((t) => inWindow(t.date)).reduce((a, t) => a + tokenCost(t), 0);
      platform += perDayPlatform * ((scope.to.getTime() - scope.from.getTime()) / 86_400_000);
      const goLive = s?.go_live_date ?? null;
      if (goLive) implementation += s?.implementation_cost ?? 0;
      if (b === null) return { workflow: wf, baseline_minutes: null, baseline_source: null, baseline_version: lock?.version ?? null, live_runs: n, hours: null, hours_interval: null };
      const h = windowRows.reduce((a, d) => a + d.minutes, 0);
      const wfHours = (n * b - h) / 60;
      const sp = data.spread.find((x) => x.workflow === wf);
      const measured = lock?.method === "measured" && (lock.mean_human_minutes ?? null) !== null;
      const se = measured && sp && sp.n > 1 && sp.sd !== null ? sp.sd / Math.sqrt(sp.n) : null;
      const half = se === null ? 0 : (1.96 * n * se) / 60;
      if (se !== null) measuredAny = true;
      hours += wfHours;
      half2 += half * half;
      value += wfHours * cost;
      if (goLive) {
        for (const d of rows) if (d.date >= goLive) addDaily(d.date, ((d.runs * b - d.minutes) / 60) * cost);
        for (const t of wfTokens) if (t.date >= goLive) addDaily(t.date, -tokenCost(t));
        for (let day = new Date(Date.parse(goLive)); day < scope.to; day = addDays(day, 1)) addDaily(dayString(day), -perDayPlatform);
      }
      return {
        workflow: wf,
        baseline_minutes: round(b),
        baseline_source: lock && (lock.mean_human_minutes ?? null) !== null ? lock.method : "declared",
        baseline_version: lock?.version ?? null,
        live_runs: n,
        hours: round(wfHours),
        hours_interval: se === null ? null : [round(wfHours - half), round(wfHours + half)],
      };
    });
    const withBaseline = workflows.filter((w) => w.hours !== null);
    const liveRuns = withBaseline.reduce((a, w) => a + w.live_runs, 0);
    const reason = withBaseline.length === 0 ? "No locked or declared baseline" : liveRuns < MIN_RUNS ? `Needs ${MIN_RUNS} live runs; has ${liveRuns}` : undefined;
    const net = value - ai - platform;
    const half = Math.sqrt(half2);
    return {
      status: reason ? "insufficient_data" : "ok",
      ...(reason ? { reason } : {}),
      headline: { value: reason ? null : round(hours, 2), unit: "hours", label: "Labor hours displaced" },
      baselineVersion: input.workflow ? (data.locks.get(input.workflow)?.version ?? null) : null,
      currency: [...data.settings.values()][0]?.currency ?? "USD",
      hours: reason ? null : round(hours),
      hours_interval: reason || !measuredAny ? null : [round(hours - half), round(hours + half)],
      value: reason ? null : round(value, 2),
      ai_cost: round(ai, 4),
      platform_cost: round(platform, 2),
      net_value: reason ? null : round(net, 2),
      roi: reason || ai + platform === 0 ? null : round(net / (ai + platform)),
      payback: { ...payback(daily, implementation, scope.to), implementation_cost: implementation },
      unpriced_models: [...unpriced].sort(),
      workflows,
    };
  },
});

/** First day cumulative net value covers the implementation cost; else projected at the last 30 days' pace. */
function payback(daily: Map<string, number>, cost: number, to: Date): { date: string | null; projected: boolean } {
  const days = [...daily.entries()].sort(([a], [b]) => a.localeCompare(b));
  let cum = 0;
  for (const [day, v] of days) {
    cum += v;
    if (cost > 0 && cum >= cost) return { date: day, projected: false };
  }
  const recent = days.slice(-30);
  const pace = recent.reduce((a, [, v]) => a + v, 0) / Math.max(recent.length, 1);
  if (cost <= 0 || pace <= 0) return { date: null, projected: false };
  return { date: dayString(addDays(to, Math.ceil((cost - cum) / pace) - 1)), projected: true };
}
