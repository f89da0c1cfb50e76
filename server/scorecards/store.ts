import { z } from "zod";
import { fromClickHouseTime, toClickHouseTime, type Db } from "@/clickhouse/client";
import { MOMENT_MS, memoRead } from "@/clickhouse/read-memo";
import type { MetricInput, MetricKey, MetricResult } from "@/metrics/registry";

/** A stored scorecard (migration 0170): one metric's result for a tenant and one set of inputs. */
export interface StoredScorecard {
  result: MetricResult;
  fingerprint: string;
  computedAt: Date;
}

/**
 * The inputs a result depends on, apart from the tenant, as one stable string: the key of the
 * in-process cache and of the stored row. Dates are written as ISO times; absent fields as null.
 */
export function inputsKey(input: MetricInput): string {
  const iso = (d: Date | undefined) => (d ? d.toISOString() : null);
  return JSON.stringify({
    workflow: input.workflow ?? null,
    workflows: input.workflows ?? null,
    phase: input.phase ?? null,
    from: iso(input.from),
    to: iso(input.to),
    asOf: iso(input.asOf),
    grain: input.grain ?? null,
  });
}

/**
 * What a tenant's scorecards are computed from besides the spans: its settings, workflow settings,
 * sources, baseline locks, declared baselines and baseline imports, and the business outcomes' targets,
 * baseline-year locks and monthly imports. Each is append-only or versioned
 * by time, so a lock, an import or a settings change (from the web or the CLI, in any process) changes
 * this string, and a scorecard computed before it is not served again.
 */
const FINGERPRINT_PARTS: [table: string, changedAt: string][] = [
  ["tenants", "updated_at"],
  ["workflows", "updated_at"],
  ["sources", "updated_at"],
  ["baseline_locks", "locked_at"],
  ["declared_baselines", "created_at"],
  ["baseline_imports", "imported_at"],
  ["business_targets", "updated_at"],
  ["business_baseline_locks", "locked_at"],
  ["business_imports", "imported_at"],
];
const FINGERPRINT_TABLES = FINGERPRINT_PARTS.map(([table]) => table);
// One row per part, read side by side in one pipeline: as scalar subqueries of one SELECT they ran one
// after another (24–30 ms on the demo against 12 ms).
const FINGERPRINT_SQL = FINGERPRINT_PARTS.map(
  ([table, at], i) => `SELECT ${i} AS part, toString(tuple(count(), max(${at}))) AS f FROM ${table} WHERE tenant_id = {tenant:String}`,
).join("\n  UNION ALL ");
const partRow = z.object({ part: z.coerce.number(), f: z.string() });

/**
 * Every scorecard a page reads asks for its tenant's fingerprint: remembered until this process writes
 * one of its tables, and for a second at most (clickhouse/read-memo.ts).
 */
export function tenantFingerprint(db: Db, tenantId: string): Promise<string> {
  return memoRead(db, `fingerprint|${tenantId}`, FINGERPRINT_TABLES, MOMENT_MS, async () => {
    const rows = await db.query(FINGERPRINT_SQL, { tenant: tenantId }, partRow);
    return rows
      .sort((a, b) => a.part - b.part)
      .map((r) => r.f)
      .join("|");
  });
}

const storedRow = z.object({
  result: z.string().transform((s, ctx) => {
    try {
      return JSON.parse(s) as MetricResult;
    } catch {
      ctx.addIssue({ code: "custom", message: "stored scorecard is not JSON" });
      return z.NEVER;
    }
  }),
  fingerprint: z.string(),
  computed_at: z.string().transform(fromClickHouseTime),
});

/** The newest stored scorecard for these inputs, or null. */
export async function readScorecard(db: Db, tenantId: string, key: MetricKey, inputs: string): Promise<StoredScorecard | null> {
  const [row] = await db.query(
    `SELECT result, fingerprint, toString(computed_at) AS computed_at FROM scorecards
     WHERE tenant_id = {tenant:String} AND metric = {metric:String} AND inputs = {inputs:String}
     ORDER BY computed_at DESC LIMIT 1`,
    { tenant: tenantId, metric: key, inputs },
    storedRow,
  );
  return row ? { result: row.result, fingerprint: row.fingerprint, computedAt: row.computed_at } : null;
}

export async function writeScorecard(
  db: Db,
  tenantId: string,
  key: MetricKey,
  inputs: string,
  card: StoredScorecard & { computeMs: number },
): Promise<void> {
  await db.insert("scorecards", [
    {
      tenant_id: tenantId,
      metric: key,
      inputs,
      fingerprint: card.fingerprint,
      result: JSON.stringify(card.result),
      compute_ms: Math.max(0, Math.round(card.computeMs)),
      computed_at: toClickHouseTime(card.computedAt),
    },
  ]);
}
