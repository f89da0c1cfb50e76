import { createHash } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { fromClickHouseTime } from "@/clickhouse/client";

export interface Episode {
  tenantId: string;
  ruleId: string;
  subject: string;
  episodeId: string;
  seq: number;
  state: "open" | "resolved";
  severity: string;
  openedAt: Date;
  resolvedAt: Date | null;
  openValue: number | null;
  lastValue: number | null;
  summary: string;
  resolveReason: string;
}

const chTime = z.string().transform(fromClickHouseTime);
const episodeRow = z.object({
  tenant_id: z.string(),
  rule_id: z.string(),
  subject: z.string(),
  episode_id: z.string(),
  seq: z.coerce.number(),
  state: z.enum(["open", "resolved"]),
  severity: z.string(),
  opened_at: chTime,
  resolved_at: chTime.nullable(),
  open_value: z.number().nullable(),
  last_value: z.number().nullable(),
  summary: z.string(),
  resolve_reason: z.string(),
});

const toEpisode = (r: z.infer<typeof episodeRow>): Episode => ({
  tenantId: r.tenant_id,
  ruleId: r.rule_id,
  subject: r.subject,
  episodeId: r.episode_id,
  seq: r.seq,
  state: r.state,
  severity: r.severity,
  openedAt: r.opened_at,
  resolvedAt: r.resolved_at,
  openValue: r.open_value,
  lastValue: r.last_value,
  summary: r.summary,
  resolveReason: r.resolve_reason,
});

// Newest row per episode; on a timestamp tie "resolved" wins, so an episode never reopens by accident.
// Aliases differ from column names: ClickHouse would otherwise read \`state\` inside argMax as the alias.
const CURRENT = `
  SELECT tenant_id, rule_id, subject, episode_id, seq, c_state AS state, c_severity AS severity, c_opened AS opened_at,
         c_resolved AS resolved_at, c_open_value AS open_value, c_last_value AS last_value, c_summary AS summary,
         c_reason AS resolve_reason
  FROM (
  SELECT tenant_id, rule_id, subject, episode_id, any(seq) AS seq,
         argMax(state, (updated_at, state)) AS c_state,
         argMax(severity, (updated_at, state)) AS c_severity,
         min(opened_at) AS c_opened,
         argMax(resolved_at, (updated_at, state)) AS c_resolved,
         argMax(open_value, (updated_at, state)) AS c_open_value,
         argMax(last_value, (updated_at, state)) AS c_last_value,
         argMax(summary, (updated_at, state)) AS c_summary,
         argMax(resolve_reason, (updated_at, state)) AS c_reason
  FROM alert_episodes
  WHERE tenant_id = {tenant:String} OR {all:UInt8} = 1
  GROUP BY tenant_id, rule_id, subject, episode_id)`;

/**
 * The latest episode of every (rule, subject) that has one: open ones the evaluator must not re-fire,
 * resolved ones for the cool-down. Read from the store each tick, so a restarted evaluator (or a second
 * one) sees exactly what the first wrote.
 */
export async function latestEpisodes(db: Db, tenantId?: string): Promise<Episode[]> {
  const rows = await db.query(
    `SELECT * FROM (${CURRENT}) ORDER BY seq DESC LIMIT 1 BY tenant_id, rule_id, subject`,
    { tenant: tenantId ?? "", all: tenantId ? 0 : 1 },
    episodeRow,
  );
  return rows.map(toEpisode);
}

export interface HistoryQuery {
  ruleId?: string;
  /** Only these rules' episodes (a member's information barrier); omitted = every rule. */
  ruleIds?: readonly string[];
  state?: "open" | "resolved";
  limit?: number;
}

/** The tenant's alert history, newest first (for the tRPC router and `plumbline alerts history`). */
export async function alertHistory(db: Db, tenantId: string, q: HistoryQuery = {}): Promise<Episode[]> {
  const rows = await db.query(
    `SELECT * FROM (${CURRENT})
     WHERE ({rule:String} = '' OR rule_id = {rule:String}) AND ({state:String} = '' OR toString(state) = {state:String})
       AND ({anyRule:UInt8} = 1 OR rule_id IN {rules:Array(String)})
     ORDER BY opened_at DESC LIMIT {limit:UInt32}`,
    {
      tenant: tenantId,
      all: 0,
      rule: q.ruleId ?? "",
      state: q.state ?? "",
      anyRule: q.ruleIds ? 0 : 1,
      rules: [...(q.ruleIds ?? [])],
      limit: Math.min(q.limit ?? 100, 1000),
    },
    episodeRow,
  );
  return rows.map(toEpisode);
}

/** Deterministic: every evaluator computes the same id for the n-th episode of a rule and subject. */
export function episodeIdFor(tenantId: string, ruleId: string, subject: string, seq: number): string {
  return createHash("sha256").update(`${tenantId}\0${ruleId}\0${subject}\0${seq}`).digest("hex").slice(0, 32);
}

export async function writeEpisode(db: Db, e: Episode, at: Date, evaluator: string): Promise<void> {
  await db.insert("alert_episodes", [
    {
      tenant_id: e.tenantId,
      rule_id: e.ruleId,
      subject: e.subject,
      episode_id: e.episodeId,
      seq: e.seq,
      state: e.state,
      severity: e.severity,
      opened_at: e.openedAt,
      resolved_at: e.resolvedAt,
      open_value: e.openValue,
      last_value: e.lastValue,
      summary: e.summary.slice(0, 2000),
      resolve_reason: e.resolveReason,
      evaluator,
      updated_at: at,
    },
  ]);
}

/** Episodes by id, across tenants (resuming interrupted deliveries). */
export async function episodesByIds(db: Db, ids: readonly string[]): Promise<Episode[]> {
  if (ids.length === 0) return [];
  const rows = await db.query(`SELECT * FROM (${CURRENT}) WHERE episode_id IN {ids:Array(String)}`, { tenant: "", all: 1, ids: [...ids] }, episodeRow);
  return rows.map(toEpisode);
}
