import { describe, expect, it } from "vitest";
import { z } from "zod";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { aiTokenUsage } from "@/metrics/ai-usage";
import type { ComplianceResult } from "@/metrics/compliance";
import { complianceDetail } from "@/metrics/compliance-detail";
import { runMetric } from "@/metrics/registry";
import type { ReworkResult } from "@/metrics/rework";
import { settleRunFacts } from "@/metrics/run-facts";
import { runSetParams, runSetSql } from "@/metrics/run-set";
import { scopeOf } from "@/metrics/scope";
import { exceptionQueue } from "@/server/routers/exception-queue";
import { referenceExceptionItems } from "./exception-items";
import { deliver, pool } from "./harness";
import { replay, roundTo } from "./model";
import { referenceAiUsage, referenceDuplicated, referenceReviewSla, referenceRework, referenceStepCounts } from "./step-figures";
import { generateWorld } from "./world";

/**
 * The step figures kept by day (AI usage, compliance's step counts and review SLA), the rework rate's
 * and the pilot trap's run signs, and the exception items kept per run (the queue's list: which runs,
 * opened when) against the reference model, on generated worlds: steps resent with another actor, model, class or
 * review, some a day later, runs resent onto other days, in-flight runs, retried batches, each
 * delivery settled on its own. Every window of every world, firm-wide.
 */
const SEEDS = Array.from({ length: 6 }, (_, i) => i + 1);

