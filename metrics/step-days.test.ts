import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { deleteMarkingRuns } from "@/clickhouse/run-marks";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { StepRow } from "@/ingest/rows";
import { settleRunFacts } from "./run-facts";
import { dayString } from "./scope";
import { daysAgo } from "./testing";

/**
 * Step figures kept by day (step-days.ts) must give what the definition gives from the raw steps: each
 * step once, at its latest delivery, on that delivery's day, in its phase. Expected rows are by hand.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const step = (tenant: string, span: string, extra: Partial<StepRow> = {}): StepRow => ({
  tenant_id: tenant, workflow: "intake", run_id: "r1", span_id: span, step: "draft", actor: "ai", phase: "live",
  start_time: daysAgo(4), end_time: daysAgo(4, 13), request_model: "m-a", data_classification: "phi",
  prompt_version: "p1", model_version: "v1", ...extra,
});

const row = z.object({
  phase: z.string(), day: z.string(), ai: z.coerce.number(), model: z.string(), classification: z.string(), pv: z.string(), mv: z.string(),
  steps: z.coerce.number(), review_required: z.coerce.number(), reviews: z.coerce.number(), corrected: z.coerce.number(),
});

/** The tenant's non-empty rows as `phase day ai model class prompt model-version: steps required reviews corrected`. */
async function figures(db: Db, tenant: string): Promise<string[]> {
  await settleRunFacts(db, tenant);
  const rows = await db.query(
    `SELECT toString(phase) AS phase, toString(day) AS day, ai, model, classification, prompt_version AS pv, model_version AS mv,
            steps, review_required, reviews, corrected
     FROM step_days FINAL WHERE tenant_id = {tenant:String} AND steps > 0`,
    { tenant },
    row,
  );
  return rows.map((r) => `${r.phase} ${r.day} ${r.ai} ${r.model} ${r.classification} ${r.pv} ${r.mv}: ${r.steps} ${r.review_required} ${r.reviews} ${r.corrected}`).sort();
}

const day = (n: number) => dayString(daysAgo(n));

describe("step figures by day", () => {
  it("counts each step once at its latest delivery: day, actor, model and review as last sent", async () => {
    const db = await testDb();
    const t = freshTenant();
    await commitBatch(db, {
      steps: [
        step(t, "s1"),
        step(t, "s2", { response_model: "m-b", review_required: 1 }),
        step(t, "s3"),
        step(t, "rv", { actor: "human", step: "review", review_outcome: "approved", request_model: "", data_classification: "phi", prompt_version: "", model_version: "" }),
        step(t, "b1", { phase: "baseline", actor: "human", request_model: "", prompt_version: "", model_version: "" }),
      ],
    });
    // By hand: s1 and s3 on m-a, s2 on its response model m-b (needing review); a person's review keeps
    // no model or class; the baseline step is its own phase.
    expect(await figures(db, t)).toEqual(
      [
        `live ${day(4)} 1 m-a phi p1 v1: 2 0 0 0`,
        `live ${day(4)} 1 m-b phi p1 v1: 1 1 0 0`,
        `live ${day(4)} 0    : 1 0 1 0`,
        `baseline ${day(4)} 0    : 1 0 0 0`,
      ].sort(),
    );
    await sleep(5);
    await commitBatch(db, {
      steps: [
        step(t, "s1", { start_time: daysAgo(2), end_time: daysAgo(2, 13), prompt_version: "p2" }), // resent onto another day, new prompt
        step(t, "s2", { request_model: "m-c" }), // resent without its response model nor review: m-c
        step(t, "s3", { actor: "human" }), // resent as a person's step
        step(t, "rv", { actor: "human", step: "review", review_outcome: "corrected", request_model: "", prompt_version: "", model_version: "" }),
      ],
    });
    // By hand: day 4 keeps s2 (now m-c, no review required), s3 as a person's step (prompt p1, v1), and
    // the review now correcting; s1 moved to day 2 with p2; m-b is gone.
    expect(await figures(db, t)).toEqual(
      [
        `live ${day(4)} 1 m-c phi p1 v1: 1 0 0 0`,
        `live ${day(4)} 0   p1 v1: 1 0 0 0`,
        `live ${day(4)} 0    : 1 0 1 1`,
        `live ${day(2)} 1 m-a phi p2 v1: 1 0 0 0`,
        `baseline ${day(4)} 0    : 1 0 0 0`,
      ].sort(),
    );
  });

  it("recounts the day a step left when it alone is resent onto another day", async () => {
    const db = await testDb();
    const t = freshTenant();
    await commitBatch(db, { steps: [step(t, "m1"), step(t, "m2", { run_id: "r2" })] });
    expect(await figures(db, t)).toEqual([`live ${day(4)} 1 m-a phi p1 v1: 2 0 0 0`]);
    // Long after: the first writes' marks are past the settlement's overlap (as if expired).
    await db.command("DELETE FROM run_facts_dirty WHERE tenant_id = {t:String}", { t });
    // Only m1 is written: its new day is marked, its old one only through its run.
    await commitBatch(db, { steps: [step(t, "m1", { start_time: daysAgo(2), end_time: daysAgo(2, 13) })] });
    expect(await figures(db, t)).toEqual([`live ${day(4)} 1 m-a phi p1 v1: 1 0 0 0`, `live ${day(2)} 1 m-a phi p1 v1: 1 0 0 0`].sort());
  });

  it("drops the steps a marked deletion removed, and a whole derivation gives the same rows", async () => {
    const db = await testDb();
    const t = freshTenant();
    await db.insert("steps", [step(t, "x1"), step(t, "x2", { start_time: daysAgo(3), end_time: daysAgo(3, 13) })].map((s) => ({ ...s, origin: "import", import_id: "i1" })));
    await commitBatch(db, { steps: [step(t, "kept", { run_id: "r2", review_required: 1 })] });
    expect(await figures(db, t)).toEqual([`live ${day(4)} 1 m-a phi p1 v1: 2 1 0 0`, `live ${day(3)} 1 m-a phi p1 v1: 1 0 0 0`].sort());
    const where = "tenant_id = {tenant:String} AND origin = 'import' AND import_id = {importId:String}";
    await deleteMarkingRuns(db, where, { tenant: t, importId: "i1" }, async () => {
      await db.command(`DELETE FROM steps WHERE ${where}`, { tenant: t, importId: "i1" });
    });
    const after = [`live ${day(4)} 1 m-a phi p1 v1: 1 1 0 0`];
    expect(await figures(db, t)).toEqual(after);
    // Forget the settlement: the next one derives the tenant whole, from the raw steps alone.
    await db.command("DELETE FROM run_facts_settled WHERE tenant_id = {t:String}", { t });
    await db.command("DELETE FROM step_days WHERE tenant_id = {t:String}", { t });
    expect(await figures(db, t)).toEqual(after);
  });
});
