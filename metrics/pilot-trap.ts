import { z } from "zod";
import { type Db, fromClickHouseTime } from "@/clickhouse/client";
import { defineMetric, type MetricResultBase } from "./define-metric";
import { type PilotTrapSign, type TrapBaseline, type TrapDay, judgeSigns } from "./pilot-trap-signs";
import { type SideFigures, lockedBaselineFigures } from "./locked-baseline";
import { runSetParams, runSetSql } from "./run-set";
import { type Scope, addDays, dayString, startOfUtcDay } from "./scope";
import { STEP_DAYS, stepDaysParams } from "./step-days";
import { type BaselineLock, type WorkflowSettings, baselineLocks, workflowSettings } from "./workflow-settings";

export type { PilotTrapSign } from "./pilot-trap-signs";

/**
 * The pilot-trap detector (docs/metrics.md, "Pilot trap"; issue 27): for each live workflow, the signs
 * that the manual process it was meant to replace still runs beside it. Runs are the run set's (each
 * once, latest delivery); steps counted by day (step-days.ts); the baseline is the cited lock's.
 */

export interface PilotTrapWorkflow {
  workflow: string;
  go_live_date: string;
  /** At least one sign is flagged. */
  flagged: boolean;
  /** Every sign is insufficient data: the workflow is not known to be fine. */
  unknown: boolean;
  /** The earliest date a flagged sign started; null when none is flagged. */
  since: string | null;
  signs: PilotTrapSign[];
}

export interface PilotTrapResult extends MetricResultBase {
  key: "pilot-trap";
  workflows: PilotTrapWorkflow[];
}

const dayRow = z.object({
  workflow: z.string(),
  day: z.string(),
  runs: z.coerce.number(),
  minutes: z.number(),
  duplicated: z.coerce.number(),
  manual: z.coerce.number(),
  reviews: z.coerce.number(),
  corrected: z.coerce.number(),
});

interface Data {
  days: z.output<typeof dayRow>[];
  settings: Map<string, WorkflowSettings>;
  locks: Map<string, BaselineLock>;
  frozen: Map<string, SideFigures>;
}

/** Finished live runs a day, their human minutes, and those with a step done both by AI and by a person (run-derive.ts). */
const LIVE_SQL = `
  SELECT workflow, toDate(start_time) AS day, count() AS runs, sum(ifNull(human_minutes, 0)) AS minutes,
         countIf(duplicated = 1) AS duplicated, 0 AS manual, 0 AS reviews, 0 AS corrected
  FROM (${runSetSql()})
  GROUP BY workflow, day`;

/** Finished manual-phase runs a day (still done by hand, reported beside the live ones). */
const MANUAL_SQL = `
  SELECT workflow, toDate(start_time) AS day, 0 AS runs, 0.0 AS minutes, 0 AS duplicated, count() AS manual, 0 AS reviews, 0 AS corrected
  FROM (${runSetSql({ flags: false })}) GROUP BY workflow, day`;

/** Live review steps a day, and those whose outcome corrected or rejected the AI output. */
const REVIEWS_SQL = `
  SELECT workflow, day, 0 AS runs, 0.0 AS minutes, 0 AS duplicated, 0 AS manual, sum(reviews) AS reviews, sum(corrected) AS corrected
  FROM ${STEP_DAYS} GROUP BY workflow, day HAVING reviews > 0`;

async function loadDays(db: Db, scope: Scope, since: Date) {
  const q = (sql: string, params: object) => db.query(`SELECT workflow, toString(day) AS day, runs, minutes, duplicated, manual, reviews, corrected FROM (${sql})`, { ...scope.params, ...params }, dayRow);
  const [live, manual, reviews] = await Promise.all([
    q(LIVE_SQL, runSetParams("live", since, scope.to)),
    q(MANUAL_SQL, runSetParams("manual", since, scope.to)),
    q(REVIEWS_SQL, stepDaysParams("live", since, scope.to)),
  ]);
  return [...live, ...manual, ...reviews];
}

