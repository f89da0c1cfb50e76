import { randomUUID } from "node:crypto";
import type { Db } from "@/clickhouse/client";
import { freshTenant } from "@/clickhouse/testing";
import { commitBatch } from "@/ingest/commit";
import { runMetric } from "@/metrics/registry";
import { lockForTest } from "@/metrics/testing";
import { SCHEDULE, type Window, type World, generateWorld } from "./world";
import { replay } from "./model";
import { type RefQuery, referenceCycleTime } from "./cycle-time";
import { referenceExceptionRate } from "./exception-rate";
import { type Difference, type Outcome, compare, describeDifference, smallest } from "./compare";

/**
 * Stores generated worlds through the engine path the dashboard uses (`commitBatch`, `lockForTest`,
 * `runMetric`) and compares every figure with the reference model. Many worlds, each its own tenant,
 * share one insert per schedule entry, so a seed costs its queries and little else.
 */

export type CheckedMetric = "cycle-time" | "exception-rate";

export interface SeedFailure extends Difference {
  seed: number;
  query: string;
}

export interface SeedResult {
  seed: number;
  tenant: string;
  failures: SeedFailure[];
  inexact: SeedFailure[];
  figures: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `task` over `items` with at most `limit` in flight (the engine has a few connections). */
export async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Commits the worlds' deliveries in schedule order, each world's locks at their positions; `after`
 * runs after each entry (a check that settles between deliveries).
 */
export async function deliver(db: Db, worlds: readonly World[], after?: () => Promise<void>): Promise<void> {
  const group = randomUUID().slice(0, 12);
  for (const [i, entry] of SCHEDULE.entries()) {
    const batch = { runs: worlds.flatMap((w) => w.slots[entry.slot]!.runs), steps: worlds.flatMap((w) => w.slots[entry.slot]!.steps) };
    const options = entry.token ? { dedupToken: `ref-${group}-${entry.slot}` } : {};
    if (entry.partial) await commitBatch(db, { [entry.partial]: batch[entry.partial] }, options);
    await commitBatch(db, batch, options);
    // A later delivery must carry a later ingested_at (milliseconds): the latest delivery wins.
    await sleep(3);
    await pool(worlds, 3, async (w) => {
      for (const lock of w.locks.filter((l) => l.after === i)) await lockForTest(db, w.tenant, lock.workflow, lock.goLive, lock.version);
    });
    await after?.();
  }
}

interface Query extends RefQuery {
  label: string;
}

/**
 * What a world is checked with. `all`: every metric in every window, firm-wide and per workflow.
 * `sample`: one call a seed (each costs a few hundred milliseconds on a busy machine): firm-wide for
 * even seeds, one workflow for odd ones; with f = ⌊seed / 2⌋, window f mod 3 and metric f mod 2, so
 * consecutive seeds run through every combination, and over many seeds every workflow position.
 */
function tasksOf(world: World, metrics: readonly CheckedMetric[], mode: QueryMode): { q: Query; m: CheckedMetric }[] {
  const at = (w: Window, wf: string | undefined) => ({ label: `${w.label}/${wf ?? "firm"}`, workflow: wf, from: w.from, to: w.to });
  if (mode === "all") return world.windows.flatMap((w) => [undefined, ...world.workflows].flatMap((wf) => metrics.map((m) => ({ q: at(w, wf), m }))));
  const f = Math.floor(world.seed / 2);
  const wf = world.seed % 2 === 0 ? undefined : world.workflows[Math.floor(world.seed / 6) % world.workflows.length];
  return [{ q: at(world.windows[f % world.windows.length]!, wf), m: metrics[f % metrics.length]! }];
}

export type QueryMode = "all" | "sample";

/** The engine's result in the reference's shape where they differ in form only (excluded: names). */
const comparable = (r: object) => ({ ...r, excluded: ((r as { excluded?: { workflow: string }[] }).excluded ?? []).map((e) => e.workflow) });

async function checkWorld(db: Db, world: World, metrics: readonly CheckedMetric[], mode: QueryMode): Promise<SeedResult> {
  const store = replay(world);
  const result: SeedResult = { seed: world.seed, tenant: world.tenant, failures: [], inexact: [], figures: 0 };
  const tasks = tasksOf(world, metrics, mode);
  await pool(tasks, 2, async ({ q, m }) => {
    const input = { tenantId: world.tenant, workflow: q.workflow, from: q.from, to: q.to, asOf: world.now };
    const actual = comparable(await runMetric(db, m, input));
    const expected = m === "cycle-time" ? referenceCycleTime(store, q) : referenceExceptionRate(store, q);
    const o: Outcome = compare(expected, actual);
    const tag = (d: Difference): SeedFailure => ({ ...d, seed: world.seed, query: `${m} ${q.label}` });
    result.failures.push(...o.failures.map(tag));
    result.inexact.push(...o.inexact.map(tag));
    result.figures += o.figures;
  });
  return result;
}

/** Generates, stores and checks the seeds as one group; worlds are generated against `now`. */
export async function checkSeeds(db: Db, seeds: readonly number[], metrics: readonly CheckedMetric[], mode: QueryMode = "sample", now = new Date()): Promise<SeedResult[]> {
  const worlds = seeds.map((s) => generateWorld(s, freshTenant(), now));
  await deliver(db, worlds);
  return pool(worlds, 3, (w) => checkWorld(db, w, metrics, mode));
}

/** One line for a failed seed: its seed, and the smallest figure that differs. */
export function failureLine(r: SeedResult): string {
  const d = smallest(r.failures)!;
  return `seed ${r.seed} (tenant ${r.tenant}): ${r.failures.length} figures differ; smallest: ${d.query} ${describeDifference(d)}`;
}
