import { z } from "zod";
import { defineMetric, round, type MetricResultBase } from "./define-metric";
import { RUN_COUNT_SQL } from "./run-set";
import { SCOPE_SQL } from "./scope";

export interface IngestCompletenessResult extends MetricResultBase {
  key: "ingest-completeness";
  accepted: number;
  rejected: number;
  acceptance_rate: number | null;
  by_day: { day: string; channel: string; source: string; accepted: number; rejected: number }[];
  rejected_reasons: { reason: string; rejected: number }[];
  /** Runs with steps but no run span a day after their last step (the run never closed). */
  runs_never_closed: number;
  runs_closed: number;
}

const statRow = z
  .object({ date: z.string(), channel: z.string(), source: z.string(), accepted: z.coerce.number(), rejected: z.coerce.number() })
  .transform(({ date, ...rest }) => ({ day: date, ...rest }));
const reasonRow = z.object({ reason: z.string(), rejected: z.coerce.number() });
const countRow = z.object({ n: z.coerce.number() });

interface Data {
  /** False when the scope is a workflow or a barrier's list: ingest_stats cannot be split by workflow. */
  perTenant: boolean;
  stats: z.output<typeof statRow>[];
  reasons: z.output<typeof reasonRow>[];
  open: number;
  closed: number;
}

// ingest_stats is per channel and source, not per workflow: only users who see every workflow see it.
const STATS_SQL = `tenant_id = {tenant:String} AND {all_wf:UInt8} = 1
  AND day >= toDate({from:DateTime64(3)}) AND day < toDate({to:DateTime64(3)})`;

/**
 * Imported event-log rows are counted in ingest_stats too (events read and skipped per file), and so are
 * OTLP metric data points (business figures), but neither are spans: the share of spans accepted is
 * the OTLP trace and log channels' alone. by_day still lists every channel.
 */
const NOT_SPANS = new Set(["import", "otlp-metrics"]);

/** Why a scope narrower than the tenant gets no acceptance figure (rather than a silent 0 accepted). */
export const PER_TENANT_REASON = "Ingest completeness is per tenant and source, not per workflow: it needs the whole tenant in scope";

/** A run whose steps arrived but whose run span has not, a day after its last step, is counted as never closed. */
const GRACE = "INTERVAL 1 DAY";

export const ingestCompleteness = defineMetric<"ingest-completeness", Data, IngestCompletenessResult>({
  key: "ingest-completeness",
  title: "Ingest completeness",
  unit: "ratio",
  direction: "up",
  async load(db, { scope }) {
    const params = { ...scope.params, from: scope.from, to: scope.to, as_of: scope.asOf };
    // Four independent reads, side by side: the page waits for the slowest, not for their sum.
    const [stats, reasons, open, closed] = await Promise.all([
      db.query(
        `SELECT toString(day) AS date, channel, source, sum(accepted) AS accepted, sum(rejected) AS rejected
         FROM ingest_stats WHERE ${STATS_SQL} GROUP BY date, channel, source ORDER BY date, channel, source`,
        params,
        statRow,
      ),
      db.query(
        `SELECT reason, sum(rejected) AS rejected FROM ingest_stats WHERE ${STATS_SQL} AND reason != ''
         GROUP BY reason HAVING rejected > 0 ORDER BY rejected DESC, reason`,
        params,
        reasonRow,
      ),
      // The run side is held as a set of 64-bit hashes, not of the ids: at 2.4M runs and 7.2M steps the
      // query took ~210 MB and 0.7–0.85 s this way against ~820 MB and 1.5–2.2 s with the ids (a dashboard
      // load held RSS near 1.2 GB in a 20-minute soak). An orphan is missed only if its hash equals a
      // closed run's: with 2,400 orphans among 2.4M runs, a chance of about 3 in 10^10.
      db.query(
        `SELECT uniqExact(run_id) AS n FROM steps
         WHERE ${SCOPE_SQL} AND start_time >= {from:DateTime64(3)} AND start_time < {to:DateTime64(3)}
           AND end_time < {as_of:DateTime64(3)} - ${GRACE}
           AND cityHash64(run_id) GLOBAL NOT IN (SELECT cityHash64(run_id) FROM runs WHERE ${SCOPE_SQL}
                                     AND start_time >= {from:DateTime64(3)} - INTERVAL 7 DAY AND start_time < {to:DateTime64(3)})`,
        params,
        countRow,
      ),
      // Every phase's finished runs, each once (run-set.ts).
      db.query(RUN_COUNT_SQL, { ...scope.params, rs_from: scope.from, rs_to: scope.to }, countRow),
    ]);
    return { perTenant: scope.params.all_wf === 1, stats, reasons, open: open[0]?.n ?? 0, closed: closed[0]?.n ?? 0 };
  },
  compute(d) {
    const spans = d.stats.filter((s) => !NOT_SPANS.has(s.channel));
    const accepted = spans.reduce((a, s) => a + s.accepted, 0);
    const rejected = spans.reduce((a, s) => a + s.rejected, 0);
    const rate = accepted + rejected > 0 ? round(accepted / (accepted + rejected)) : null;
    const empty = rate === null && d.closed === 0 && d.open === 0;
    const reason = !d.perTenant ? PER_TENANT_REASON : empty ? "Nothing was ingested in the window" : null;
    return {
      status: reason === null ? "ok" : "insufficient_data",
      ...(reason === null ? {} : { reason }),
      headline: { value: rate, unit: "ratio", label: "Share of spans accepted" },
      accepted,
      rejected,
      acceptance_rate: rate,
      by_day: d.stats,
      rejected_reasons: d.reasons,
      runs_never_closed: d.open,
      runs_closed: d.closed,
    };
  },
});
