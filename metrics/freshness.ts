import { z } from "zod";
import { fromClickHouseTime } from "@/clickhouse/client";
import { defineMetric, round, type MetricResultBase } from "./define-metric";
import { POINT_SQL, SOURCE_SCOPE_SQL, freshnessOf } from "./source-lag";

export interface SourceFreshness {
  source: string;
  sla_minutes: number | null;
  /** Watermark of the freshest record, else the end of the last successful sync. */
  last_at: string | null;
  lag_minutes: number | null;
  breach: boolean | null;
  /** Share of the window during which the source was within its SLA. */
  share_within_sla: number | null;
  records: number;
  invalid: number;
  accuracy: number | null;
}

export interface FreshnessResult extends MetricResultBase {
  key: "freshness";
  sources: SourceFreshness[];
}


const time = z.string().nullable().transform((s) => (s ? fromClickHouseTime(s) : null));
const configRow = z.object({ source: z.string(), sla: z.coerce.number(), removed: z.coerce.number() });
const syncRow = z.object({ source: z.string(), end: time, point: time });
const totalsRow = z.object({ source: z.string(), records: z.coerce.number(), invalid: z.coerce.number(), last: time, prior: time });

interface Data {
  config: z.output<typeof configRow>[];
  syncs: z.output<typeof syncRow>[];
  totals: z.output<typeof totalsRow>[];
}


export const freshness = defineMetric<"freshness", Data, FreshnessResult>({
  key: "freshness",
  title: "Data freshness",
  unit: "minutes",
  direction: "down",
  async load(db, { scope }) {
    const params = { ...scope.params, from: scope.from, to: scope.to, as_of: scope.asOf };
    // Three independent reads, side by side: the page waits for the slowest, not for their sum.
    const [config, totals, syncs] = await Promise.all([
      db.query(
        `SELECT source, freshness_sla_minutes AS sla, removed FROM sources WHERE ${SOURCE_SCOPE_SQL}
         ORDER BY updated_at DESC LIMIT 1 BY source`,
        params,
        configRow,
      ),
      db.query(
        `SELECT source,
                sumIf(records, start_time >= {from:DateTime64(3)} AND start_time < {to:DateTime64(3)}) AS records,
                sumIf(invalid, start_time >= {from:DateTime64(3)} AND start_time < {to:DateTime64(3)}) AS invalid,
                toString(maxOrNull(${POINT_SQL})) AS last,
                toString(maxOrNullIf(${POINT_SQL}, end_time < {from:DateTime64(3)})) AS prior
         FROM source_syncs WHERE ${SOURCE_SCOPE_SQL} AND end_time <= {as_of:DateTime64(3)}
         GROUP BY source`,
        params,
        totalsRow,
      ),
      // Bounded: a sync every minute for a month per source is 43,200 rows; beyond that the share is approximate.
      db.query(
        `SELECT source, toString(end_time) AS end, toString(${POINT_SQL}) AS point FROM source_syncs
         WHERE ${SOURCE_SCOPE_SQL} AND end_time >= {from:DateTime64(3)} AND end_time < {to:DateTime64(3)}
           AND end_time <= {as_of:DateTime64(3)} AND ${POINT_SQL} IS NOT NULL
         ORDER BY source, end_time LIMIT 50000 BY source`,
        params,
        syncRow,
      ),
    ]);
    return { config, syncs, totals };
  },
  compute({ config, syncs, totals }, { scope }) {
    const removed = new Set(config.filter((c) => c.removed === 1).map((c) => c.source));
    const names = [...new Set([...config.map((c) => c.source), ...totals.map((t) => t.source)])].filter((s) => !removed.has(s)).sort();
    const windowEnd = Math.min(scope.to.getTime(), scope.asOf.getTime());
    const sources = names.map((source): SourceFreshness => {
      const slaMin = config.find((c) => c.source === source)?.sla || null;
      const t = totals.find((x) => x.source === source);
      // Lag and breach: source-lag.ts's definition, which the stale-source alert uses too.
      const { lag_minutes: lag, breach } = freshnessOf(t?.last ?? null, scope.asOf, slaMin);
      return {
        source,
        sla_minutes: slaMin,
        last_at: t?.last?.toISOString() ?? null,
        lag_minutes: lag === null ? null : round(lag, 2),
        breach,
        share_within_sla: slaMin === null ? null : shareWithin(syncs.filter((s) => s.source === source), t?.prior ?? null, slaMin, scope.from.getTime(), windowEnd),
        records: t?.records ?? 0,
        invalid: t?.invalid ?? 0,
        accuracy: t && t.records > 0 ? round(1 - t.invalid / t.records) : null,
      };
    });
    const lags = sources.flatMap((s) => (s.lag_minutes === null ? [] : [s.lag_minutes]));
    return {
      status: lags.length ? "ok" : "insufficient_data",
      ...(lags.length ? {} : { reason: "No source has synced yet" }),
      headline: { value: lags.length ? Math.max(...lags) : null, unit: "minutes", label: "Worst source lag" },
      sources,
    };
  },
});

/**
 * At time t the freshest data is the newest point among syncs finished by t; the source is within SLA
 * while t ≤ that point + SLA. Sums those stretches over [start, end).
 */
function shareWithin(syncs: { end: Date | null; point: Date | null }[], prior: Date | null, slaMin: number, start: number, end: number): number | null {
  if (end <= start) return null;
  const sla = slaMin * 60_000;
  let freshest = prior?.getTime() ?? Number.NEGATIVE_INFINITY;
  let cursor = start;
  let within = 0;
  const advance = (until: number) => {
    const okUntil = Math.min(until, freshest + sla);
    if (okUntil > cursor) within += okUntil - cursor;
    cursor = until;
  };
  for (const s of syncs) {
    if (!s.end || !s.point) continue;
    advance(Math.max(cursor, Math.min(s.end.getTime(), end)));
    freshest = Math.max(freshest, s.point.getTime());
  }
  advance(end);
  return round(within / (end - start));
}
