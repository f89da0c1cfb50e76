import { type Measure, seriesKey, storedAs } from "../business-measures";
import type { BusinessPointRow } from "../rows";
import type { DemoFirm } from "./firms";
import { dayStart } from "./generate";
import { Random } from "./random";

/**
 * Two years of a demo firm's monthly business figures, as its billing and practice systems would
 * export them: a baseline year, then change that builds up over nine months after the first go-live.
 * Every measure has the same seasonal swing in both years (a spring peak, a December lull), so only a
 * same-month comparison reads the change right; and one outcome, the data error rate, does not move.
 */
const RAMP_MONTHS = 9;

interface Story {
  /** Level before go-live and the relative change once the ramp is complete. */
  base: number;
  change: number;
  /** Month-to-month noise, as a share of the value. */
  noise: number;
}

const STORIES: Record<Measure, Story> = {
  "business.revenue": { base: 620_000, change: 0.08, noise: 0.03 },
  "business.headcount.fte": { base: 42, change: 0, noise: 0.01 },
  "business.intake.prospects": { base: 160, change: 0.05, noise: 0.08 },
  "business.intake.converted": { base: 35, change: 0.32, noise: 0.08 },
  "business.clients.active": { base: 900, change: 0.04, noise: 0.01 },
  "business.clients.lost": { base: 18, change: -0.2, noise: 0.15 },
  "business.hours": { base: 0, change: 0, noise: 0.04 },
  "compliance.audit_prep.hours": { base: 120, change: -0.4, noise: 0.1 },
  "compliance.audits": { base: 2, change: 0, noise: 0 },
  "compliance.incidents": { base: 3, change: -0.5, noise: 0.3 },
  "data.records.processed": { base: 24_000, change: 0.1, noise: 0.05 },
  // The outcome that does not move: corrections grow only with the records processed.
  "data.records.corrected": { base: 430, change: 0.1, noise: 0.06 },
};

/** Senior hours by category before go-live, and after the ramp: routine and admin work moves off seniors. */
const SENIOR_HOURS = { expert: [2200, 2900], routine: [1500, 1000], admin: [900, 600], "data-entry": [400, 150], review: [300, 450] } as const;
const SUPPORT_HOURS = { routine: [3000, 3100], admin: [1800, 1700], "data-entry": [1400, 1200] } as const;

const seasonal = (calendarMonth: number) => 1 + 0.08 * Math.sin(((calendarMonth - 1) / 12) * 2 * Math.PI) - (calendarMonth === 12 ? 0.1 : 0);
const monthOf = (d: Date) => d.toISOString().slice(0, 7);
const addMonth = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
const COUNTS = new Set<Measure>(["business.intake.prospects", "business.intake.converted", "business.clients.active", "business.clients.lost", "compliance.audits", "compliance.incidents", "data.records.processed", "data.records.corrected"]);

export function demoBusinessFigures(firm: DemoFirm, o: { tenantId: string; anchor: Date; seed: number }): { rows: BusinessPointRow[]; baselineFrom: string } {
  const random = new Random(o.seed ^ 0x5eed);
  const firstGoLive = dayStart(o.anchor, Math.max(...firm.workflows.map((w) => w.goLiveDaysAgo)));
  const goLiveMonth = new Date(Date.UTC(firstGoLive.getUTCFullYear(), firstGoLive.getUTCMonth(), 1));
  const from = addMonth(goLiveMonth, -12);
  const last = addMonth(new Date(Date.UTC(o.anchor.getUTCFullYear(), o.anchor.getUTCMonth(), 1)), -1);
  const rows: BusinessPointRow[] = [];
  const figure = (measure: Measure, month: Date, value: number, dimensions: Record<string, string> = {}) => {
    rows.push({ tenant_id: o.tenantId, measure, series: seriesKey(dimensions).join("\n"), dimensions, temporality: storedAs(measure), start_time: month.getTime(), time: month.getTime(), value, origin: "demo" });
  };
  for (let month = from, k = -12; month <= last; month = addMonth(month, 1), k++) {
    const ramp = Math.min(1, Math.max(0, (k + 1) / RAMP_MONTHS));
    const season = seasonal(month.getUTCMonth() + 1);
    for (const [measure, s] of Object.entries(STORIES) as [Measure, Story][]) {
      if (measure === "business.hours") continue;
      const v = s.base * (1 + s.change * ramp) * (measure === "business.headcount.fte" || measure === "compliance.audits" ? 1 : season) * (1 + s.noise * (random.next() * 2 - 1));
      figure(measure, month, COUNTS.has(measure) ? Math.max(0, Math.round(v)) : Math.round(v * 100) / 100, measure === "business.revenue" ? { currency: firm.currency } : {});
    }
    for (const [category, [before, after]] of Object.entries(SENIOR_HOURS)) figure("business.hours", month, Math.round((before + (after - before) * ramp) * (1 + 0.04 * (random.next() * 2 - 1))), { "work.category": category, "staff.seniority": "senior" });
    for (const [category, [before, after]] of Object.entries(SUPPORT_HOURS)) figure("business.hours", month, Math.round((before + (after - before) * ramp) * (1 + 0.04 * (random.next() * 2 - 1))), { "work.category": category, "staff.seniority": "support" });
  }
  return { rows, baselineFrom: monthOf(from) };
}
