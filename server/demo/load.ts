import { z } from "zod";
import { assertIdentifier, type Db } from "@/clickhouse/client";
import { commitBatch } from "@/ingest/commit";
import { demoBusinessFigures } from "@/ingest/demo/business-figures";
import { DEMO_FIRMS, type DemoFirm } from "@/ingest/demo/firms";
import { dayStart, generateFirm } from "@/ingest/demo/generate";
import { withPilotTrap } from "@/ingest/demo/pilot-trap";
import { loadAnomalyWorkflow } from "@/ingest/demo/anomaly-workflow";
import { audit } from "@/server/audit";
import { lockBaseline } from "@/server/baseline/lock";
import { auditedLockYear } from "@/server/business/business-figures";
import { createTenant, tenantBySlug } from "@/server/tenants";
import { loadDemoControl } from "./load-control";

export const DEMO_SEED = 20_240_601;

export interface DemoLoadResult {
  tenants: { slug: string; tenantId: string; runs: number; steps: number; sourceSyncs: number; skipped: boolean }[];
}

function toDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

async function writeConfig(db: Db, tenantId: string, firm: DemoFirm, anchor: Date): Promise<void> {
  await db.insert(
    "workflows",
    withPilotTrap(firm).map((w) => ({
      tenant_id: tenantId,
      workflow: w.workflow,
      display_name: w.displayName,
      go_live_date: toDate(dayStart(anchor, w.goLiveDaysAgo)),
      hourly_cost: w.hourlyCost,
      currency: firm.currency,
      review_sla_minutes: w.reviewSlaMinutes,
      exception_sla_minutes: w.exceptionSlaMinutes,
      targets: JSON.stringify(w.targets),
      approved_models: JSON.stringify(w.approvedModels),
      platform_cost_monthly: w.platformCostMonthly,
      implementation_cost: w.implementationCost,
      updated_by: "demo",
    })),
  );
  await db.insert(
    "sources",
    firm.sources.map((s) => ({
      tenant_id: tenantId,
      source: s.source,
      display_name: s.displayName,
      kind: s.kind,
      freshness_sla_minutes: s.freshnessSlaMinutes,
      updated_by: "demo",
    })),
  );
  const declared = firm.workflows.filter((w) => w.declared);
  await db.insert(
    "declared_baselines",
    declared.map((w) => ({
      tenant_id: tenantId,
      workflow: w.workflow,
      declared_id: `${w.workflow}-time-study`,
      minutes_per_run: w.declared?.minutesPerRun,
      minutes_by_role: JSON.stringify(w.declared?.byRole ?? {}),
      runs_per_month: w.declared?.runsPerMonth,
      exception_share: w.declared?.exceptionShare,
      cycle_hours: w.baselineCycleHours,
      method: w.declared?.method,
      author: w.declared?.author,
      study_date: toDate(dayStart(anchor, w.goLiveDaysAgo + 30)),
      created_by: "demo",
    })),
  );
}

