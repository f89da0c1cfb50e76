import type { Db } from "@/clickhouse/client";
import type { Observation } from "./decide";
import { exceptionsPastSla } from "./exceptions-past-sla";
import { ingestRejects } from "./ingest-rejects";
import type { MetricRunner } from "./metric-runner";
import { milestoneStatuses } from "./milestone-statuses";
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

/**
 * Evaluates one rule at `now`; an empty list means "no data": nothing fires and nothing resolves.
 * Metrics run with the rule's own scope (its workflow as the barrier too), so a message carries only
 * data of the workflow the rule names, whoever's barrier allowed writing it.
 */
export async function observe(db: Db, runMetric: MetricRunner, rule: Rule, now: Date): Promise<Observation[]> {
  const spec = rule.spec;
  const scope = "workflow" in spec && spec.workflow ? { workflow: spec.workflow, workflows: [spec.workflow] } : {};
  const from = new Date(now.getTime() - spec.windowMinutes * 60_000);
  switch (spec.kind) {
    case "threshold": {
      const result = await runMetric(db, spec.metric, { tenantId: rule.tenantId, ...scope, from, to: now, asOf: now });
      const value = result.headline.value;
      // Insufficient data never fires (DESIGN.md §3: no bare percentage below ~30 runs).
      if (result.status !== "ok" || value === null || !Number.isFinite(value)) return [];
      const firing = COMPARE[spec.op](value, spec.value);
      const show = (v: number) => (result.headline.unit === "ratio" ? `${(v * 100).toFixed(1)}%` : `${fmt(v)}${result.headline.unit ? ` ${result.headline.unit}` : ""}`);
      return [
        {
          subject: spec.workflow ?? "firm",
          firing,
          value,
          summary: `${result.headline.label || result.title} is ${show(value)} (alert when ${SYMBOL[spec.op]} ${show(spec.value)}) for ${spec.workflow ?? "the firm"}`,
        },
      ];
    }
    case "stale-source": {
      const sources = await sourceFreshness(db, rule.tenantId, now);
      return sources
        .filter((s) => !spec.source || s.source === spec.source)
        .map((s) => ({
          subject: s.source,
          firing: s.stale,
          value: s.ageMinutes,
          summary:
            s.ageMinutes === null
              ? `Source ${s.source} has never synced (SLA ${s.slaMinutes} min)`
              : `Source ${s.source} is ${fmt(s.ageMinutes)} min old (SLA ${s.slaMinutes} min)`,
        }));
    }
    case "exceptions-past-sla": {
      const rows = await exceptionsPastSla(db, rule.tenantId, from, now);
      return rows
        .filter((r) => !spec.workflow || r.workflow === spec.workflow)
        .map((r) => ({
          subject: r.workflow,
          firing: r.pastSla >= spec.minCount,
          value: r.pastSla,
          summary:
            r.pastSla === 0
              ? `No open exceptions past SLA in ${r.workflow}`
              : `${r.pastSla} open exception(s) past the ${r.slaMinutes}-min SLA in ${r.workflow}, oldest ${fmt(r.oldestMinutes ?? 0)} min`,
        }));
    }
    case "milestone": {
      const result = await runMetric(db, "milestones", { tenantId: rule.tenantId, ...scope, asOf: now });
      const wanted = new Set<string>(spec.statuses);
      return milestoneStatuses(result)
        .filter((m) => m.status !== "no_data")
        .map((m) => ({
          subject: m.subject,
          firing: wanted.has(m.status),
          value: null,
          summary: `Milestone ${m.subject} is ${m.status.replace("_", " ")}`,
        }));
    }
    case "ingest-rejects": {
      const { accepted, rejected } = await ingestRejects(db, rule.tenantId, from, now);
      const total = accepted + rejected;
      const share = total > 0 ? rejected / total : 0;
      const firing = total >= spec.minSpans && share > spec.share;
      return [
        {
          subject: "ingest",
          firing,
          value: share,
          summary: `Ingest rejected ${rejected} of ${total} spans (${(share * 100).toFixed(1)}%, threshold ${(spec.share * 100).toFixed(1)}%)`,
        },
      ];
    }
  }
}
