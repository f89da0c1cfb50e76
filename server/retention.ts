import { z } from "zod";
import { type Db, assertIdentifier } from "@/clickhouse/client";
import type { Env } from "./env";

/**
 * Retention of live data, applied to the tables' own TTLs so ClickHouse expires rows in its merges.
 *
 * Raw telemetry keeps at least 400 days by default: the 12-month milestone evaluates the trailing 30
 * days at go-live + 365 (DESIGN.md §3.8, §5), so a shorter retention silently breaks it. A firm whose
 * data-minimisation policy demands less can force it (PLUMBLINE_RETENTION_FORCE=1), knowing that.
 * Rollups are kept at least as long as raw data, since dashboards read them instead of raw rows.
 * Baseline-phase rows keep their exemption (`DELETE WHERE phase != 'baseline'`): they are the locked
 * baseline's evidence. Manual-phase rows (issue 27) expire with the live ones: the tables were created
 * with `phase = 'live'`, which kept them for ever, and applyRetention rewrites that exemption. The audit
 * log keeps its own 7-year TTL, and short operational sweeps
 * (staging, deduplication ledgers, under 30 days) and the scorecards computed ahead (a cache of
 * results, 30 days) are not retention and are left alone.
 */
export const MIN_RAW_DAYS = 400;
const SWEEP_DAYS = 30;
const UNTOUCHED = new Set(["audit_log", "audit_log_local", "scorecards", "scorecards_local"]);

export interface RetentionConfig {
  rawDays: number;
  rollupDays: number;
  cluster?: string;
}

export class RetentionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RetentionError";
  }
}

/** Reads and checks the retention settings; a too-short retention fails the start with the reason. */
export function retentionConfig(e: Env): RetentionConfig {
  const rawDays = e.PLUMBLINE_RAW_RETENTION_DAYS;
  const rollupDays = e.PLUMBLINE_ROLLUP_RETENTION_DAYS;
  if (!e.PLUMBLINE_RETENTION_FORCE) {
    if (rawDays < MIN_RAW_DAYS) {
      throw new RetentionError(
        `PLUMBLINE_RAW_RETENTION_DAYS=${rawDays} is below ${MIN_RAW_DAYS}: 12-month milestones need a year plus ` +
          `their trailing window. Set PLUMBLINE_RETENTION_FORCE=1 to accept that.`,
      );
    }
    if (rollupDays < rawDays) {
      throw new RetentionError(
        `PLUMBLINE_ROLLUP_RETENTION_DAYS=${rollupDays} is shorter than the raw retention (${rawDays}): a rollup ` +
          `would cover less than the data it summarises. Set PLUMBLINE_RETENTION_FORCE=1 to accept that.`,
      );
    }
  }
  return { rawDays, rollupDays, cluster: e.CLICKHOUSE_CLUSTER };
}

/** One table's single-clause TTL as ClickHouse prints it: `TTL day + toIntervalDay(1830) WHERE phase = 'live'`. */
const TTL_CLAUSE = /\bTTL (.+?) \+ toIntervalDay\((\d+)\)(?: WHERE (.+?))?(?= SETTINGS |$)/;

export interface TableTtl {
  table: string;
  expr: string;
  days: number;
  where?: string;
}

export function parseTtl(table: string, engineFull: string): TableTtl | undefined {
  const m = TTL_CLAUSE.exec(engineFull);
  if (!m?.[1] || !m[2]) return undefined;
  return { table, expr: m[1], days: Number(m[2]), ...(m[3] ? { where: m[3] } : {}) };
}

export type RetentionClass = "raw" | "rollup" | "untouched";

/** Rollups follow STYLE.md's naming (`<entity>_<grain>`, daily here); in a cluster the physical table ends in `_local`. */
export function classify(t: TableTtl): RetentionClass {
  if (UNTOUCHED.has(t.table) || t.days < SWEEP_DAYS) return "untouched";
  return /_daily(_local)?$/.test(t.table) ? "rollup" : "raw";
}

export async function tableTtls(db: Db): Promise<TableTtl[]> {
  const rows = await db.query(
    `SELECT name, engine_full FROM system.tables
     WHERE database = currentDatabase() AND engine_full LIKE '%TTL %' AND NOT is_temporary ORDER BY name`,
    {},
    z.object({ name: z.string(), engine_full: z.string() }),
  );
  return rows.flatMap((r) => parseTtl(r.name, r.engine_full) ?? []);
}

export interface RetentionChange {
  table: string;
  from: number;
  to: number;
  /** Set when the exemption changed too: the condition rows must meet to expire. */
  where?: string;
}

/** Exemptions rewritten: only baseline rows are kept past the retention (see above). */
const EXEMPTIONS = new Map([["phase = 'live'", "phase != 'baseline'"]]);

/**
 * Sets every raw and rollup table's TTL to the configured days where it differs, keeping each table's
 * time expression and its `WHERE` exemption. Idempotent: called once at every start after migrate.
 */
export async function applyRetention(
  db: Db,
  config: RetentionConfig,
  log: (line: string) => void = () => undefined,
): Promise<RetentionChange[]> {
  const changes: RetentionChange[] = [];
  for (const t of await tableTtls(db)) {
    const kind = classify(t);
    if (kind === "untouched") continue;
    const days = kind === "raw" ? config.rawDays : config.rollupDays;
    const exempt = t.where === undefined ? undefined : (EXEMPTIONS.get(t.where) ?? t.where);
    if (t.days === days && exempt === t.where) continue;
    // The expression and condition are ClickHouse's own rendering of our schema, never user input.
    const on = config.cluster ? ` ON CLUSTER \`${config.cluster.replace(/`/g, "")}\`` : "";
    const where = exempt ? ` DELETE WHERE ${exempt}` : "";
    await db.command(`ALTER TABLE ${assertIdentifier(t.table)}${on} MODIFY TTL ${t.expr} + INTERVAL ${days} DAY${where}`);
    changes.push({ table: t.table, from: t.days, to: days, ...(exempt !== t.where ? { where: exempt } : {}) });
    log(`retention: ${t.table} ${t.days} → ${days} days${exempt !== t.where ? `, expiring rows where ${exempt}` : ""}`);
  }
  return changes;
}
