import { describe, expect, it } from "vitest";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { RunRow } from "@/ingest/rows";
import type { ExceptionRateResult } from "./exception-rate";
import { runMetric } from "./registry";
import type { RunFilter } from "./run-filter";
import { type CursorKey, runCursor, runList, runListInput } from "./run-list";
import { dayString } from "./scope";
import { daysAgo, run, step } from "./testing";

const FROM = dayString(daysAgo(10));
const TO = dayString(daysAgo(0));

async function all(t: string, f: RunFilter, workflows: string[] | null = null, limit = 200) {
  return (await runList(await testDb(), { tenantId: t, workflows }, { from: FROM, to: TO, ...f }, { limit })).runs;
}
const ids = (rs: { run_id: string }[]) => rs.map((r) => r.run_id).sort();

describe("run list", () => {
  it("lists each run once with its latest delivery, newest first, and only the caller's workflows", async () => {
    const t = freshTenant();
    const db = await testDb();
    const a = run(t, { at: daysAgo(3) });
    const b = run(t, { at: daysAgo(2) });
    const hidden = run(t, { workflow: "billing", at: daysAgo(1) });
    await commitBatch(db, { runs: [a, b, hidden] });
    // Run a delivered again later, now an exception: one run, with the second delivery's outcome.
    await commitBatch(db, { runs: [{ ...a, outcome: "exception", exception_reason: "late" }] });
    const rs = await all(t, {});
    expect(rs.map((r) => r.run_id)).toEqual([hidden.run_id, b.run_id, a.run_id]);
    expect(rs.find((r) => r.run_id === a.run_id)).toMatchObject({ outcome: "exception", reason: "late", exception: 1 });
    // Behind a barrier that allows only intake, billing's run is not there, filtered or not.
    expect(ids(await all(t, {}, ["intake"]))).toEqual(ids([a, b]));
    expect(await all(t, { workflow: "billing" }, ["intake"])).toEqual([]);
    // A firm-wide figure's link names the workflows it pooled; the barrier still applies to the list.
    expect(ids(await all(t, { workflows: ["billing"] }))).toEqual(ids([hidden]));
    expect(ids(await all(t, { workflows: ["intake", "billing"] }))).toEqual(ids([a, b, hidden]));
    expect(await all(t, { workflows: ["billing"] }, ["intake"])).toEqual([]);
    expect(await all(t, { workflows: [] })).toEqual([]);
  });

  it("filters by outcome, exception, reason and by a step's model, prompt version, actor and classification", async () => {
    const t = freshTenant();
    const db = await testDb();
    const ok = run(t);
    const failed = run(t, { outcome: "failed" });
    const byOutcome = run(t, { outcome: "exception", exception_reason: "missing-doc" });
    const byStep = run(t);
    const unknown = run(t, { outcome: "unknown" });
    const steps = [
      step(t, byStep, { actor: "human", intervention: 1, intervention_reason: "manual-check" }),
      step(t, ok, { actor: "ai", request_model: "gpt-4o", response_model: "gpt-4o-2024", prompt_version: "v7", data_classification: "phi" }),
      step(t, failed, { actor: "ai", request_model: "gpt-4o", prompt_version: "v6" }),
    ];
    await commitBatch(db, { runs: [ok, failed, byOutcome, byStep, unknown], steps });
    expect(ids(await all(t, { outcome: "failed" }))).toEqual(ids([failed]));
    // Exception runs: by outcome, and by an intervention step; the unknown run is in neither list.
    expect(ids(await all(t, { exception: true }))).toEqual(ids([byOutcome, byStep]));
    expect(ids(await all(t, { exception: false }))).toEqual(ids([ok, failed]));
    expect(ids(await all(t, { reason: "manual-check" }))).toEqual(ids([byStep]));
    // The response model is the step's model when recorded, else the requested one.
    expect(ids(await all(t, { model: "gpt-4o-2024" }))).toEqual(ids([ok]));
    expect(ids(await all(t, { model: "gpt-4o" }))).toEqual(ids([failed]));
    expect(ids(await all(t, { actor: "ai" }))).toEqual(ids([ok, failed]));
    expect(ids(await all(t, { promptVersion: "v7", classification: "phi" }))).toEqual(ids([ok]));
    // Both step filters must hold on one step.
    expect(await all(t, { promptVersion: "v6", classification: "phi" })).toEqual([]);
  });

  it("filters by straight through and by rework, as the straight-through and rework rates count them", async () => {
    const t = freshTenant();
    const db = await testDb();
    const untouched = run(t);
    const byHuman = run(t);
    const unknownActor = run(t);
    const repeated = run(t);
    const corrected = run(t);
    const steps = [
      step(t, untouched, { actor: "ai" }),
      step(t, byHuman, { actor: "human" }),
      step(t, unknownActor, { actor: "unknown" }),
      // The same step on two spans is a repeat; one span delivered twice is not.
      step(t, repeated, { actor: "ai", step: "extract", span_id: "r1" }),
      step(t, repeated, { actor: "ai", step: "extract", span_id: "r2" }),
      step(t, corrected, { actor: "ai", step: "draft", review_outcome: "corrected" }),
    ];
    const resent = step(t, untouched, { actor: "ai", step: "file" });
    await commitBatch(db, { runs: [untouched, byHuman, unknownActor, repeated, corrected], steps: [...steps, resent, resent] });
    // Straight through: no person touched it; the unknown actor is in neither list.
    expect(ids(await all(t, { straightThrough: true }))).toEqual(ids([untouched, repeated, corrected]));
    expect(ids(await all(t, { straightThrough: false }))).toEqual(ids([byHuman]));
    expect(ids(await all(t, { rework: true }))).toEqual(ids([repeated, corrected]));
    expect(ids(await all(t, { rework: false }))).toEqual(ids([untouched, byHuman, unknownActor]));
    // The rework rate's own count over the same window agrees with the list.
    const rate = (await runMetric(db, "rework", { tenantId: t, workflow: untouched.workflow, from: new Date(`${FROM}T00:00:00Z`), to: new Date(`${TO}T00:00:00Z`) })) as unknown as { live: { rework_runs: number; runs: number } };
    expect(rate.live).toMatchObject({ rework_runs: 2, runs: 5 });
  });

  it("pages through runs with equal start times by cursor, forward and back, without skipping or repeating", async () => {
    const t = freshTenant();
    const db = await testDb();
    const at = daysAgo(2);
    const runs: RunRow[] = [
      ...["intake", "billing"].flatMap((workflow) => Array.from({ length: 4 }, (_, i) => run(t, { workflow, at, run_id: `same-${i}` }))),
      run(t, { at: daysAgo(4) }),
      run(t, { at: daysAgo(1) }),
    ];
    await commitBatch(db, { runs });
    const who = { tenantId: t, workflows: null };
    const window = { from: FROM, to: TO };
    const pages: Awaited<ReturnType<typeof runList>>[] = [];
    let cursor: CursorKey | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await runList(db, who, window, { cursor, limit: 3 });
      pages.push(page);
      if (!page.next) break;
      cursor = runCursor.parse(page.next);
    }
    const names = (p: { runs: { workflow: string; run_id: string }[] }) => p.runs.map((r) => `${r.workflow}/${r.run_id}`);
    // 10 runs in pages of 3: 4 pages; newest first, equal start times by workflow then run id, descending.
    expect(pages.map((p) => p.runs.length)).toEqual([3, 3, 3, 1]);
    expect(pages.map((p) => p.total)).toEqual([10, 10, 10, 10]);
    const sameOrder = ["intake", "billing"].flatMap((wf) => [3, 2, 1, 0].map((i) => `${wf}/same-${i}`));
    expect(pages.flatMap(names)).toEqual([`intake/${runs[9]!.run_id}`, ...sameOrder, `intake/${runs[8]!.run_id}`]);
    // Back from the third page: the second page again, then the first, which has no previous page.
    const back = await runList(db, who, window, { cursor: runCursor.parse(pages[2]!.prev!), limit: 3 });
    expect(names(back)).toEqual(names(pages[1]!));
    const first = await runList(db, who, window, { cursor: runCursor.parse(back.prev!), limit: 3 });
    expect(names(first)).toEqual(names(pages[0]!));
    expect(first.prev).toBeNull();
  });

  it("refuses a cursor it did not make and an inverted window with a readable message", () => {
    const bad = runListInput.safeParse({ cursor: "not-a-cursor" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/page link is not valid/);
    const inverted = runListInput.safeParse({ from: TO, to: FROM });
    expect(inverted.error?.issues[0]?.message).toMatch(/first day is after the last/);
  });

  it("selects, with exception and reason, exactly the runs the exception rate counts (drill-down consistency)", async () => {
    const t = freshTenant();
    const db = await testDb();
    const runs = Array.from({ length: 36 }, (_, i) =>
      run(t, { at: daysAgo(1 + (i % 5)), ...(i % 6 === 0 ? { outcome: "exception" as const, exception_reason: i % 12 === 0 ? "missing-doc" : "" } : {}), ...(i === 35 ? { outcome: "unknown" as const } : {}) }),
    );
    const steps = [1, 2, 6].map((i) => step(t, runs[i]!, { actor: "human", intervention: 1, intervention_reason: "manual-check" }));
    await commitBatch(db, { runs, steps });
    // Delivered again: counts once in both.
    await commitBatch(db, { runs: [runs[0]!], steps: [steps[0]!] });
    const metric = (await runMetric(db, "exception-rate", { tenantId: t, workflow: "intake", from: new Date(`${FROM}T00:00:00Z`), to: new Date(`${TO}T00:00:00Z`) })) as ExceptionRateResult;
    // By hand: outcome exceptions at i = 0, 6, 12, 18, 24, 30 (6 runs) plus interventions on runs 1 and 2 (run 6 already is one) = 8.
    expect(metric.live.exception_runs).toBe(8);
    const listed = await all(t, { workflow: "intake", phase: "live", exception: true });
    expect(listed.length).toBe(metric.live.exception_runs);
    for (const r of metric.reasons) {
      if (r.reason === "") continue;
      expect((await all(t, { workflow: "intake", phase: "live", exception: true, reason: r.reason })).length, r.reason).toBe(r.runs);
    }
    // missing-doc: i = 0, 12, 24; manual-check: runs 1 and 2 (run 6's own outcome files it under its own, empty, reason).
    expect(metric.reasons.filter((r) => r.reason !== "")).toEqual([
      { reason: "missing-doc", runs: 3 },
      { reason: "manual-check", runs: 2 },
    ]);
  });
});