describe("step figures by day agree with the reference model", () => {
  it(`on ${SEEDS.length} seeds, AI usage, compliance's step counts, rework, duplicated steps and exception items in every window`, async () => {
    const db = await testDb();
    const now = new Date();
    const worlds = SEEDS.map((s) => generateWorld(s, freshTenant(), now));
    // Settled after every delivery, with the marks read then forgotten as if the next delivery came
    // long after (beyond the settlement's overlap): each settlement derives only what that delivery
    // marked, as a live feed's do. (Settled once at the end, every tenant would be derived whole.)
    const tenants = worlds.map((w) => w.tenant);
    // Review SLAs of none, 5 and 30 minutes, by workflow: reviews end minutes to an hour after their output.
    const slas = new Map(worlds.map((w) => [w.tenant, new Map(w.workflows.map((wf, i) => [wf, [0, 5, 30][(w.seed + i) % 3]!]))]));
    await db.insert("workflows", worlds.flatMap((w) => [...slas.get(w.tenant)!].map(([workflow, m]) => ({ tenant_id: w.tenant, workflow, review_sla_minutes: m }))));
    await deliver(db, worlds, async () => {
      await pool(tenants, 3, (t) => settleRunFacts(db, t));
      await db.command("DELETE FROM run_facts_dirty WHERE tenant_id IN {tenants:Array(String)}", { tenants });
    });
    const failures: string[] = [];
    let usageRows = 0;
    let reworkRuns = 0;
    let exceptionItems = 0;
    let reviewsWithSla = 0;
    let duplicatedRuns = 0;
    await pool(worlds, 3, async (w) => {
      const store = replay(w);
      for (const win of w.windows) {
        const input = { tenantId: w.tenant, from: win.from, to: win.to, asOf: w.now };
        const scope = scopeOf(input);
        const usage = (await aiTokenUsage(db, scope.params, scope.from, scope.to)).map((r) => `${r.workflow} ${r.date} ${r.model} ${r.input}/${r.output}`).sort();
        const expectedUsage = referenceAiUsage(store, scope.from, scope.to);
        usageRows += expectedUsage.length;
        if (JSON.stringify(usage) !== JSON.stringify(expectedUsage)) failures.push(`seed ${w.seed} ${win.label} AI usage: ${JSON.stringify({ usage, expectedUsage }).slice(0, 600)}`);
        const c = (await runMetric(db, "compliance", input)) as ComplianceResult;
        const actual = {
          ai_steps: c.ai_steps,
          reviews_required: c.reviews_required,
          reviews_done: c.reviews_done,
          guarded: c.policy_violations.by_model.map((v) => `${v.workflow} ${v.classification} ${v.model} ${v.steps}`).sort(),
          reviews_with_sla: c.reviews_with_sla,
          review_sla_adherence: c.review_sla_adherence,
        };
        const sla = referenceReviewSla(store, scope.from, scope.to, slas.get(w.tenant)!);
        reviewsWithSla += sla.with_sla;
        const expected = { ...referenceStepCounts(store, scope.from, scope.to), reviews_with_sla: sla.with_sla, review_sla_adherence: sla.with_sla > 0 ? roundTo(sla.within / sla.with_sla, 4) : null };
        if (JSON.stringify(actual) !== JSON.stringify(expected)) failures.push(`seed ${w.seed} ${win.label} compliance: ${JSON.stringify({ actual, expected }).slice(0, 600)}`);
        // The list behind the violation count: as many steps, under the same keys, with steps resent across the window's edge.
        const listed = new Map<string, number>();
        for (const v of (await complianceDetail(db, scope, c, null)).violations) listed.set(`${v.workflow} ${v.classification} ${v.model}`, (listed.get(`${v.workflow} ${v.classification} ${v.model}`) ?? 0) + 1);
        const list = [...listed].map(([k, n]) => `${k} ${n}`).sort();
        if (JSON.stringify(list) !== JSON.stringify(expected.guarded)) failures.push(`seed ${w.seed} ${win.label} violation list: ${JSON.stringify({ list, counted: expected.guarded }).slice(0, 600)}`);
        const r = (await runMetric(db, "rework", { ...input, phase: "live" })) as ReworkResult;
        const rework = { runs: r.live.runs, rework_runs: r.live.rework_runs };
        const expectedRework = referenceRework(store, scope.from, scope.to);
        reworkRuns += expectedRework.rework_runs;
        if (JSON.stringify(rework) !== JSON.stringify(expectedRework)) failures.push(`seed ${w.seed} ${win.label} rework: ${JSON.stringify({ rework, expectedRework })}`);
        // The pilot trap's sign, as its detector reads it from the run set (pilot-trap.ts).
        const [dup] = await db.query(
          `SELECT count() AS runs, countIf(duplicated = 1) AS duplicated FROM (${runSetSql()})`,
          { ...scope.params, ...runSetParams("live", scope.from, scope.to) },
          z.object({ runs: z.coerce.number(), duplicated: z.coerce.number() }),
        );
        const expectedDup = referenceDuplicated(store, scope.from, scope.to);
        duplicatedRuns += expectedDup.duplicated;
        if (JSON.stringify(dup) !== JSON.stringify(expectedDup)) failures.push(`seed ${w.seed} ${win.label} duplicated: ${JSON.stringify({ dup, expectedDup })}`);
        const window = { params: scope.params, from: scope.from, to: scope.to, asOf: w.now };
        const queue = await exceptionQueue(db, { window, states: ["new", "acknowledged", "assigned", "resolved"], limit: null });
        const items = queue.map((q) => `${q.workflow} ${q.run_id} ${q.opened_at}`).sort();
        const expectedItems = referenceExceptionItems(store, scope.from, scope.to, w.now);
        exceptionItems += expectedItems.length;
        if (JSON.stringify(items) !== JSON.stringify(expectedItems)) failures.push(`seed ${w.seed} ${win.label} exception items: ${JSON.stringify({ items, expectedItems }).slice(0, 600)}`);
      }
    });
    expect(failures.slice(0, 5), `${failures.length} windows disagree`).toEqual([]);
    // Nothing compared would mean the worlds carry no AI steps or no reworked runs.
    expect(usageRows).toBeGreaterThan(SEEDS.length);
    expect(reworkRuns).toBeGreaterThan(SEEDS.length);
    expect(exceptionItems).toBeGreaterThan(SEEDS.length);
    expect(reviewsWithSla).toBeGreaterThan(SEEDS.length);
    expect(duplicatedRuns).toBeGreaterThan(SEEDS.length);
  }, 600_000);
});
