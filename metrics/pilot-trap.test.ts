import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import type { RunRow, StepRow } from "@/ingest/rows";
import { runDefinition } from "./define-metric";
import { type PilotTrapResult, type PilotTrapWorkflow, pilotTrap } from "./pilot-trap";
import { addDays, dayString } from "./scope";
import { TODAY, lockForTest, run, step } from "./testing";

/**
 * Weeks are aligned on Mondays so each week's counts can be written down: go-live is the Monday five
 * weeks before this week's (week 0), and the window is weeks 1–4 (28 days).
 */
const HOUR = 3_600_000;
const thisMonday = addDays(TODAY, -((TODAY.getUTCDay() + 6) % 7));
const goLive = addDays(thisMonday, -35);
const week = (k: number) => addDays(goLive, 7 * k);
/** The i-th run of week k: one a day, the eighth and later on the week's days again, an hour apart. */
const at = (k: number, i: number) => new Date(addDays(week(k), i % 7).getTime() + (8 + Math.floor(i / 7)) * HOUR);

let db: Db;
let result: PilotTrapResult;
const t = freshTenant();
const runs: RunRow[] = [];
const steps: StepRow[] = [];

/** 40 baseline runs of 60 human minutes, 8 hours apart, from 14 days before go-live: 313 hours from first start to last end. */
function baseline(workflow: string) {
  for (let i = 0; i < 40; i++) runs.push(run(t, { workflow, phase: "baseline", at: new Date(addDays(goLive, -14).getTime() + i * 8 * HOUR), human_minutes: 60 }));
}
const BASELINE_PER_WEEK = (40 * 168) / 313;

function live(workflow: string, k: number, i: number, minutes: number, opts: { human?: boolean; review?: "approved" | "corrected" } = {}) {
  const r = run(t, { workflow, at: at(k, i), human_minutes: minutes });
  runs.push(r);
  steps.push(step(t, r, { step: "draft", actor: "ai", output_id: `${r.run_id}-out` }));
  if (opts.human) steps.push(step(t, r, { step: "draft", actor: "human" }));
  if (opts.review) steps.push(step(t, r, { step: "review", actor: "human", review_outcome: opts.review, review_output_id: `${r.run_id}-out` }));
}

beforeAll(async () => {
  db = await testDb();
  // a: the trap. Week 0: 6 runs of 10 min. Weeks 1–4: 8 runs of 55 min a week; a person redoes the AI's
  // draft from week 2; reviews correct 0, 4, 8, 8 of the weeks' 8; 3 manual runs a week.
  baseline("a");
  for (let i = 0; i < 6; i++) live("a", 0, i, 10);
  const corrected = [0, 0, 4, 8, 8];
  for (let k = 1; k <= 4; k++) {
    for (let i = 0; i < 8; i++) live("a", k, i, 55, { human: k >= 2, review: i < (corrected[k] ?? 0) ? "corrected" : "approved" });
    for (let i = 0; i < 3; i++) runs.push(run(t, { workflow: "a", phase: "manual", at: at(k, i), human_minutes: 60 }));
  }
  // b: healthy. 11 runs of 10 min a week; a person also drafts on 4 runs; 1 review in 8 corrects.
  baseline("b");
  for (let k = 1; k <= 4; k++) for (let i = 0; i < 11; i++) live("b", k, i, 10, { human: k === 1 && i < 4, review: i < 8 ? (i === 0 ? "corrected" : "approved") : undefined });
  // c: 5 live runs in week 2, no reviews, 5 manual runs a week declared.
  baseline("c");
  for (let i = 0; i < 5; i++) live("c", 2, i, 30);
  // f: like c, but live from the Wednesday of week 1, with 4 runs on that week's Thursday to Sunday.
  baseline("f");
  for (let i = 0; i < 4; i++) live("f", 1, 3 + i, 30);
  await db.insert("runs", runs);
  await db.insert("steps", steps);
  for (const wf of ["a", "b", "c"]) await lockForTest(db, t, wf, goLive);
  await lockForTest(db, t, "f", addDays(week(1), 2));
  const g = dayString(goLive);
  await db.insert("workflows", [
    { tenant_id: t, workflow: "a", go_live_date: g },
    { tenant_id: t, workflow: "b", go_live_date: g },
    { tenant_id: t, workflow: "c", go_live_date: g, manual_runs_per_week: 5 },
    // d: live, never locked, no runs. e: not live.
    { tenant_id: t, workflow: "d", go_live_date: g },
    { tenant_id: t, workflow: "e" },
    { tenant_id: t, workflow: "f", go_live_date: dayString(addDays(week(1), 2)), manual_runs_per_week: 5 },
  ]);
  result = await runDefinition(db, pilotTrap, { tenantId: t, from: week(1), to: addDays(week(5), -1) });
});