const WEEK_MS = 7 * 86_400_000;

/**
 * The cited lock's mean human minutes per run (over its runs that record minutes, as the lock states
 * it), and its runs a week: its frozen runs over the time from the first one's start to the last one's
 * end (at least a week). A declared baseline has minutes but no runs, so no volume.
 */
function baselineOf(lock: BaselineLock | undefined, frozen: SideFigures | undefined): TrapBaseline {
  if (!lock) return { locked: false, minutesPerRun: null, runsPerWeek: null };
  if (lock.method === "declared" || !frozen || frozen.n === 0) return { locked: true, minutesPerRun: lock.mean_human_minutes, runsPerWeek: null };
  const span = Math.max(WEEK_MS, fromClickHouseTime(frozen.window_to).getTime() - fromClickHouseTime(frozen.window_from).getTime());
  return {
    locked: true,
    minutesPerRun: frozen.runs_with_minutes > 0 ? frozen.minutes_sum / frozen.runs_with_minutes : null,
    runsPerWeek: (frozen.n * WEEK_MS) / span,
  };
}

export const pilotTrap = defineMetric<"pilot-trap", Data, PilotTrapResult>({
  key: "pilot-trap",
  title: "Pilot trap",
  unit: "workflows",
  direction: "down",
  async load(db, { scope }) {
    const [settings, locks, frozen] = await Promise.all([workflowSettings(db, scope.params), baselineLocks(db, scope.params), lockedBaselineFigures(db, scope.params)]);
    const goLives = [...settings.values()].flatMap((s) => (s.go_live_date ? [Date.parse(s.go_live_date)] : []));
    if (goLives.length === 0) return { days: [], settings, locks, frozen };
    // Every day since the earliest go-live: the date a sign started may lie before the window.
    const since = new Date(Math.min(scope.from.getTime(), ...goLives));
    return { days: await loadDays(db, scope, since), settings, locks, frozen };
  },
  compute(data, { scope }) {
    const window = { from: dayString(scope.from), to: dayString(addDays(scope.to, -1)), days: Math.round((scope.to.getTime() - scope.from.getTime()) / 86_400_000) };
    const live = [...data.settings.values()].filter((s) => s.go_live_date !== null && Date.parse(s.go_live_date) <= startOfUtcDay(scope.asOf).getTime());
    const workflows = live
      .map((s): PilotTrapWorkflow => {
        const goLive = s.go_live_date ?? "";
        const days: TrapDay[] = data.days.filter((d) => d.workflow === s.workflow && d.day >= goLive);
        // A sign cannot have started before go-live, though its first week may begin earlier.
        const signs = judgeSigns(days, window, baselineOf(data.locks.get(s.workflow), data.frozen.get(s.workflow)), s.manual_runs_per_week)
          .map((x) => (x.since !== null && x.since < goLive ? { ...x, since: goLive } : x));
        const started = signs.flatMap((x) => (x.since ? [x.since] : [])).sort();
        return {
          workflow: s.workflow,
          go_live_date: goLive,
          flagged: signs.some((x) => x.status === "flagged"),
          unknown: signs.every((x) => x.status === "insufficient_data"),
          since: started[0] ?? null,
          signs,
        };
      })
      .sort((a, b) => a.workflow.localeCompare(b.workflow));
    const judged = workflows.filter((w) => !w.unknown);
    const flagged = workflows.filter((w) => w.flagged).length;
    const reason = workflows.length === 0 ? "no workflow has gone live" : judged.length === 0 ? "too few runs to judge any sign" : undefined;
    return {
      status: reason ? "insufficient_data" : "ok",
      ...(reason ? { reason } : {}),
      headline: { value: reason ? null : flagged, unit: "workflows", label: "Workflows in the pilot trap" },
      workflows,
    };
  },
});
