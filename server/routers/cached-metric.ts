import type { Db } from "@/clickhouse/client";
import { runMetric, type MetricInput, type MetricKey, type MetricResult } from "@/metrics/registry";

interface Entry {
  at: number;
  value: Promise<MetricResult>;
}

const entries = new Map<string, Entry>();
const MAX_ENTRIES = 500;

/**
 * The metrics engine's result, shared for `ttlMs` between callers asking the same question (same
 * metric, tenant, barrier and window): a dashboard, its CSV export and the evidence pack then show one
 * result, and the milestone evaluation (seconds on a year of data) runs once per minute, not per view.
 * Concurrent identical calls share one computation; a failed computation is not kept.
 */
export function cachedMetric(db: Db, key: MetricKey, input: MetricInput, ttlMs = 60_000, now = Date.now()): Promise<MetricResult> {
  const id = JSON.stringify([key, input.tenantId, input.workflow ?? null, input.workflows ?? null, input.phase ?? null, input.from ?? null, input.to ?? null, input.asOf ?? null, input.grain ?? null]);
  const hit = entries.get(id);
  if (hit && now - hit.at < ttlMs) return hit.value;
  const value = runMetric(db, key, input);
  entries.set(id, { at: now, value });
  value.catch(() => entries.delete(id));
  if (entries.size > MAX_ENTRIES) {
    for (const [k, e] of entries) if (now - e.at >= ttlMs || entries.size > MAX_ENTRIES) entries.delete(k);
  }
  return value;
}
