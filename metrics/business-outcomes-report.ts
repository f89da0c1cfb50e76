import type { Db } from "@/clickhouse/client";
import { memoRead } from "@/clickhouse/read-memo";
import { addMonths, reportedMeasures } from "./business-months";
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
/** The report's default window: the twelve complete months before `now`'s month. */
export function lastTwelveMonths(now = new Date()): { from: string; to: string } {
  const thisMonth = now.toISOString().slice(0, 7);
  return { from: addMonths(thisMonth, -12), to: addMonths(thisMonth, -1) };
}

/** The tables the report reads: a write to any of them by this process forgets a remembered report. */
const BUSINESS_TABLES = ["business_points", "business_imports", "business_baseline_months", "business_baseline_locks", "business_targets", "workflows"];

/**
 * The report as a page asks for it: every outcome is a dozen small reads, and the figures change only
 * when a business point, an import, a lock, a target or a go-live is written. Remembered until this
 * process writes one of those tables, and for 5 minutes at most, as long as a scorecard is served
 * before its refresh (clickhouse/read-memo.ts).
 */
export function rememberedBusinessOutcomes(db: Db, o: { tenantId: string; from: string; to: string }): Promise<BusinessOutcomesReport> {
  return memoRead(db, `business|${o.tenantId}|${o.from}|${o.to}`, BUSINESS_TABLES, 5 * 60_000, () => businessOutcomes(db, o));
}

export async function businessOutcomes(db: Db, o: { tenantId: string; from: string; to: string; keys?: readonly OutcomeKey[] }): Promise<BusinessOutcomesReport> {
  const [year, reported] = await Promise.all([currentBaselineYear(db, o.tenantId), reportedMeasures(db, o.tenantId)]);
  if (!year) return { baseline_year: null, note: "No baseline year: no workflow has gone live and none is declared", outcomes: [] };
  const readBaseline = year.version === null ? undefined : frozenMonthReader(db, o.tenantId, year.version);
  // Each outcome's reads are independent of the others': all of them at once, in the keys' order.
  const outcomes: OutcomeComparison[] = await Promise.all(
    (o.keys ?? OUTCOME_KEYS).map((key) => compareOutcome(db, { tenantId: o.tenantId, from: o.from, to: o.to, key, baselineYear: year, readBaseline, reported })),
  );
  const note = year.version === null ? "The baseline year is not locked: later imports into it still change these comparisons" : null;
  return { baseline_year: year, note, outcomes };
}
