import type { Db } from "@/clickhouse/client";
import { runMetric, type MetricInput, type MetricKey } from "@/metrics/registry";
import { SCORECARD_KEYS, scorecard, scorecardId, type Scored } from "@/server/scorecards/scorecard";

export type { Scored } from "@/server/scorecards/scorecard";

interface Entry {
  at: number;
  value: Promise<Scored>;
}

const entries = new Map<string, Entry>();
const MAX_ENTRIES = 500;

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
export function cachedMetric(db: Db, key: MetricKey, input: MetricInput, ttlMs = 60_000, now = Date.now()): Promise<Scored> {
  if (SCORECARD_KEYS.has(key)) return scorecard(db, key, input, now);
  const id = scorecardId(key, input);
  const hit = entries.get(id);
  if (hit && now - hit.at < ttlMs) return hit.value;
  const computedAt = new Date(now).toISOString();
  const value = runMetric(db, key, input).then((result): Scored => ({ ...result, computedAt }));
  entries.set(id, { at: now, value });
  value.catch(() => entries.delete(id));
  if (entries.size > MAX_ENTRIES) {
    for (const [k, e] of entries) if (now - e.at >= ttlMs || entries.size > MAX_ENTRIES) entries.delete(k);
  }
  return value;
}
