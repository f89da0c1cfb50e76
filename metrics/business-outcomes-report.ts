import type { Db } from "@/clickhouse/client";
import { OUTCOME_KEYS, type OutcomeKey } from "./business-outcome-defs";
import { currentBaselineYear, frozenMonthReader } from "./business-baseline-year";
import { type BaselineYear, type OutcomeComparison, compareOutcome } from "./business-outcomes";

export interface BusinessOutcomesReport {
  /** Null when no baseline year can be named (nothing locked, no workflow live yet). */
  baseline_year: BaselineYear | null;
  /** Why there is no comparison at all, or why it is provisional (an unlocked year). */
  note: string | null;
  outcomes: OutcomeComparison[];
}

/**
 * Every business outcome over `from`…`to` (months) against the cited baseline year: a locked year is
 * read from its frozen figures; an unlocked default year from the store, and the report says that it
 * can still move.
 */
export async function businessOutcomes(db: Db, o: { tenantId: string; from: string; to: string; keys?: readonly OutcomeKey[] }): Promise<BusinessOutcomesReport> {
  const year = await currentBaselineYear(db, o.tenantId);
  if (!year) return { baseline_year: null, note: "No baseline year: no workflow has gone live and none is declared", outcomes: [] };
  const readBaseline = year.version === null ? undefined : frozenMonthReader(db, o.tenantId, year.version);
  const outcomes: OutcomeComparison[] = [];
  for (const key of o.keys ?? OUTCOME_KEYS) outcomes.push(await compareOutcome(db, { tenantId: o.tenantId, from: o.from, to: o.to, key, baselineYear: year, readBaseline }));
  const note = year.version === null ? "The baseline year is not locked: later imports into it still change these comparisons" : null;
  return { baseline_year: year, note, outcomes };
}
