import type { Db } from "@/clickhouse/client";
import { SHARED_MS, memoRead } from "@/clickhouse/read-memo";
import { runMetric, type MetricInput, type MetricKey } from "@/metrics/registry";
import { SCORECARD_KEYS, scorecard, scorecardId, type Scored } from "@/server/scorecards/scorecard";

export type { Scored } from "@/server/scorecards/scorecard";


/**
 * The metrics engine's result with the time it was computed (`computedAt`), shared between callers
 * asking the same question (same metric, tenant, barrier and window): a dashboard, its CSV export and
 * the evidence pack then show one result.
 *
 * - Slow metrics (`SCORECARD_KEYS`: milestones and the comparisons) are scorecards computed ahead
 *   (server/scorecards/): the stored result, at most MAX_AGE_MS old and never from before the tenant's
 *   latest settings, lock or import change; computed now only when there is none such.
 * - The others are computed when asked and kept for `ttlMs`. Concurrent identical calls share one
 *   computation; a failed computation is not kept.
 *
 * `now` is the clock (tests pass their own).
 */
export function cachedMetric(db: Db, key: MetricKey, input: MetricInput, ttlMs = SHARED_MS, now = Date.now()): Promise<Scored> {
  if (SCORECARD_KEYS.has(key)) return scorecard(db, key, input, now);
  const computedAt = new Date(now).toISOString();
  // Kept for its time to live only (no tables named): the metrics read spans, written all the time.
  return memoRead(db, `metric|${scorecardId(key, input)}`, [], ttlMs, () => runMetric(db, key, input).then((result): Scored => ({ ...result, computedAt })), now);
}
