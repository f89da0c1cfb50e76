import type { Db } from "@/clickhouse/client";
import { settleRunFacts } from "./run-facts";
import { dayString, scopeOf, type Scope } from "./scope";

export type Phase = "baseline" | "live";
export type Grain = "day" | "week" | "month";

export interface MetricInput {
  tenantId: string;
  workflow?: string;
  /** Information barrier: null = all workflows; [] = none. */
  workflows?: string[] | null;
  phase?: Phase;
  from?: Date;
  to?: Date;
  /** Default now. */
  asOf?: Date;
  grain?: Grain;
  /**
   * A comparison's figures alone, for a composite that shows no more (milestones): no interval, rank
   * test or series. Set by code, never by a caller's input.
   */
  figuresOnly?: boolean;
}

export interface Headline {
  value: number | null;
  unit: string;
  label: string;
}

/** What every metric returns; each metric adds its own typed fields. */
export interface MetricResultBase {
  key: string;
  title: string;
  unit: string;
  status: "ok" | "insufficient_data";
  reason?: string;
  headline: Headline;
  baselineVersion?: number | null;
  window: { from: string; to: string };
}

/** DESIGN.md §3: below ~30 runs on a side a comparison shows "insufficient data". */
export const MIN_RUNS = 30;

export interface MetricContext {
  input: MetricInput;
  scope: Scope;
}

export interface MetricDefinition<K extends string, D, R extends MetricResultBase> {
  key: K;
  title: string;
  unit: string;
  /** Which way is better, for alerts and colouring. */
  direction: "up" | "down";
  /** Reads what `compute` needs; every query is tenant- and workflow-scoped in SQL. */
  load(db: Db, ctx: MetricContext): Promise<D>;
  /** Pure: same data, same result (takes `asOf` from the context, never the clock). */
  compute(data: D, ctx: MetricContext): Omit<R, "key" | "title" | "unit" | "window">;
}

export function defineMetric<K extends string, D, R extends MetricResultBase>(m: MetricDefinition<K, D, R>): MetricDefinition<K, D, R> {
  return m;
}

export const round = (v: number, digits = 4): number => Math.round(v * 10 ** digits) / 10 ** digits;

/** Scopes the input, loads (SQL), then computes (pure); the registry and composite metrics both use it. */
export async function runDefinition<K extends string, D, R extends MetricResultBase>(
  db: Db,
  def: MetricDefinition<K, D, R>,
  input: MetricInput,
): Promise<R> {
  const scope = scopeOf(input);
  const ctx = { input, scope };
  // Every write made before this call is in the run set the load reads (run-facts.ts).
  await settleRunFacts(db, input.tenantId);
  const result = def.compute(await def.load(db, ctx), ctx);
  return {
    key: def.key,
    title: def.title,
    unit: def.unit,
    window: { from: dayString(scope.from), to: dayString(new Date(scope.to.getTime() - 1)) },
    ...result,
    // Omit<R, …> plus the omitted keys is R; TypeScript cannot see that through a generic.
  } as unknown as R;
}
