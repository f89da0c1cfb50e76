import type { Db } from "@/clickhouse/client";
import { sourceLags } from "@/metrics/source-lag";

export interface SourceFreshness {
  source: string;
  slaMinutes: number;
  /** The source's last point (metrics/source-lag.ts); null when the source never delivered one. */
  lastFresh: Date | null;
  ageMinutes: number | null;
  stale: boolean;
}

/**
 * Sources with a freshness SLA and how fresh they are at `now`: the freshness metric's own definition
 * (metrics/source-lag.ts), so an alert fires exactly when the dashboard shows the source breached.
 * `workflows` is a reader's information barrier; null = every source.
 */
export async function sourceFreshness(db: Db, tenantId: string, now: Date, workflows: string[] | null = null): Promise<SourceFreshness[]> {
  // Behind a barrier, only the sources the member's workflows read (as on the Sources page).
  const lags = await sourceLags(db, { tenant: tenantId, all_wf: workflows === null ? 1 : 0, wfs: workflows ?? [] }, now);
  return lags.flatMap((l) =>
    l.sla_minutes === null
      ? []
      : [{ source: l.source, slaMinutes: l.sla_minutes, lastFresh: l.last_at, ageMinutes: l.lag_minutes, stale: l.breach === true }],
  );
}
