import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { aiTokenUsage, tokenCost } from "@/metrics/ai-usage";
import type { SeriesPoint } from "@/metrics/anomaly";
import { modelPrices } from "@/metrics/model-prices";
import { addDays, dayString, scopeOf } from "@/metrics/scope";
import { dailyLags } from "@/metrics/source-lag";
import type { AnomalySeries } from "./anomaly-kinds";
import { ingestRejectsByDay } from "./ingest-rejects";
import type { MetricRunner } from "./metric-runner";

/**
 * One series' daily history for the anomaly detector (docs/metrics.md, "Anomalies"), read from the
 * existing definitions: run volume and cycle time from the cycle-time metric's live daily series (each
 * run once, metrics/run-set.ts), exception rate from the exception-rate metric's, AI cost from
 * metrics/ai-usage.ts priced as labor-hours prices it, ingest rejects from ingest_stats, source lag from
 * metrics/source-lag.ts.
 *
 * The grain is the UTC day: the run set, ingest_stats and the AI usage are daily, and a day holds enough
 * runs for a rate (an hour of a typical workflow holds a handful). A rate, a median or a cost per run
 * over fewer than MIN_DAY_RUNS runs is unknown (null), not judged.
 */
export const MIN_DAY_RUNS = 10;

export interface SeriesQuery {
  tenantId: string;
  series: AnomalySeries;
  workflow?: string;
  /** Source lag: the source (else the stalest source in scope). */
  source?: string;
  /** The reader's barrier; null = every workflow. */
  workflows?: string[] | null;
}

const cycleSeries = z.object({ series: z.array(z.object({ bucket: z.string(), n: z.number(), p50_hours: z.number().nullable() })) });
const rateSeries = z.object({ series: z.array(z.object({ bucket: z.string(), runs: z.number(), exception_rate: z.number().nullable() })) });

/** The days from `first` to `last` inclusive, as day starts. */
export function daysBetween(first: Date, last: Date): Date[] {
  const out: Date[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The series' value on each of `days` (consecutive UTC day starts); null where unknown. */
export async function readSeries(db: Db, runMetric: MetricRunner, q: SeriesQuery, days: Date[]): Promise<SeriesPoint[]> {
  const first = days[0];
  const last = days.at(-1);
  if (!first || !last) return [];
  const keyed = (values: Map<string, number | null>, fallback: number | null) => days.map((d) => ({ day: dayString(d), value: values.has(dayString(d)) ? values.get(dayString(d))! : fallback }));
  const input = { tenantId: q.tenantId, workflow: q.workflow, workflows: q.workflows ?? null, phase: "live" as const, from: first, to: last, asOf: last, grain: "day" as const };
  const runsByDay = async () => cycleSeries.parse(await runMetric(db, "cycle-time", input)).series;
  switch (q.series) {
    case "run-volume": {
      // A day without a run is a count of zero (the silent pipeline this series watches for), once the
      // workflow has run at all: before its first run in the read days, its volume is unknown.
      const counts = await runsByDay();
      const started = counts.reduce((a, b) => (b.n > 0 && b.bucket < a ? b.bucket : a), "9999-12-31");
      return keyed(new Map(counts.map((b) => [b.bucket, b.n])), 0).map((p) => (p.day < started ? { ...p, value: null } : p));
    }
    case "cycle-time":
      return keyed(new Map((await runsByDay()).map((b) => [b.bucket, b.n >= MIN_DAY_RUNS ? b.p50_hours : null])), null);
    case "exception-rate": {
      const rows = rateSeries.parse(await runMetric(db, "exception-rate", input)).series;
      const runs = new Map(rows.map((b) => [b.bucket, b.runs]));
      return keyed(new Map(rows.map((b) => [b.bucket, b.runs >= MIN_DAY_RUNS ? b.exception_rate : null])), null).map((p) => ({ ...p, runs: runs.get(p.day) }));
    }
    case "ai-cost-per-run":
      return keyed(await costPerRun(db, q, await runsByDay(), first, last), null);
    case "ingest-rejects": {
      const byDay = await ingestRejectsByDay(db, q.tenantId, first, last);
      const share = new Map([...byDay].map(([day, s]) => [day, s.accepted + s.rejected > 0 ? s.rejected / (s.accepted + s.rejected) : null]));
      return keyed(share, null).map((p) => ({ ...p, runs: byDay.get(p.day) && byDay.get(p.day)!.accepted + byDay.get(p.day)!.rejected }));
    }
    case "source-freshness": {
      const lags = await dailyLags(db, scopeOf(input).params, q.source ?? null, days);
      return days.map((d, i) => ({ day: dayString(d), value: lags[i] ?? null }));
    }
  }
}

/** AI cost per run of each day with enough runs; a day using a model without a price is unknown, never cheap. */
async function costPerRun(db: Db, q: SeriesQuery, runs: { bucket: string; n: number }[], first: Date, last: Date): Promise<Map<string, number | null>> {
  const scope = scopeOf({ tenantId: q.tenantId, workflow: q.workflow, workflows: q.workflows ?? null });
  const [usage, prices] = await Promise.all([aiTokenUsage(db, scope.params, first, addDays(last, 1)), modelPrices(db, q.tenantId)]);
  return new Map(
    runs.map((b) => {
      if (b.n < MIN_DAY_RUNS) return [b.bucket, null];
      const { cost, unpriced } = tokenCost(usage.filter((u) => u.date === b.bucket), prices);
      return [b.bucket, unpriced.size > 0 ? null : cost / b.n];
    }),
  );
}