/** Loads one demo firm as a new tenant, through the same commit path the collectors use. */
async function loadFirm(db: Db, firm: DemoFirm, anchor: Date, log: (l: string) => void) {
  const tenant = await createTenant(db, { slug: firm.slug, name: firm.name });
  await writeConfig(db, tenant.tenant_id, firm, anchor);
  let runs = 0;
  let steps = 0;
  let sourceSyncs = 0;
  let chunkNo = 0;
  for (const chunk of generateFirm(firm, { tenantId: tenant.tenant_id, anchor, seed: DEMO_SEED })) {
    await commitBatch(db, chunk.batch, { dedupToken: `demo:${tenant.tenant_id}:${chunkNo++}` });
    if (chunk.actions.length) await db.insert("exception_actions", chunk.actions);
    runs += chunk.batch.runs?.length ?? 0;
    steps += chunk.batch.steps?.length ?? 0;
    sourceSyncs += chunk.batch.sourceSyncs?.length ?? 0;
  }
  runs += await loadDemoControl(db, tenant.tenant_id, firm, anchor, DEMO_SEED);
  if (firm.slug === "demo") runs += await loadAnomalyWorkflow(db, tenant.tenant_id, anchor, DEMO_SEED);
  // Freeze each baseline at its go-live, as an admin setting the go-live date would.
  for (const w of withPilotTrap(firm)) {
    await lockBaseline(db, { tenantId: tenant.tenant_id, workflow: w.workflow, goLiveDate: toDate(dayStart(anchor, w.goLiveDaysAgo)), actor: "demo" });
  }
  // Two years of monthly business figures, and the year before the first go-live locked as their baseline.
  const figures = demoBusinessFigures(firm, { tenantId: tenant.tenant_id, anchor, seed: DEMO_SEED });
  await commitBatch(db, { businessPoints: figures.rows }, { dedupToken: `demo:${tenant.tenant_id}:business` });
  await auditedLockYear(db, { tenantId: tenant.tenant_id, from: figures.baselineFrom, method: "before-go-live", reason: "the twelve months before the first go-live (demo)", actor: "demo" });
  await audit(db, { tenantId: tenant.tenant_id, actorId: "system", kind: "system", action: "demo.load", result: "ok", detail: `${runs} runs, ${steps} steps, ${sourceSyncs} source syncs` });
  log(`demo tenant ${firm.slug}: ${runs} runs, ${steps} steps, ${sourceSyncs} source syncs`);
  return { slug: firm.slug, tenantId: tenant.tenant_id, runs, steps, sourceSyncs, skipped: false };
}

/** Loads the demo tenants that are missing; an existing demo tenant is left as it is. */
export interface DemoOptions {
  log?: (l: string) => void;
  anchor?: Date;
  /** The firms to load; tests pass smaller ones. */
  firms?: DemoFirm[];
}

export async function ensureDemo(db: Db, options: DemoOptions = {}): Promise<DemoLoadResult> {
  const log = options.log ?? (() => undefined);
  const anchor = options.anchor ?? new Date();
  const tenants: DemoLoadResult["tenants"] = [];
  for (const firm of options.firms ?? DEMO_FIRMS) {
    const existing = await tenantBySlug(db, firm.slug);
    if (existing) {
      tenants.push({ slug: firm.slug, tenantId: existing.tenant_id, runs: 0, steps: 0, sourceSyncs: 0, skipped: true });
      continue;
    }
    log(`loading demo tenant ${firm.slug}…`);
    tenants.push(await loadFirm(db, firm, anchor, log));
  }
  return { tenants };
}

/**
 * Replaces the demo tenants with freshly generated ones (dated to today). Their old rows are deleted
 * from every table that has a tenant_id, except the audit log, which keeps the trail.
 */
export async function reloadDemo(db: Db, options: DemoOptions = {}): Promise<DemoLoadResult> {
  const log = options.log ?? (() => undefined);
  const tables = await db.query(
    `SELECT DISTINCT c.table AS name FROM system.columns c
     INNER JOIN system.tables t ON t.database = c.database AND t.name = c.table
     WHERE c.database = currentDatabase() AND c.name = 'tenant_id' AND t.engine LIKE '%MergeTree' AND c.table != 'audit_log'`,
    {},
    z.object({ name: z.string() }),
  );
  for (const firm of options.firms ?? DEMO_FIRMS) {
    const existing = await tenantBySlug(db, firm.slug);
    if (!existing) continue;
    log(`removing demo tenant ${firm.slug}…`);
    for (const t of tables) {
      await db.command(`DELETE FROM ${assertIdentifier(t.name)} WHERE tenant_id = {t:String}`, { t: existing.tenant_id });
    }
    await audit(db, { tenantId: existing.tenant_id, actorId: "system", kind: "system", action: "demo.remove", result: "ok" });
  }
  return ensureDemo(db, options);
}
