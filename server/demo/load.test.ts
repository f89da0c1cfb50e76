import { describe, expect, it } from "vitest";
import { z } from "zod";
import { testDb } from "@/clickhouse/testing";
import { listTenants } from "@/server/tenants";
import { DEMO_FIRMS } from "@/ingest/demo/firms";
import { type CycleTimeResult, type ExceptionRateResult, runMetric } from "@/metrics/registry";
import { OUTCOME_KEYS } from "@/metrics/business-outcome-defs";
import { addMonths } from "@/metrics/business-months";
import { businessOutcomes } from "@/metrics/business-outcomes-report";
import { withPilotTrap } from "@/ingest/demo/pilot-trap";
import { runDefinition } from "@/metrics/define-metric";
import { pilotTrap } from "@/metrics/pilot-trap";
import { ensureDemo, reloadDemo } from "./load";

// The real firms at a tenth of their volume: the same code path, a test that runs in seconds.
const firms = DEMO_FIRMS.map((f) => ({ ...f, workflows: f.workflows.map((w) => ({ ...w, runsPerWeekday: Math.max(1, Math.round(w.runsPerWeekday / 10)) })) }));

const count = z.object({ n: z.coerce.number() });

describe("demo loader", () => {
  it("loads the demo tenants into an empty store through the commit path, once", async () => {
    const db = await testDb();
    const first = await ensureDemo(db, { firms });
    const demo = first.tenants.find((t) => t.slug === "demo");
    expect(demo?.skipped).toBe(false);
    const [runs] = await db.query("SELECT count() AS n FROM runs WHERE tenant_id = {t:String}", { t: demo!.tenantId }, count);
    expect(runs?.n).toBe(demo?.runs);
    // Each generated run once: no run id was stored twice.
    const [distinct] = await db.query("SELECT uniqExact(workflow, run_id) AS n FROM runs WHERE tenant_id = {t:String}", { t: demo!.tenantId }, count);
    expect(distinct?.n).toBe(demo?.runs);

    const locks = await db.query(
      "SELECT workflow, method FROM baseline_locks WHERE tenant_id = {t:String} ORDER BY workflow",
      { t: demo!.tenantId },
      z.object({ workflow: z.string(), method: z.string() }),
    );
    // Every demo workflow with a measured baseline, the pilot-trap workflow among them.
    const measured = withPilotTrap(firms.find((f) => f.slug === "demo")!).filter((w) => w.baselineDays > 0).map((w) => w.workflow).sort();
    expect(locks.map((l) => l.workflow)).toEqual(measured);
    expect(locks.every((l) => l.method === "measured")).toBe(true);

    const second = await ensureDemo(db, { firms });
    expect(second.tenants.every((t) => t.skipped)).toBe(true);
    const [again] = await db.query("SELECT count() AS n FROM runs WHERE tenant_id = {t:String}", { t: demo!.tenantId }, count);
    expect(again?.n).toBe(demo?.runs);

    const reloaded = await reloadDemo(db, { firms });
    const fresh = reloaded.tenants.find((t) => t.slug === "demo");
    expect(fresh?.tenantId).not.toBe(demo?.tenantId);
    const [old] = await db.query("SELECT count() AS n FROM runs WHERE tenant_id = {t:String}", { t: demo!.tenantId }, count);
    expect(old?.n).toBe(0);
    expect((await listTenants(db)).filter((t) => t.slug === "demo")).toHaveLength(1);

    // The overview tells the same story as the workflow pages: the firm-wide figures lie between the
    // comparable workflows' own, which are exactly the workflows the page lists.
    let compared = 0;
    for (const t of reloaded.tenants) {
      const firm = (await runMetric(db, "cycle-time", { tenantId: t.tenantId })) as CycleTimeResult;
      const rate = (await runMetric(db, "exception-rate", { tenantId: t.tenantId })) as ExceptionRateResult;
      const own = [];
      for (const wf of [...firm.workflows.map((w) => w.workflow), ...firm.excluded.map((e) => e.workflow)]) {
        const c = (await runMetric(db, "cycle-time", { tenantId: t.tenantId, workflow: wf })) as CycleTimeResult;
        const e = (await runMetric(db, "exception-rate", { tenantId: t.tenantId, workflow: wf })) as ExceptionRateResult;
        if (c.status === "ok") own.push({ wf, c: c.compression!, e: e.live.exception_rate! });
      }
      expect(firm.workflows.map((w) => w.workflow)).toEqual(own.map((o) => o.wf));
      compared += own.length;
      if (own.length === 0) continue;
      const between = (v: number | null, xs: number[]) => {
        expect(v).not.toBeNull();
        expect(v!).toBeGreaterThanOrEqual(Math.min(...xs) - 1e-4);
        expect(v!).toBeLessThanOrEqual(Math.max(...xs) + 1e-4);
      };
      between(firm.compression, own.map((o) => o.c));
      between(rate.live.exception_rate, own.map((o) => o.e));
      expect(rate.workflows).toEqual(own.map((o) => o.wf));
    }
    expect(compared).toBeGreaterThan(0);

    // The business figures tell their story through the outcome metrics: a locked baseline year, the
    // outcomes the automation feeds moving the right way, and the data error rate not moving.
    const thisMonth = new Date().toISOString().slice(0, 7);
    for (const t of reloaded.tenants) {
      const r = await businessOutcomes(db, { tenantId: t.tenantId, from: addMonths(thisMonth, -12), to: addMonths(thisMonth, -1) });
      expect(r.baseline_year?.version).toBe(1);
      const o = Object.fromEntries(r.outcomes.map((x) => [x.key, x]));
      for (const key of OUTCOME_KEYS) expect(o[key]?.status, `${t.slug} ${key}`).toBe("ok");
      expect(o["intake-conversion"]!.interval![0]).toBeGreaterThan(0);
      expect(o["senior-expert-share"]!.change).toBeGreaterThan(0);
      expect(o["audit-prep-per-audit"]!.change).toBeLessThan(0);
      const flat = o["data-error-rate"]!;
      expect(flat.interval![0]).toBeLessThan(0);
      expect(flat.interval![1]).toBeGreaterThan(0);
    }

    // The pilot-trap detector flags the one demo workflow that falls into the trap, on every sign, and no other.
    for (const t of reloaded.tenants) {
      const trap = await runDefinition(db, pilotTrap, { tenantId: t.tenantId });
      const flagged = trap.workflows.filter((w) => w.flagged).map((w) => w.workflow);
      expect(flagged, t.slug).toEqual(t.slug === "demo" ? ["matter-summary"] : []);
      const signs = trap.workflows.find((w) => w.workflow === "matter-summary")?.signs ?? [];
      if (t.slug === "demo") expect(signs.map((s) => [s.key, s.status])).toEqual(signs.map((s) => [s.key, "flagged"]));
    }
  }, 600_000); // Loads every demo firm into a fresh store: minutes on a busy 2-core machine.
});