const wf = (name: string): PilotTrapWorkflow => {
  const w = result.workflows.find((x) => x.workflow === name);
  if (!w) throw new Error(`no ${name}`);
  return w;
};
const sign = (name: string, key: string) => wf(name).signs.find((s) => s.key === key);

describe("the pilot-trap detector", () => {
  it("judges only live workflows and counts the flagged ones", () => {
    expect(result.workflows.map((w) => w.workflow)).toEqual(["a", "b", "c", "d", "f"]);
    expect(result.status).toBe("ok");
    expect(result.headline.value).toBe(3);
  });

  it("flags human minutes that did not fall, from the week they stopped falling", () => {
    // 32 runs of 55 min against the lock's 60: 55/60 > 80%. Week 0 (10 min) breaks the run: since week 1.
    expect(sign("a", "human-minutes")).toMatchObject({ status: "flagged", value: 0.9167, since: dayString(week(1)) });
    expect(sign("b", "human-minutes")).toMatchObject({ status: "not_flagged", value: 0.1667, since: null });
  });

  it("flags AI and a person doing the same step on most runs", () => {
    // 24 of 32 runs (weeks 2–4) have a human draft beside the AI's; week 1 has none.
    expect(sign("a", "duplicated-steps")).toMatchObject({ status: "flagged", value: 0.75, since: dayString(week(2)) });
    expect(sign("a", "duplicated-steps")?.evidence).toContain("24 of 32 live runs");
    expect(sign("b", "duplicated-steps")).toMatchObject({ status: "not_flagged", value: round4(4 / 44) });
  });

  it("flags low live volume while manual runs persist, reported or declared", () => {
    // a: 8 live runs a week against 40 runs over 313 hours; 3 manual runs a week ≥ 10% of the baseline's.
    expect(sign("a", "low-volume")).toMatchObject({ status: "flagged", value: round4(8 / BASELINE_PER_WEEK), since: dayString(week(1)) });
    // b: 11 a week is not below half the baseline's 21.5, and nothing is done by hand.
    expect(sign("b", "low-volume")).toMatchObject({ status: "not_flagged", value: round4(11 / BASELINE_PER_WEEK) });
    // c: 5 runs in 4 weeks, 5 manual runs a week declared; only week 2 has runs.
    expect(sign("c", "low-volume")).toMatchObject({ status: "flagged", value: round4(5 / 4 / BASELINE_PER_WEEK), since: dayString(week(2)) });
    expect(sign("c", "low-volume")?.evidence).toContain("5 a week declared");
    // f: the week it started began before go-live (a Wednesday): the sign started on the go-live day.
    expect(sign("f", "low-volume")).toMatchObject({ status: "flagged", since: dayString(addDays(week(1), 2)) });
  });

  it("flags reviews that correct most AI outputs, from the week they started to", () => {
    // 20 of 32 reviews corrected; weeks 4 and 3 all, week 2 half (not most): since week 3.
    expect(sign("a", "corrected-reviews")).toMatchObject({ status: "flagged", value: 0.625, since: dayString(week(3)) });
    expect(sign("b", "corrected-reviews")).toMatchObject({ status: "not_flagged", value: 0.125 });
  });

  it("says insufficient data, never fine, with too few runs or no locked baseline", () => {
    expect(sign("c", "human-minutes")).toMatchObject({ status: "insufficient_data", value: null, reason: "5 live runs in the window, fewer than 30" });
    expect(sign("c", "corrected-reviews")).toMatchObject({ status: "insufficient_data", reason: "0 reviews of AI outputs in the window, fewer than 30" });
    expect(wf("c")).toMatchObject({ flagged: true, unknown: false, since: dayString(week(2)) });
    expect(sign("d", "human-minutes")).toMatchObject({ status: "insufficient_data", reason: "baseline not locked" });
    expect(sign("d", "low-volume")).toMatchObject({ status: "insufficient_data", reason: "baseline not locked" });
    expect(wf("d")).toMatchObject({ flagged: false, unknown: true, since: null });
    expect(wf("b")).toMatchObject({ flagged: false, unknown: false, since: null });
    expect(wf("a")).toMatchObject({ flagged: true, since: dayString(week(1)) });
  });
});

function round4(v: number) {
  return Math.round(v * 1e4) / 1e4;
}
