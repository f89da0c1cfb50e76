import type { Formatter } from "@/app/components/format";
import { Section } from "@/app/components/section";
import { TrendChart } from "@/app/components/trend-chart";
import type { ControlComparisonResult, DidOutcome } from "@/metrics/control-comparison";

type Unit = "hours" | "points";

/** One measure: the estimate with its interval beside the plain before/after, or why there is none. */
function Measure({ title, m, unit, f, locale, testId }: { title: string; m: DidOutcome; unit: Unit; f: Formatter; locale: string; testId: string }) {
  const fmt = (v: number | null) => (v === null ? "Unknown" : unit === "hours" ? f.hours(v) : `${f.number(v * 100, 1)} pp`);
  const chart = m.pre.map((p) => ({ week: p.week, Workflow: p.treated, Control: p.control }));
  return (
    <div className="space-y-2" data-testid={testId}>
      <h3 className="text-sm font-medium text-slate-700">{title}</h3>
      {m.status === "ok" ? (
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500">Against the control</dt>
          <dd data-testid={`${testId}-estimate`}>{fmt(m.estimate)} · {m.interval ? `95% CI ${fmt(m.interval[0])} to ${fmt(m.interval[1])}` : "no interval"}</dd>
          <dt className="text-slate-500">Plain before/after</dt><dd>{fmt(m.treated_change)}</dd>
          <dt className="text-slate-500">Control's own change</dt><dd>{fmt(m.control_change)}</dd>
        </dl>
      ) : (
        <p className="text-sm text-slate-600" data-testid={`${testId}-none`}>{m.status === "not_comparable" ? "Control not comparable: no estimate is shown." : "Insufficient data."}</p>
      )}
      <p className="text-xs text-slate-600" data-testid={`${testId}-check`}>{m.sentence}</p>
      <TrendChart data={chart} index="week" categories={["Workflow", "Control"]} percent={unit === "points"} unit={unit === "hours" ? " h" : ""} locale={locale} />
    </div>
  );
}

/**
 * The control comparison beside the plain before/after (docs/metrics.md, "Control comparisons"): the
 * treated change minus the controls' change, and the pre-period check as a chart of both weekly series.
 */
export function ControlComparisonSection({ workflow, r, f, locale }: { workflow: string; r: ControlComparisonResult; f: Formatter; locale: string }) {
  const periods = r.periods ? `Before ${f.date(r.periods.pre.from)} – ${f.date(r.periods.pre.to)}; after ${f.date(r.periods.post.from)} – ${f.date(r.periods.post.to)}.` : "";
  const rows = [...(r.cycle?.pre ?? []).map((p) => ({ measure: "p50 cycle hours", ...p })), ...(r.exceptions?.pre ?? []).map((p) => ({ measure: "exception rate", ...p }))];
  return (
    <Section title="Against a control (difference-in-differences)" description={`The change minus the change of comparable work not automated. ${periods}`} csv={{ filename: `${workflow}-control-pre-period.csv`, rows }} testId="control-comparison">
      {r.cycle && r.exceptions ? (
        <>
          <p className="mb-2 text-xs text-slate-600">Controls: {r.controls.join(", ")}{r.excluded.length ? ` · left out: ${r.excluded.map((e) => `${e.workflow} (${e.reason})`).join(", ")}` : ""}</p>
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
            <Measure title="Weekly median cycle time" m={r.cycle} unit="hours" f={f} locale={locale} testId="control-cycle" />
            <Measure title="Weekly exception rate" m={r.exceptions} unit="points" f={f} locale={locale} testId="control-exceptions" />
          </div>
        </>
      ) : (
        <p className="text-sm text-slate-600" data-testid="control-none">{r.reason}</p>
      )}
    </Section>
  );
}
