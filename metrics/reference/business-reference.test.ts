import { describe, expect, it } from "vitest";
import type { Db } from "@/clickhouse/client";
import { freshTenant, testDb } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { lockBaselineYear } from "@/metrics/business-baseline-year";
import { businessOutcomes } from "@/metrics/business-outcomes-report";
import { REFERENCE_OUTCOMES, type RefComparison, latestPoints, referenceOutcome } from "./business-model";
import { type BusinessWorld, generateBusinessWorld, monthAt, monthIndex } from "./business-world";
import { compare, describeDifference } from "./compare";
import { pool } from "./harness";

/**
 * The engine's business outcomes (metrics/business-outcomes-report.ts) against the reference model
 * (business-model.ts) on seeded worlds of messy monthly figures, stored through `commitBatch` in their
 * delivery order, some with the baseline year locked before the later deliveries arrive.
 */
const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const NOW = new Date();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sums in another order: equal to the last few bits of a double. */
const close = (a: unknown, b: unknown) => typeof a === "number" && typeof b === "number" && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));

async function store(db: Db, world: BusinessWorld): Promise<string> {
  const tenant = freshTenant();
  await db.insert("workflows", [{ tenant_id: tenant, workflow: "intake", go_live_date: `${world.goLive}-01`, updated_by: "reference" }]);
  for (const [i, delivery] of world.deliveries.entries()) {
    if (world.lockAfter === i) {
      await lockBaselineYear(db, { tenantId: tenant, from: monthAt(monthIndex(world.goLive) - 12), method: "before-go-live", reason: "reference check", actor: "reference" });
    }
    if (delivery.length > 0) await commitBatch(db, { businessPoints: delivery.map((p) => ({ ...p, tenant_id: tenant })) });
    // A later delivery must carry a later ingested_at (milliseconds): the latest delivery wins.
    await sleep(3);
  }
  return tenant;
}

interface Checked {
  seed: number;
  failures: string[];
  expected: Record<string, RefComparison>;
}

async function check(db: Db, seed: number): Promise<Checked> {
  const world = generateBusinessWorld(seed, NOW);
  const tenant = await store(db, world);
  const report = await businessOutcomes(db, { tenantId: tenant, from: world.from, to: world.to });
  const year = { from: monthAt(monthIndex(world.goLive) - 12), to: monthAt(monthIndex(world.goLive) - 1) };
  const live = latestPoints(world.deliveries);
  const base = world.lockAfter === null ? live : latestPoints(world.deliveries.slice(0, world.lockAfter));
  const failures: string[] = [];
  const yearOut = compare({ ...year, version: world.lockAfter === null ? null : 1 }, report.baseline_year, "baseline_year");
  const expected: Record<string, RefComparison> = {};
  for (const key of Object.keys(REFERENCE_OUTCOMES)) {
    expected[key] = referenceOutcome(live, base, key, year, world.from, world.to);
    const out = compare(expected[key], report.outcomes.find((o) => o.key === key), key);
    failures.push(...out.failures.filter((d) => !close(d.expected, d.actual)).map(describeDifference));
  }
  failures.push(...yearOut.failures.map(describeDifference));
  return { seed, failures, expected };
}

describe("the engine's business outcomes agree with the reference model", () => {
  it(`on ${SEEDS.length} seeded worlds of messy monthly figures`, async () => {
    const db = await testDb();
    const results = await pool(SEEDS, 3, (seed) => check(db, seed));
    const failed = results.filter((r) => r.failures.length > 0).map((r) => `seed ${r.seed}: ${r.failures.slice(0, 3).join("; ")}`);
    expect(failed).toEqual([]);
    // The worlds must exercise both verdicts and the currency rule, or the agreement says little.
    const verdicts = results.flatMap((r) => Object.values(r.expected));
    expect(verdicts.filter((v) => v.status === "ok").length).toBeGreaterThan(SEEDS.length);
    expect(verdicts.some((v) => v.status === "insufficient_data" && v.paired_months >= 3)).toBe(true);
    expect(verdicts.some((v) => v.status === "insufficient_data" && v.paired_months < 3)).toBe(true);
  }, 900_000);
});
