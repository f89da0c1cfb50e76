import type { MilestonesResult } from "@/metrics/registry";
import type { Formatter } from "@/app/components/format";
import { StatusPill } from "@/app/components/status-pill";

const LABEL: Record<number, string> = { 90: "90 days", 182: "6 months", 365: "12 months" };
const METRIC: Record<string, string> = { cycle_time_compression: "Cycle-time compression", exception_rate: "Exception rate", labor_hours_30d: "Hours displaced (30 d)" };

/** Per workflow: the three checkpoints with status, and per metric the value, target and projection. */
export function MilestoneScorecard({ result, f }: { result: MilestonesResult; f: Formatter }) {
  const show = (metric: string, v: number | null) => (metric === "labor_hours_30d" ? f.hours(v) : f.percent(v));
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="milestone-scorecard">
        <caption className="sr-only">Milestone scorecard</caption>
        <thead>
          <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <th scope="col" className="px-2 py-2">Workflow</th>
            {[90, 182, 365].map((d) => (
              <th key={d} scope="col" className="px-2 py-2">{LABEL[d]}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {result.workflows.map((w) => (
            <tr key={w.workflow} className="border-b border-slate-100 align-top last:border-0">
              <th scope="row" className="px-2 py-2 font-medium">
                {w.workflow}
                <div className="text-xs font-normal text-slate-500">go-live {f.date(w.go_live_date)}{w.baseline_version ? ` · baseline v${w.baseline_version}` : ""}</div>
              </th>
              {w.checkpoints.map((c) => (
                <td key={c.days} className="px-2 py-2" data-testid={`checkpoint-${w.workflow}-${c.days}`} data-status={c.status}>
                  <div className="flex items-center gap-2">
                    <StatusPill status={c.status} />
                    <span className="text-xs text-slate-500">{f.date(c.date)}</span>
                  </div>
                  <ul className="mt-1 space-y-0.5 text-xs text-slate-600">
                    {c.metrics.map((m) => (
                      <li key={m.metric}>
                        {METRIC[m.metric] ?? m.metric}: {show(m.metric, m.value)}
                        {m.target !== null ? ` / target ${show(m.metric, m.target)}` : m.baseline !== null && m.metric === "exception_rate" ? ` / baseline ${show(m.metric, m.baseline)}` : ""}
                        {m.projection ? ` → ${show(m.metric, m.projection.value)} projected` : ""} <span className="sr-only">({m.status})</span>
                        <span aria-hidden className="ml-1 text-slate-400">{m.status}</span>
                      </li>
                    ))}
                  </ul>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
