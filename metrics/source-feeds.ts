import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { memoRead } from "@/clickhouse/read-memo";
import { SCOPE_SQL } from "./scope";
import { sourceLags } from "./source-lag";

/**
 * Which sources feed which workflows (docs/metrics.md, "Freshness"), the one definition the stale-source
 * banner and the tiles' badges use. A source **feeds** a workflow when it has delivered that workflow's
 * spans: a sync of the source shares a trace with a run or step of the workflow, or a data-access event
 * of the workflow's trace names the source (the workflow read from it). Only workflows in scope are
 * named, so a member behind a barrier learns nothing of the others.
 */
const SYNC_TRACES = `SELECT trace_id FROM source_syncs WHERE tenant_id = {tenant:String} AND trace_id != ''`;
const FEEDS_SQL = `
  SELECT DISTINCT source, workflow FROM (
    SELECT toString(source) AS source, toString(workflow) AS workflow FROM data_access_events
    WHERE ${SCOPE_SQL} AND source != '' AND workflow != ''
    UNION ALL
    SELECT toString(s.source) AS source, toString(t.workflow) AS workflow
    FROM (SELECT DISTINCT source, trace_id FROM source_syncs WHERE tenant_id = {tenant:String} AND trace_id != '') AS s
    GLOBAL INNER JOIN (
      SELECT DISTINCT workflow, trace_id FROM runs WHERE ${SCOPE_SQL} AND trace_id GLOBAL IN (${SYNC_TRACES})
      UNION DISTINCT
      SELECT DISTINCT workflow, trace_id FROM steps WHERE ${SCOPE_SQL} AND trace_id GLOBAL IN (${SYNC_TRACES})
    ) AS t ON t.trace_id = s.trace_id
  )
  ORDER BY source, workflow`;

const feedRow = z.object({ source: z.string(), workflow: z.string() });

type ScopeParams = { tenant: string; all_wf: 0 | 1; wfs: string[] };

/**
 * The workflows each source feeds, among the workflows in scope. Every page's stale-source banner asks,
 * and the answer reads a tenant's spans: remembered until this process writes a table it reads, and
 * for 30 seconds at most, the longest another process's writes go unseen (clickhouse/read-memo.ts).
 */
export async function sourceFeeds(db: Db, params: ScopeParams): Promise<Map<string, string[]>> {
  const key = `feeds|${params.tenant}|${params.all_wf}|${params.wfs.join(",")}`;
  const rows = await memoRead(db, key, ["data_access_events", "source_syncs", "runs", "steps"], 30_000, () => db.query(FEEDS_SQL, params, feedRow));
  const feeds = new Map<string, string[]>();
  for (const r of rows) feeds.set(r.source, [...(feeds.get(r.source) ?? []), r.workflow]);
  return feeds;
}

export interface StaleSource {
  source: string;
  sla_minutes: number | null;
  lag_minutes: number | null;
  /** ISO time of the source's last point, null when it never delivered. */
  last_at: string | null;
  /** The workflows in scope it feeds: a figure over any of them depends on it. */
  workflows: string[];
}

/** The sources in scope that are behind their SLA as of `asOf` (source-lag.ts's breach), with the workflows they feed. */
export async function staleSources(db: Db, params: ScopeParams, asOf: Date): Promise<StaleSource[]> {
  const [lags, feeds] = await Promise.all([sourceLags(db, params, asOf), sourceFeeds(db, params)]);
  return lags
    .filter((l) => l.breach === true)
    .map((l) => ({ source: l.source, sla_minutes: l.sla_minutes, lag_minutes: l.lag_minutes, last_at: l.last_at?.toISOString() ?? null, workflows: feeds.get(l.source) ?? [] }));
}

/** The stale sources a figure over `workflows` depends on: those feeding at least one of them. */
export function staleFeeding(stale: readonly StaleSource[], workflows: readonly string[]): StaleSource[] {
  return stale.filter((s) => s.workflows.some((w) => workflows.includes(w)));
}
