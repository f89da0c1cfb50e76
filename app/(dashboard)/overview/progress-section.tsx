import { formatter } from "@/app/components/format";
import { MarkedChart, type ChartMarker, type MarkedPoint } from "@/app/components/marked-chart";
import { runsHref } from "@/app/components/runs-href";
import { AnomalyList, anomalyChartMarkers } from "@/app/components/anomaly-marks";
import { CHANGE_LEGEND, ChangeList, changeChartMarkers } from "@/app/components/change-marks";
import type { AnomalyMarker } from "@/server/alerts/anomaly-markers";
import { Section } from "@/app/components/section";
import type { ServerCaller } from "@/app/components/view-context";
import type { ChangeMarker, ProgressResult } from "@/metrics/progress";
import { CheckpointTimeline } from "./checkpoint-timeline";
import { LaggingDueLine, laggingOrNull } from "./lagging-checkpoints";

type Input = { tenant: string; from?: string; to?: string; workflow?: string };

const monthName = (ym: string, locale: string) => new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${ym}-01T00:00:00Z`));
const computed = (at: string | null, f: ReturnType<typeof formatter>) => (at ? ` Computed at ${f.dateTime(at)}.` : "");

/** Checkpoints met of due and the per-workflow timeline: streams in, as the milestone evaluation is slow. */
export async function CheckpointsSection({ caller, input, locale, slug }: { caller: ServerCaller; input: Input; locale: string; slug: string }) {
  const [timeline, lagging] = await Promise.all([caller.overview.checkpoints(input), laggingOrNull(caller, input.tenant)]);
  const f = formatter(locale);
  return (
    <Section
      title="Checkpoints since go-live"
      description={`A checkpoint is due once its date has passed; met or missed on the 30 days before it, unknown without data. Business-outcome checkpoints are firm-wide and counted on a line of their own.${computed(timeline.computedAt, f)}`}
      testId="checkpoint-timeline"
    >
      {timeline.status === "ok" ? <CheckpointTimeline timeline={timeline} f={f} slug={slug} asOf={new Date()} /> : <p className="text-sm text-slate-500">{timeline.reason}</p>}
      <LaggingDueLine result={lagging} />
    </Section>
  );
}

/** One marker per month on a chart, coding what happened in it ("G P2": a go-live and two prompt changes). */
export const monthMarkers = (markers: ChangeMarker[]): ChartMarker[] => changeChartMarkers(markers, (day) => day.slice(0, 7));

/** The 12-month trend of hours and value, and the payback curve, with their markers and links to runs. */
export async function ProgressCharts({ caller, input, locale, slug }: { caller: ServerCaller; input: Input; locale: string; slug: string }) {
  const [p, anomalies]: [ProgressResult & { computedAt: string | null }, AnomalyMarker[]] = await Promise.all([caller.overview.progress(input), caller.anomalies.markers({ tenant: input.tenant, workflow: input.workflow })]);
  const f = formatter(locale, p.currency);
  const href = (m: { from: string; to: string }) => runsHref(slug, { workflow: input.workflow, phase: "live", from: m.from, to: m.to });
  const trend: MarkedPoint[] = p.months.map((m) => ({ period: m.month, href: href(m), hours: m.hours, value: m.value }));
  const curve: MarkedPoint[] = p.payback.points.map((m) => ({ period: m.month, href: href(m), value: m.cumulative_value, cost: m.cumulative_cost }));
  const markers = monthMarkers(p.markers);
  const paid = p.payback.payback_month ? [{ period: p.payback.payback_month, label: "payback" }] : [];
  const stamp = computed(p.computedAt, f);
  return (
    <div className="grid grid-cols-1 gap-0 lg:grid-cols-2 lg:gap-4" data-testid="progress-charts">
      <Section title="Hours displaced and value, last 12 months" description={`Per calendar month, live runs; the current month so far. Click a point for its runs. ${CHANGE_LEGEND}${stamp}`} csv={{ filename: `progress-${slug}.csv`, rows: p.months.map((m) => ({ month: m.month, live_runs: m.live_runs, hours: m.hours, value: m.value })) }}>
        {p.status === "ok" ? null : <p className="mb-2 text-xs text-slate-500">Insufficient data: {p.reason}</p>}
        <MarkedChart testId="progress-trend" data={trend} markers={[...markers, ...anomalyChartMarkers(anomalies, (day) => day.slice(0, 7))]} locale={locale} currency={p.currency} series={[{ key: "hours", label: "Hours displaced", unit: "hours", color: "#4f46e5" }, { key: "value", label: "Value", unit: "money", color: "#059669", right: true }]} />
        <UnknownMonths months={p.months} />
        <AnomalyList anomalies={anomalies} />
      </Section>
      <Section title="Payback: cumulative value against cumulative cost" description={`Since the first go-live. Cost: one-time investment at go-live, recurring investment, platform and AI cost.${stamp}`} testId="payback-curve">
        <p className="mb-2 text-xs text-slate-600" data-testid="payback-status" data-month={p.payback.payback_month ?? ""}>
          {p.payback.payback_month ? `Paid back in ${monthName(p.payback.payback_month, locale)}.` : p.payback.unknown_reason ? "Payback unknown." : `Not paid back yet (one-time investment ${f.money(p.payback.implementation_cost)}).`}
          {p.payback.unknown_reason ? ` Unknown from ${monthName(p.payback.unknown_from ?? "", locale)}: ${p.payback.unknown_reason}.` : ""}
        </p>
        <MarkedChart testId="payback-chart" data={curve} markers={[...markers, ...paid]} locale={locale} currency={p.currency} series={[{ key: "value", label: "Cumulative value", unit: "money", color: "#059669" }, { key: "cost", label: "Cumulative cost", unit: "money", color: "#e11d48", dashed: true }]} />
      </Section>
      <ChangeList markers={p.markers} f={f} />
    </div>
  );
}

/** Months drawn as gaps, and why: insufficient data, or value unknown without an hourly cost. */
function UnknownMonths({ months }: { months: ProgressResult["months"] }) {
  const gaps = months.filter((m) => m.reason || m.value === null);
  if (gaps.length === 0) return null;
  return (
    <p className="mt-1 text-xs text-slate-500" data-testid="progress-gaps">
      Not drawn: {gaps.map((m) => `${m.month} (${m.reason ?? "value unknown: hourly cost not set"})`).join(", ")}.
    </p>
  );
}
