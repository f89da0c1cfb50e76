import type { Db } from "@/clickhouse/client";
import { OUTCOMES, OUTCOME_KEYS, type OutcomeKey } from "@/metrics/business-outcome-defs";
import { type TargetKind, targetKind } from "@/metrics/business-target";
import { businessTargets } from "@/metrics/business-targets";
import type { BusinessMilestonesResult } from "@/metrics/registry";
import { cachedMetric } from "./cached-metric";
import { computedAtOf } from "./progress";

export interface OutcomeTarget {
  outcome: OutcomeKey;
  title: string;
  better: "higher" | "lower";
  kind: TargetKind;
  /** The signed change to reach, as a fraction; null when none is set. */
  target: number | null;
  updated_by: string | null;
  updated_at: string | null;
}

/** Every business outcome, in definition order, with its current target or none: what the Settings form edits. */
export async function businessTargetList(db: Db, tenantId: string): Promise<OutcomeTarget[]> {
  const stored = await businessTargets(db, tenantId);
  return OUTCOME_KEYS.map((outcome) => {
    const s = stored.find((t) => t.outcome === outcome);
    return { outcome, title: OUTCOMES[outcome].title, better: OUTCOMES[outcome].better, kind: s?.kind ?? targetKind(outcome), target: s?.target ?? null, updated_by: s?.updated_by ?? null, updated_at: s?.updated_at ?? null };
  });
}

/** The firm-wide lagging checkpoints scorecard, with the time it was computed. */
export async function laggingCheckpoints(db: Db, tenantId: string): Promise<BusinessMilestonesResult & { computedAt: string | null }> {
  // The registry returns its union type; "business-milestones" names exactly one member of it.
  const r = (await cachedMetric(db, "business-milestones", { tenantId, workflows: null })) as BusinessMilestonesResult;
  return { ...r, computedAt: computedAtOf(r) };
}
