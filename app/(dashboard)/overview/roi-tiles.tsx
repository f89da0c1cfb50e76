import type { ReactNode } from "react";
import { formatter } from "@/app/components/format";
import { Tile } from "@/app/components/tile";
import type { LaborHoursResult } from "@/metrics/registry";

/**
 * The return-on-investment tiles. What the engine cannot know stays unknown on screen: with no hourly
 * cost set there is no value, and with a model that has no price the AI cost is incomplete, so net
 * value, ROI and payback say why they are unknown instead of showing a number (docs/metrics.md,
 * "Labor hours and ROI").
 */
export function RoiTiles({ labor, locale, badge }: { labor: LaborHoursResult; locale: string; badge: ReactNode }) {
  const f = formatter(locale, labor.currency);
  const gap = labor.status === "ok" ? undefined : (labor.reason ?? "Not enough data");
  const unknown = labor.unknown_reason ?? "Unknown";
  const ai = labor.ai_cost_complete ? f.money(labor.ai_cost) : `at least ${f.money(labor.ai_cost)} (no price for ${labor.unpriced_models.join(", ")})`;
  const costs = `After AI ${ai}, platform ${f.money(labor.platform_cost)} and recurring investment ${f.money(labor.recurring_investment)}`;
  const p = labor.payback;
  return (
    <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5" data-testid="roi-tiles">
      <Tile testId="tile-hours" label="Hours displaced" value={f.hours(labor.hours)} insufficient={gap} detail={f.interval(labor.hours_interval, f.hours) ?? "Baseline minutes per run × live runs − human minutes"} badge={badge} />
      <Tile testId="tile-value" label="Value of hours" value={labor.value === null ? "Hourly cost not set" : f.money(labor.value)} insufficient={gap} detail={labor.value === null ? unknown : "Hours × loaded hourly cost"} badge={badge} />
      <Tile testId="tile-net" label="Net value" value={labor.net_value === null ? "Unknown" : f.money(labor.net_value)} insufficient={gap} detail={labor.net_value === null ? `${unknown}. ${costs}` : costs} badge={badge} />
      <Tile
        testId="tile-roi"
        label="ROI"
        value={labor.roi !== null ? f.percent(labor.roi) : labor.unknown_reason ? "Unknown" : "—"}
        insufficient={gap}
        detail={labor.roi !== null ? "Net value ÷ (AI + platform + recurring investment); the one-time investment counts in payback" : (labor.unknown_reason ?? "No running cost recorded")}
        badge={badge}
      />
      <Tile
        testId="tile-payback"
        label="Payback date"
        value={p.unknown_reason ? "Unknown" : p.date ? f.date(p.date) : "Not yet"}
        detail={p.unknown_reason ?? (p.date ? (p.projected ? "Projected at the last 30 days' pace" : "Reached") : `One-time investment ${f.money(p.implementation_cost)}`)}
        badge={badge}
      />
    </div>
  );
}
