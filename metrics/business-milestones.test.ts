import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import type { BusinessPointRow } from "@/ingest/rows";
import { businessMilestones } from "./business-milestones";
import { targetInput } from "./business-target";
import { businessTargets, removeBusinessTarget, saveBusinessTarget } from "./business-targets";
import { runDefinition } from "./define-metric";
import { monthFigure } from "./testing";

let db: Db;
beforeAll(async () => {
  db = await testDb();
});

// By hand, independent of the code under test: months as (year, month) counted from a month index.
const DAY = 86_400_000;
const idx = (iso: string) => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
const month = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
const now = new Date();
// Go-live on the 15th, seven months ago: the 90-day and 6-month checkpoints have passed, the 12-month one has not.
const GM = idx(now.toISOString()) - 7;
const goLive = `${month(GM)}-15`;
const at = (days: number) => new Date(Date.parse(`${goLive}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
/** The three full calendar months before the checkpoint's month, as month indexes. */
const windowOf = (days: number) => [1, 2, 3].map((k) => idx(at(days)) - 4 + k);

async function tenantWithGoLive(): Promise<string> {
  const t = freshTenant();
  await db.insert("workflows", [{ tenant_id: t, workflow: "intake", go_live_date: goLive }]);
  return t;
}

describe("lagging checkpoints: business outcomes at go-live + 90 days, 6 and 12 months against targets", () => {
  it("judges each outcome over the three months before the checkpoint against its target: met, missed, unknown, no target, upcoming", async () => {
    const t = await tenantWithGoLive();
    const rows: BusinessPointRow[] = [];
    const f = (measure: Parameters<typeof monthFigure>[1], i: number, v: number, dims: Record<string, string> = {}) => rows.push(monthFigure(t, measure, month(i), v, dims));
    // The baseline year: the twelve months before the go-live month.
    for (let i = GM - 12; i < GM; i++) {
      f("business.intake.prospects", i, 100);
      f("business.intake.converted", i, 20);
      f("business.clients.active", i, 200);
      f("business.clients.lost", i, 10);
      f("business.revenue", i, 100_000, { currency: "EUR" });
      f("business.headcount.fte", i, 10);
      f("compliance.audit_prep.hours", i, 40);
      f("compliance.audits", i, 2);
      f("compliance.incidents", i, 4);
    }
    // Live: from the go-live month through the last full month. Revenue grows 2,000 a month.
    for (let i = GM; i < idx(now.toISOString()); i++) {
      f("business.intake.prospects", i, 100);
      f("business.intake.converted", i, 30);
      f("business.clients.active", i, 200);
      f("business.clients.lost", i, 9);
      f("business.revenue", i, 100_000 + 2_000 * (i - GM + 1), { currency: "EUR" });
      f("business.headcount.fte", i, 10);
      f("compliance.audit_prep.hours", i, 30);
      if (i !== GM + 1) f("compliance.audits", i, 2);
      f("compliance.incidents", i, 1);
    }
    await commitBatch(db, { businessPoints: rows });
    await saveBusinessTarget(db, { tenantId: t, actor: "test", target: { outcome: "intake-conversion", target: 0.05 } });
    await saveBusinessTarget(db, { tenantId: t, actor: "test", target: { outcome: "client-churn", target: -0.01 } });
    await saveBusinessTarget(db, { tenantId: t, actor: "test", target: { outcome: "revenue-per-fte", target: 0.05 } });
    await saveBusinessTarget(db, { tenantId: t, actor: "test", target: { outcome: "audit-prep-per-audit", target: -0.2 } });
    await saveBusinessTarget(db, { tenantId: t, actor: "test", target: { outcome: "senior-expert-share", target: 0.1 } });
    expect(await removeBusinessTarget(db, { tenantId: t, actor: "test", outcome: "senior-expert-share" })).toBe(true);
    expect((await businessTargets(db, t)).map((x) => [x.outcome, x.kind, x.target])).toEqual([
      ["audit-prep-per-audit", "relative", -0.2],
      ["client-churn", "absolute", -0.01],
      ["intake-conversion", "absolute", 0.05],
      ["revenue-per-fte", "relative", 0.05],
    ]);

    const r = await runDefinition(db, businessMilestones, { tenantId: t, workflows: null });
    expect(r.status).toBe("ok");
    expect(r.go_live_date).toBe(goLive);
    expect(r.baseline_year).toEqual({ from: month(GM - 12), to: month(GM - 1), version: null });
    expect(r.checkpoints.map((c) => [c.days, c.date, c.passed])).toEqual([[90, at(90), true], [182, at(182), true], [365, at(365), false]]);
    const [c90, c182, c365] = r.checkpoints;
    const w90 = windowOf(90);
    const w182 = windowOf(182);
    expect(c90!.months).toEqual({ from: month(w90[0]!), to: month(w90[2]!) });
    expect(c182!.months).toEqual({ from: month(w182[0]!), to: month(w182[2]!) });
    const o = (c: typeof c90, key: string) => c!.outcomes.find((x) => x.key === key)!;

    // Conversion 30% against 20%: +10 points, target +5 → met at both.
    expect(o(c90, "intake-conversion")).toMatchObject({ status: "met", paired_months: 3, live: 0.3, baseline: 0.2 });
    expect(o(c90, "intake-conversion").achieved).toBeCloseTo(0.1, 9);
    // Churn 9/200 = 4.5% against 5%: −0.5 point, target −1 → missed.
    expect(o(c182, "client-churn")).toMatchObject({ status: "missed", live: 0.045, baseline: 0.05 });
    expect(o(c182, "client-churn").achieved).toBeCloseTo(-0.005, 9);
    // Revenue per FTE: Σ revenue of the window's months / Σ FTE (10 a month) against 10,000; target +5%.
    const perFte = (w: number[]) => w.reduce((a, i) => a + 100_000 + 2_000 * (i - GM + 1), 0) / 30;
    for (const [c, w] of [[c90, w90], [c182, w182]] as const) {
      const rel = perFte(w) / 10_000 - 1;
      expect(o(c, "revenue-per-fte").achieved).toBeCloseTo(rel, 6);
      expect(o(c, "revenue-per-fte").status).toBe(rel >= 0.05 ? "met" : "missed");
    }
    // The 90-day window holds GM+1, whose audits were not reported: unknown, not missed.
    expect(w90).toContain(GM + 1);
    expect(o(c90, "audit-prep-per-audit")).toMatchObject({ status: "no data", achieved: null, live: null });
    expect(o(c90, "audit-prep-per-audit").reason).toMatch(/2 month/);
    // Six months: 15 hours per audit against 20 = −25%, target −20% → met.
    expect(o(c182, "audit-prep-per-audit")).toMatchObject({ status: "met", live: 15, baseline: 20 });
    expect(o(c182, "audit-prep-per-audit").achieved).toBeCloseTo(-0.25, 9);
    // Measured but without a target (incidents), a removed target, and no figures at all: "no target".
    expect(o(c182, "incidents-per-month")).toMatchObject({ status: "no target", live: 1, baseline: 4, target: null });
    // Shown in the kind a target would take: incidents relative, (1 − 4) / 4.
    expect(o(c182, "incidents-per-month").achieved).toBeCloseTo(-0.75, 9);
    expect(o(c182, "senior-expert-share").status).toBe("no target");
    expect(o(c182, "data-error-rate").status).toBe("no target");
    // A checkpoint is missed when one targeted outcome missed (churn, at both).
    expect([c90!.status, c182!.status, c365!.status]).toEqual(["missed", "missed", "upcoming"]);
    expect(c365!.outcomes).toEqual([]);
    expect(r.due).toEqual({ due: 2, met: 0, missed: 2, unknown: 0, no_target: 0, upcoming: 1 });
  });

  it("is met when every measured targeted outcome is met, and 'no target' when none has a target", async () => {
    const t = await tenantWithGoLive();
    const rows: BusinessPointRow[] = [];
    for (let i = GM - 12; i < idx(now.toISOString()); i++) {
      rows.push(monthFigure(t, "business.intake.prospects", month(i), 50), monthFigure(t, "business.intake.converted", month(i), i < GM ? 10 : 15));
    }
    await commitBatch(db, { businessPoints: rows });
    const none = await runDefinition(db, businessMilestones, { tenantId: t, workflows: null });
    expect(none.checkpoints.map((c) => c.status)).toEqual(["no target", "no target", "upcoming"]);
    expect(none.due).toEqual({ due: 2, met: 0, missed: 0, unknown: 0, no_target: 2, upcoming: 1 });
    // 15/50 = 30% against 10/50 = 20%: +10 points reaches a +10-point target exactly (met, not lost to rounding).
    await saveBusinessTarget(db, { tenantId: t, actor: "test", target: { outcome: "intake-conversion", target: 0.1 } });
    // An outcome with a target but no figures is unknown, and does not make the checkpoint unknown.
    await saveBusinessTarget(db, { tenantId: t, actor: "test", target: { outcome: "data-error-rate", target: -0.5 } });
    const r = await runDefinition(db, businessMilestones, { tenantId: t, workflows: null });
    expect(r.checkpoints.map((c) => c.status)).toEqual(["met", "met", "upcoming"]);
    expect(r.checkpoints[0]!.outcomes.find((x) => x.key === "data-error-rate")!.status).toBe("no data");
    expect(r.due).toEqual({ due: 2, met: 2, missed: 0, unknown: 0, no_target: 0, upcoming: 1 });
  });

  it("says why there is nothing: no go-live, or a member limited to some workflows", async () => {
    const bare = await runDefinition(db, businessMilestones, { tenantId: freshTenant(), workflows: null });
    expect(bare).toMatchObject({ status: "insufficient_data", checkpoints: [], headline: { value: null } });
    expect(bare.reason).toMatch(/No workflow has gone live/);
    const barred = await runDefinition(db, businessMilestones, { tenantId: await tenantWithGoLive(), workflows: ["intake"] });
    expect(barred).toMatchObject({ status: "insufficient_data", checkpoints: [] });
    expect(barred.reason).toMatch(/firm-wide/);
  });

  it("accepts a target only in the direction the outcome gets better, with a readable message", () => {
    expect(targetInput.safeParse({ outcome: "client-churn", target: -0.01 }).success).toBe(true);
    expect(targetInput.safeParse({ outcome: "revenue-per-fte", target: 0 }).success).toBe(true);
    const up = targetInput.safeParse({ outcome: "client-churn", target: 0.01 });
    expect(up.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([["target", "Client churn (monthly) is better lower: enter a fall (0 or less, e.g. -1)"]]);
    expect(targetInput.safeParse({ outcome: "revenue-per-fte", target: -0.05 }).error?.issues[0]?.message).toMatch(/better higher/);
    expect(targetInput.safeParse({ outcome: "intake-conversion", target: 1.5 }).error?.issues[0]?.message).toMatch(/between -100 and 100 percentage points/);
    expect(targetInput.safeParse({ outcome: "audit-prep-per-audit", target: -1 }).error?.issues[0]?.message).toMatch(/100% or more/);
    expect(targetInput.safeParse({ outcome: "nope", target: 1 }).error?.issues[0]?.message).toBe("choose one of the business outcomes");
  });
});
