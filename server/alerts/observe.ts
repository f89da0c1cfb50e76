import type { Db } from "@/clickhouse/client";
import { businessChange } from "./business-change";
import { isBusinessMetric } from "./business-metric";
import { runDefinition } from "@/metrics/define-metric";
import { pilotTrap } from "@/metrics/pilot-trap";
import { anomalyObservation, judgeSeries } from "./anomaly-check";
import type { Observation } from "./decide";
import { exceptionsPastSla } from "./exceptions-past-sla";
import { ingestRejects } from "./ingest-rejects";
import type { MetricResult, MetricRunner } from "./metric-runner";
import { milestoneStatuses } from "./milestone-statuses";
import { pilotTrapObservations } from "./pilot-trap-observations";
import type { Rule } from "./rule";
import { sourceFreshness } from "./stale-sources";

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3));
const COMPARE = {
  gt: (a: number, b: number) => a > b,
  gte: (a: number, b: number) => a >= b,
  lt: (a: number, b: number) => a < b,
  lte: (a: number, b: number) => a <= b,
} as const;
const SYMBOL = { gt: ">", gte: "≥", lt: "<", lte: "≤" } as const;

/** One evaluation: what was observed, and, when too little data stands behind it, why (else null). */
export interface RuleEvaluation {
  observations: Observation[];
  insufficient: string | null;
}

/** Why a kind observes nothing at all. */
const NOTHING: Record<Rule["spec"]["kind"], string> = {
  threshold: "insufficient data",
  "stale-source": "no source with a freshness SLA",
  "exceptions-past-sla": "no workflow with an exception SLA to check",
  milestone: "no checkpoint has data yet",
  "ingest-rejects": "no spans in the window",
  "pilot-trap": "no live workflow with enough data to judge a sign",
  anomaly: "too little history",
};

const judged = (spec: Rule["spec"], observations: Observation[], reason?: string | null): RuleEvaluation => ({
  observations,
  insufficient: reason !== undefined ? reason : observations.length > 0 ? null : NOTHING[spec.kind],
});

/**
 * Evaluates one rule at `now`; observations empty means "no data": nothing fires and nothing resolves,
 * and `insufficient` says why, because "not evaluating: insufficient data" must read differently from
 * "ok" in the rules table (issue 25).
 * Metrics run with the rule's own scope (its workflow as the barrier too), so a message carries only
 * data of the workflow the rule names, whoever's barrier allowed writing it.
 */
export async function evaluateRule(db: Db, runMetric: MetricRunner, rule: Rule, now: Date): Promise<RuleEvaluation> {
  const spec = rule.spec;
  const scope = "workflow" in spec && spec.workflow ? { workflow: spec.workflow, workflows: [spec.workflow] } : {};
  const from = new Date(now.getTime() - spec.windowMinutes * 60_000);
  switch (spec.kind) {
    case "threshold": {
      const result = isBusinessMetric(spec.metric)
        ? await businessChange(db, rule.tenantId, spec.metric, spec.windowMinutes, now)
        : await runMetric(db, spec.metric, { tenantId: rule.tenantId, ...scope, from, to: now, asOf: now });
      const observations = thresholdObservations(spec, result);
      return judged(spec, observations, observations.length > 0 ? null : `${result.title}: ${result.reason ?? "insufficient data"}`);
    }
    case "stale-source": {
      const sources = await sourceFreshness(db, rule.tenantId, now);
      return judged(
        spec,
        sources
          .filter((s) => !spec.source || s.source === spec.source)
          .map((s) => ({
            subject: s.source,
            firing: s.stale,
            value: s.ageMinutes,
            summary:
              s.ageMinutes === null
                ? `Source ${s.source} has never synced (SLA ${s.slaMinutes} min)`
                : `Source ${s.source} is ${fmt(s.ageMinutes)} min old (SLA ${s.slaMinutes} min)`,
          })),
      );
    }
    case "exceptions-past-sla": {
      const rows = await exceptionsPastSla(db, rule.tenantId, from, now);
      return judged(
        spec,
        rows
          .filter((r) => !spec.workflow || r.workflow === spec.workflow)
          .map((r) => ({
            subject: r.workflow,
            firing: r.pastSla >= spec.minCount,
            value: r.pastSla,
            summary:
              r.pastSla === 0
                ? `No open exceptions past SLA in ${r.workflow}`
                : `${r.pastSla} open exception(s) past the ${r.slaMinutes}-min SLA in ${r.workflow}, oldest ${fmt(r.oldestMinutes ?? 0)} min`,
          })),
      );
    }
    case "milestone": {
      const result = await runMetric(db, "milestones", { tenantId: rule.tenantId, ...scope, asOf: now });
      const wanted = new Set<string>(spec.statuses);
      return judged(
        spec,
        milestoneStatuses(result)
          .filter((m) => m.status !== "no_data")
          .map((m) => ({ subject: m.subject, firing: wanted.has(m.status), value: null, summary: `Milestone ${m.subject} is ${m.status.replace("_", " ")}` })),
      );
    }
    case "pilot-trap":
      return judged(spec, pilotTrapObservations(await runDefinition(db, pilotTrap, { tenantId: rule.tenantId, ...scope, from, to: now, asOf: now })));
    case "ingest-rejects": {
      const { accepted, rejected } = await ingestRejects(db, rule.tenantId, from, now);
      const total = accepted + rejected;
      const share = total > 0 ? rejected / total : 0;
      const firing = total >= spec.minSpans && share > spec.share;
      const summary = `Ingest rejected ${rejected} of ${total} spans (${(share * 100).toFixed(1)}%, threshold ${(spec.share * 100).toFixed(1)}%)`;
      // Below the rule's own minimum the share means little: observed (it may resolve), but not judged.
      const reason = total < spec.minSpans ? `${total} spans in the window, fewer than the rule's minimum of ${spec.minSpans}` : null;
      return judged(spec, [{ subject: "ingest", firing, value: share, summary }], reason);
    }
    case "anomaly": {
      const target = { ...spec, tenantId: rule.tenantId };
      const { observation, reason } = anomalyObservation(target, await judgeSeries(db, runMetric, target, now, scope.workflows ?? null));
      return judged(spec, observation ? [observation] : [], reason);
    }
  }
}

function thresholdObservations(spec: Extract<Rule["spec"], { kind: "threshold" }>, result: MetricResult): Observation[] {
  const value = result.headline.value;
  // Insufficient data never fires (DESIGN.md §3: no bare percentage below ~30 runs).
  if (result.status !== "ok" || value === null || !Number.isFinite(value)) return [];
  const firing = COMPARE[spec.op](value, spec.value);
  const unit = result.headline.unit;
  const show = (v: number) => (unit === "ratio" ? `${(v * 100).toFixed(1)}%` : unit === "points" ? `${(v * 100).toFixed(1)} points` : `${fmt(v)}${unit ? ` ${unit}` : ""}`);
  return [
    {
      subject: spec.workflow ?? "firm",
      firing,
      value,
      summary: `${result.headline.label || result.title} is ${show(value)} (alert when ${SYMBOL[spec.op]} ${show(spec.value)}) for ${spec.workflow ?? "the firm"}`,
    },
  ];
}

/** The observations alone (an empty list means "no data"). */
export async function observe(db: Db, runMetric: MetricRunner, rule: Rule, now: Date): Promise<Observation[]> {
  return (await evaluateRule(db, runMetric, rule, now)).observations;
}
