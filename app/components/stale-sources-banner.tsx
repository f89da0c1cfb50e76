import { formatter } from "./format";
import type { StaleSource } from "@/server/routers/staleness";

/**
 * One banner per page naming the sources behind their freshness SLA now (docs/metrics.md, "Freshness"),
 * instead of the same badge on every tile; tiles whose own numbers rest on one of them carry a badge.
 */
export function StaleSourcesBanner({ stale, locale = "en-US" }: { stale: readonly StaleSource[]; locale?: string }) {
  if (stale.length === 0) return null;
  const f = formatter(locale);
  return (
    <div role="status" data-testid="stale-sources-banner" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
      <strong>{stale.length === 1 ? "A source is behind its freshness SLA" : `${stale.length} sources are behind their freshness SLAs`}:</strong>{" "}
      {stale.map((s, i) => (
        <span key={s.source} data-source={s.source}>
          {i > 0 ? "; " : ""}
          <strong>{s.source}</strong> ({s.lag_minutes === null ? "never delivered" : `last data ${f.minutes(s.lag_minutes)} ago`}, SLA {f.minutes(s.sla_minutes)})
        </span>
      ))}
      . Figures that rest on them are marked.
    </div>
  );
}
