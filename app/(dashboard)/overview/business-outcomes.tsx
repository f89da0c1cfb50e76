import { type Formatter, formatter } from "@/app/components/format";
import { Section } from "@/app/components/section";
import { Tile } from "@/app/components/tile";
import type { OutcomeComparison } from "@/metrics/business-outcomes";
import type { BusinessOutcomesReport } from "@/metrics/business-outcomes-report";
import type { ServerCaller } from "@/app/components/view-context";

/** How an outcome's value reads: shares as percents, money in the figures' currency, else a number. */
function valueOf(o: OutcomeComparison, f: Formatter, v: number | null): string {
  if (o.key === "revenue-per-fte") return f.money(v);
  if (o.unit.startsWith("share")) return f.percent(v);
  return f.number(v, 1);
}

function changeText(o: OutcomeComparison, f: Formatter): string {
  if (o.change === null) return "";
  const signed = (v: number) => `${v > 0 ? "+" : ""}${o.unit.startsWith("share") ? `${f.number(v * 100, 1)} pts` : o.key === "revenue-per-fte" ? f.money(v) : f.number(v, 1)}`;
  const good = o.better === "higher" ? o.change > 0 : o.change < 0;
  const ci = o.interval ? `; 95% CI ${signed(o.interval[0])} to ${signed(o.interval[1])}` : "";
  const verdict = o.interval && o.interval[0] <= 0 && o.interval[1] >= 0 ? "no clear change" : good ? "better" : "worse";
  return `${signed(o.change)} (${verdict}${ci})`;
}

/**
 * The lagging tier: business outcomes against the same months of the baseline year, each citing the
 * year (and its lock version) it is compared with. Unknown stays "insufficient data" with the reason.
 */
export function BusinessOutcomesTier({ report, locale, tenant }: { report: BusinessOutcomesReport; locale: string; tenant: string }) {
  const year = report.baseline_year;
  const cite = year ? `Against the same months of the baseline year ${year.from} to ${year.to}${year.version ? ` (locked, version ${year.version})` : " (not locked)"}.` : "";
  return (
    <Section title="Lagging indicators: business outcomes" description={[cite, report.note ?? ""].filter(Boolean).join(" ")} testId="business-outcomes">
      {report.outcomes.length === 0 ? (
        <p className="text-sm text-slate-500">
          {report.note} Send business figures to <code>/v1/metrics</code> or import them in <a className="underline" href={`/settings?tenant=${encodeURIComponent(tenant)}`}>Settings</a>.
        </p>
      ) : (
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-4">
          {report.outcomes.map((o) => {
            // Revenue reads in its own currency, which need not be the labor figures'.
            const f = formatter(locale, o.currency ?? "USD");
            return (
            <Tile
              key={o.key}
              testId={`outcome-${o.key}`}
              label={o.title}
              value={valueOf(o, f, o.live)}
              insufficient={o.status === "ok" ? undefined : (o.reason ?? "Insufficient data")}
              detail={`Baseline ${valueOf(o, f, o.baseline)}; ${changeText(o, f)}; ${o.paired_months} months compared`}
            />
            );
          })}
        </div>
      )}
    </Section>
  );
}

/** The lagging tier as its own streamed section: a member behind a workflow barrier is told why it is absent. */
export async function BusinessOutcomesSection({ caller, tenant, locale }: { caller: ServerCaller; tenant: string; locale: string }) {
  try {
    const report = await caller.business.outcomes({ tenant });
    return <BusinessOutcomesTier report={report} locale={locale} tenant={tenant} />;
  } catch (err) {
    if ((err as { code?: string }).code !== "FORBIDDEN") throw err;
    return (
      <Section title="Lagging indicators: business outcomes" testId="business-outcomes">
        <p className="text-sm text-slate-500">Business outcomes are the firm&apos;s figures: they are not shown to members limited to some workflows.</p>
      </Section>
    );
  }
}
