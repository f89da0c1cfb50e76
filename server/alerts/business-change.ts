import type { Db } from "@/clickhouse/client";
import type { OutcomeKey } from "@/metrics/business-outcome-defs";
import { addMonths } from "@/metrics/business-months";
import { businessOutcomes } from "@/metrics/business-outcomes-report";
import { BUSINESS_HEADLINES, businessMonths } from "./business-metric";
import type { MetricResult } from "./metric-runner";

/** The last `n` complete calendar months before `now`'s month (UTC). */
export function completeMonths(now: Date, n: number): { from: string; to: string } {
  const to = addMonths(now.toISOString().slice(0, 7), -1);
  return { from: addMonths(to, -(n - 1)), to };
}

/**
 * A business outcome's change against the same months of the baseline year, over the rule's last
 * complete months, as a threshold compares it (the headline). The comparison is the overview's own
 * (metrics/business-outcomes-report.ts: the locked year, paired months, currencies); whatever it
 * cannot judge is insufficient data, so it never fires.
 */
export async function businessChange(db: Db, tenantId: string, key: OutcomeKey, windowMinutes: number, now: Date): Promise<MetricResult> {
  const months = completeMonths(now, businessMonths(windowMinutes));
  const report = await businessOutcomes(db, { tenantId, ...months, keys: [key] });
  const words = BUSINESS_HEADLINES[key];
  const [outcome] = report.outcomes;
  const label = `${words.noun.charAt(0).toUpperCase()}${words.noun.slice(1)} (${months.from}…${months.to})`;
  const headline = { value: outcome?.status === "ok" ? outcome.change : null, unit: words.unit, label };
  if (!outcome) return { key, title: words.noun, unit: words.unit, status: "insufficient_data", reason: report.note ?? "no comparison", headline };
  return { key, title: outcome.title, unit: words.unit, status: outcome.status, reason: outcome.reason ?? undefined, headline };
}
