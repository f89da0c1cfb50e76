import type { Params } from "@/clickhouse/client";

/** The filter every metric shares; `workflows` is the information barrier (null = all, [] = none). */
export interface ScopeInput {
  tenantId: string;
  workflow?: string;
  workflows?: string[] | null;
  from?: Date;
  to?: Date;
  asOf?: Date;
}

const DAY_MS = 86_400_000;

/**
 * Tenant and workflow restriction, applied in SQL by every metric. The tenant is always bound;
 * a restricted user's workflow list is bound too, so a count from another workflow never leaves the store.
 */
export const SCOPE_SQL = "tenant_id = {tenant:String} AND ({all_wf:UInt8} = 1 OR workflow IN {wfs:Array(String)})";

export interface Scope {
  params: { tenant: string; all_wf: 0 | 1; wfs: string[] };
  /** First UTC day of the window, inclusive. */
  from: Date;
  /** Day after the last UTC day of the window, exclusive. */
  to: Date;
  asOf: Date;
}

export function startOfUtcDay(d: Date): Date {
  return new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);
}

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}

/**
 * Windows are whole UTC days (rollups are daily, so a raw drill-down and its tile agree): `from`'s day
 * through `to`'s day inclusive. Default: the 30 days up to `asOf`.
 */
export function scopeOf(input: ScopeInput): Scope {
  const asOf = input.asOf ?? new Date();
  const toDay = startOfUtcDay(input.to ?? asOf);
  const from = startOfUtcDay(input.from ?? addDays(toDay, -29));
  const allowed = input.workflows ?? null;
  let params: Scope["params"];
  if (input.workflow !== undefined) {
    const visible = allowed === null || allowed.includes(input.workflow);
    params = { tenant: input.tenantId, all_wf: 0, wfs: visible ? [input.workflow] : [] };
  } else if (allowed === null) {
    params = { tenant: input.tenantId, all_wf: 1, wfs: [] };
  } else {
    params = { tenant: input.tenantId, all_wf: 0, wfs: allowed };
  }
  return { params, from, to: addDays(toDay, 1), asOf };
}

/** Scope plus window as bound parameters: `{from:DateTime64(3)}` inclusive, `{to:DateTime64(3)}` exclusive. */
export function windowParams(scope: Scope): Params {
  return { ...scope.params, from: scope.from, to: scope.to, as_of: scope.asOf };
}

export const dayString = (d: Date): string => d.toISOString().slice(0, 10);
