import type { Db } from "@/clickhouse/client";
import { currentBaselineYear, firstGoLiveDate } from "./business-baseline-year";
import { addMonths } from "./business-months";
import type { BaselineYear, OutcomeComparison } from "./business-outcomes";
import { businessOutcomes } from "./business-outcomes-report";
import { type BusinessTarget, type LaggingStatus, judge } from "./business-target";
import { businessTargets } from "./business-targets";
import { defineMetric, round, type MetricResultBase } from "./define-metric";
import { overall } from "./milestone-status";
import { CHECKPOINT_DAYS } from "./milestones";
import { addDays, dayString } from "./scope";

/** A checkpoint is judged on three calendar months: the full months before its date's month. */
export const TRAILING_MONTHS = 3;

export interface LaggingOutcome {
  key: OutcomeComparison["key"];
  title: string;
  unit: string;
  better: "higher" | "lower";
  currency: string | null;
  target: BusinessTarget | null;
  /** Over the checkpoint's months and the same months of the baseline year; null when not measured. */
  live: number | null;
  baseline: number | null;
  change: number | null;
  relative_change: number | null;
  paired_months: number;
  /** The change judged against the target (relative or absolute, as the target is). */
  achieved: number | null;
  status: LaggingStatus;
  reason: string | null;
}

export interface LaggingCheckpoint {
  days: number;
  date: string;
  passed: boolean;
  /** The calendar months it is judged on, both included. */
  months: { from: string; to: string };
  /** Over the outcomes with a target: missed if one missed, met if every measured one met. */
  status: LaggingStatus;
  outcomes: LaggingOutcome[];
}

/** Lagging checkpoints met of due, counted like the leading ones; "no target" is counted apart. */
export interface LaggingDue {
  due: number;
  met: number;
  missed: number;
  unknown: number;
  no_target: number;
  upcoming: number;
}

export interface BusinessMilestonesResult extends MetricResultBase {
  key: "business-milestones";
  /** The firm's first go-live: the checkpoints' anchor, as it is the default baseline year's. */
  go_live_date: string | null;
  baseline_year: BaselineYear | null;
  checkpoints: LaggingCheckpoint[];
  due: LaggingDue;
  /** The targets in Settings, also for the checkpoints still upcoming. */
  targets: BusinessTarget[];
}

interface Data {
  goLive: string | null;
  year: BaselineYear | null;
  targets: BusinessTarget[];
  /** Per checkpoint, the comparisons over its months when it has passed; null while upcoming. */
  compared: (OutcomeComparison[] | null)[];
}

const checkpointDate = (goLive: string, days: number) => addDays(new Date(`${goLive}T00:00:00Z`), days);

/**
 * The three full months before the checkpoint's month, never starting before the go-live month (the
 * baseline year ends the month before, and is not compared with itself): a go-live on the first days
 * of a month puts the 90-day checkpoint two months on, and its months are then the go-live month and
 * the two after it, the last of which ends just after the checkpoint.
 */
function monthsOf(goLive: string, date: Date): { from: string; to: string } {
  const back = addMonths(dayString(date).slice(0, 7), -TRAILING_MONTHS);
  const from = back < goLive.slice(0, 7) ? goLive.slice(0, 7) : back;
  return { from, to: addMonths(from, TRAILING_MONTHS - 1) };
}

const FIRM_WIDE = "Business outcomes are firm-wide: they are not computed for members limited to some workflows";

/**
 * Lagging checkpoints (docs/metrics.md, "Lagging checkpoints"): at the firm's first go-live + 90, 182
 * and 365 days, each business outcome over the three full months before the checkpoint, against the
 * same months of the baseline year (the business-outcomes report, unchanged), judged against its
 * target from Settings.
 */
export const businessMilestones = defineMetric<"business-milestones", Data, BusinessMilestonesResult>({
  key: "business-milestones",
  title: "Lagging checkpoints",
  unit: "checkpoints",
  direction: "up",
  async load(db: Db, { input, scope }) {
    const none: Data = { goLive: null, year: null, targets: [], compared: [] };
    if ((input.workflows ?? null) !== null) return none;
    const goLive = await firstGoLiveDate(db, input.tenantId);
    if (!goLive) return none;
    // The checkpoints' reports, the year and the targets are independent reads: side by side.
    const [compared, year, targets] = await Promise.all([
      Promise.all(
        CHECKPOINT_DAYS.map(async (days) => {
          const at = checkpointDate(goLive, days);
          return at <= scope.asOf ? (await businessOutcomes(db, { tenantId: input.tenantId, ...monthsOf(goLive, at) })).outcomes : null;
        }),
      ),
      currentBaselineYear(db, input.tenantId),
      businessTargets(db, input.tenantId),
    ]);
    return { goLive, year, targets, compared };
  },
  compute(data, { input }) {
    const goLive = data.goLive;
    const reason = (input.workflows ?? null) !== null ? FIRM_WIDE : !goLive ? "No workflow has gone live: the checkpoints count from the first go-live" : null;
    const checkpoints = goLive ? CHECKPOINT_DAYS.map((days, i) => checkpoint(goLive, days, data.compared[i] ?? null, data.targets)) : [];
    const due = laggingDue(checkpoints);
    return {
      status: reason ? "insufficient_data" : "ok",
      ...(reason ? { reason } : {}),
      headline: { value: reason ? null : due.met, unit: "count", label: "Lagging checkpoints met" },
      baselineVersion: data.year?.version ?? null,
      go_live_date: goLive,
      baseline_year: data.year,
      checkpoints,
      due,
      targets: data.targets.map((t) => ({ outcome: t.outcome, kind: t.kind, target: t.target })),
    };
  },
});

function checkpoint(goLive: string, days: number, compared: OutcomeComparison[] | null, targets: BusinessTarget[]): LaggingCheckpoint {
  const at = checkpointDate(goLive, days);
  const head = { days, date: dayString(at), passed: compared !== null, months: monthsOf(goLive, at) };
  if (compared === null) return { ...head, status: "upcoming", outcomes: [] };
  const outcomes = compared.map((c): LaggingOutcome => {
    const target = targets.find((t) => t.outcome === c.key) ?? null;
    const j = judge(c, target ?? undefined);
    const r = (v: number | null) => (v === null ? null : round(v, 6));
    return {
      key: c.key, title: c.title, unit: c.unit, better: c.better, currency: c.currency, target,
      live: r(c.live), baseline: r(c.baseline), change: r(c.change), relative_change: r(c.relative_change), paired_months: c.paired_months,
      achieved: r(j.achieved), status: j.status, reason: j.reason,
    };
  });
  const judged = outcomes.filter((o) => o.status !== "no target").map((o) => o.status as "met" | "missed" | "no data");
  return { ...head, status: judged.length === 0 ? "no target" : (overall(judged) as LaggingStatus), outcomes };
}

export function laggingDue(checkpoints: LaggingCheckpoint[]): LaggingDue {
  const due = checkpoints.filter((c) => c.passed);
  const count = (s: LaggingStatus) => due.filter((c) => c.status === s).length;
  return { due: due.length, met: count("met"), missed: count("missed"), unknown: count("no data"), no_target: count("no target"), upcoming: checkpoints.length - due.length };
}
