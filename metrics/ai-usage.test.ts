import { describe, expect, it } from "vitest";
import { deleteMarkingRuns } from "@/clickhouse/run-marks";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { StepRow } from "@/ingest/rows";
import { aiTokenUsage } from "./ai-usage";
import { addDays, dayString } from "./scope";
import { daysAgo } from "./testing";

/**
 * AI usage, kept by day with the step figures (step-days.ts), must give what the definition gives
 * from the raw steps: each live AI step once, at its latest delivery, on that delivery's day. Expected
 * rows are by hand.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ai = (tenant: string, span: string, extra: Partial<StepRow> = {}): StepRow => ({
  tenant_id: tenant, workflow: "intake", run_id: "r1", span_id: span, step: "draft", actor: "ai", phase: "live",
  start_time: daysAgo(4), end_time: daysAgo(4, 13), request_model: "m-a", input_tokens: 100, output_tokens: 10, ...extra,
});

async function usage(tenant: string) {
  const db = await testDb();
  const rows = await aiTokenUsage(db, { tenant, all_wf: 1, wfs: [] }, daysAgo(30), addDays(daysAgo(0), 1));
  return rows.map((r) => `${r.date} ${r.model} ${r.input}/${r.output}`);
}

const day = (n: number) => dayString(daysAgo(n));

describe("AI usage by day", () => {
  it("counts each AI step once at its latest delivery: model, day and actor as last sent", async () => {
    const db = await testDb();
    const t = freshTenant();
    await commitBatch(db, { steps: [ai(t, "s1"), ai(t, "s2", { response_model: "m-b", input_tokens: 7, output_tokens: 3 }), ai(t, "s3"), ai(t, "s4")] });
    // By hand: s1, s3, s4 on m-a (3 × 100/10), s2 on its response model m-b.
    expect(await usage(t)).toEqual([`${day(4)} m-a 300/30`, `${day(4)} m-b 7/3`]);
    await sleep(5);
    await commitBatch(db, {
      steps: [
        ai(t, "s1", { start_time: daysAgo(2), end_time: daysAgo(2, 13) }), // resent onto another day
        ai(t, "s2", { request_model: "m-c" }), // resent without its response model: m-c
        ai(t, "s3", { actor: "human" }), // resent as a person's step
        ai(t, "s4"), // resent as it was
      ],
    });
    // By hand: day 4 keeps s4 (m-a) and s2 (now m-c); s1 moved to day 2; s3 is no AI step; m-b is gone.
    expect(await usage(t)).toEqual([`${day(4)} m-a 100/10`, `${day(4)} m-c 100/10`, `${day(2)} m-a 100/10`].sort());
  });

  it("recounts the day an AI step left when it alone is resent onto another day", async () => {
    const db = await testDb();
    const t = freshTenant();
    await commitBatch(db, { steps: [ai(t, "m1"), ai(t, "m2", { run_id: "r2" })] });
    expect(await usage(t)).toEqual([`${day(4)} m-a 200/20`]);
    // Long after: the first writes' marks are past the settlement's overlap (as if expired).
    await db.command("DELETE FROM run_facts_dirty WHERE tenant_id = {t:String}", { t });
    await commitBatch(db, { steps: [ai(t, "m1", { start_time: daysAgo(2), end_time: daysAgo(2, 13) })] });
    expect(await usage(t)).toEqual([`${day(4)} m-a 100/10`, `${day(2)} m-a 100/10`].sort());
  });

  it("drops the tokens of steps a marked deletion removed", async () => {
    const db = await testDb();
    const t = freshTenant();
    await db.insert("steps", [ai(t, "x1"), ai(t, "x2", { start_time: daysAgo(3), end_time: daysAgo(3, 13) })].map((s) => ({ ...s, origin: "import", import_id: "i1" })));
    await commitBatch(db, { steps: [ai(t, "kept", { run_id: "r2" })] });
    expect(await usage(t)).toEqual([`${day(4)} m-a 200/20`, `${day(3)} m-a 100/10`].sort());
    const where = "tenant_id = {tenant:String} AND origin = 'import' AND import_id = {importId:String}";
    await deleteMarkingRuns(db, where, { tenant: t, importId: "i1" }, async () => {
      await db.command(`DELETE FROM steps WHERE ${where}`, { tenant: t, importId: "i1" });
    });
    expect(await usage(t)).toEqual([`${day(4)} m-a 100/10`]);
  });
});
