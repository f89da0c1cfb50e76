import type { Formatter } from "@/app/components/format";
import { runsHref } from "@/app/components/runs-href";
import { StatusPill } from "@/app/components/status-pill";
import type { CheckpointTimeline as Timeline } from "@/server/routers/progress";

const LABEL: Record<number, string> = { 90: "90 days", 182: "6 months", 365: "12 months" };
const DOT: Record<string, string> = { met: "bg-emerald-500", missed: "bg-red-500", "on track": "bg-sky-500", "at risk": "bg-amber-500", "no data": "bg-slate-300" };
const DAY_MS = 86_400_000;

/**
 * Firm-wide checkpoints met of due, and per workflow a line from go-live through the 12-month checkpoint
 * with today on it. Each checkpoint links to the live runs of the 30 days it is judged on.
 */
export function CheckpointTimeline({ timeline, f, slug, asOf }: { timeline: Timeline; f: Formatter; slug: string; asOf: Date }) {
  const d = timeline.due;
  return (
    <div>
      <p className="text-sm text-slate-700" data-testid="checkpoints-met-of-due" data-met={d.met} data-due={d.due} data-missed={d.missed} data-unknown={d.unknown}>
        <span className="text-2xl font-semibold tracking-tight text-slate-900">
          {d.due === 0 ? "None due yet" : `${d.met} of ${d.due}`}
        </span>{" "}
        {d.due === 0 ? `${d.upcoming} upcoming` : `checkpoints met · ${d.missed} missed · ${d.unknown} unknown (no data) · ${d.upcoming} upcoming`}
      </p>
      <ol className="mt-4 space-y-5" aria-label="Checkpoints per workflow">
        {timeline.workflows.map((w) => {
          const goLive = Date.parse(`${w.go_live_date}T00:00:00Z`);
          const since = (asOf.getTime() - goLive) / DAY_MS;
          const span = Math.max(395, since + 15);
          const at = (days: number) => `${Math.min(100, Math.max(0, (days / span) * 100))}%`;
          return (
            <li key={w.workflow} data-testid={`timeline-${w.workflow}`} data-months={w.months_since_go_live}>
              <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
                <span className="font-medium text-slate-900">{w.workflow}</span>
                <span className="text-xs text-slate-500">
                  {w.months_since_go_live} months since go-live ({f.date(w.go_live_date)}){w.baseline_version ? ` · baseline v${w.baseline_version}` : ""}
                </span>
              </div>
              <div className="relative mt-2 h-10">
                <div className="absolute left-0 right-0 top-3 h-1 rounded bg-slate-200" />
                <div className="absolute left-0 top-3 h-1 rounded bg-indigo-300" style={{ width: at(since) }} />
                <span className="absolute top-0 h-7 w-0.5 bg-slate-900" style={{ left: at(0) }} title={`Go-live ${f.date(w.go_live_date)}`} />
                <span className="absolute top-0 h-7 w-px bg-indigo-700" style={{ left: at(since) }} title="Today">
                  <span className="absolute top-7 -translate-x-1/2 whitespace-nowrap text-[10px] text-indigo-700">today</span>
                </span>
                {w.checkpoints.map((c) => (
                  <a
                    key={c.days}
                    href={runsHref(slug, { workflow: w.workflow, phase: "live", from: c.window.from, to: c.window.to })}
                    className={`absolute top-1.5 h-4 w-4 -translate-x-1/2 rounded-full border-2 border-white ${DOT[c.status] ?? DOT["no data"]}`}
                    style={{ left: at(c.days) }}
                    data-testid={`timeline-${w.workflow}-${c.days}`}
                    data-status={c.status}
                    title={`${LABEL[c.days]} (${f.date(c.date)}): ${c.status}`}
                  >
                    <span className="sr-only">{`${LABEL[c.days]}, ${f.date(c.date)}: ${c.status}. Runs it is judged on`}</span>
                  </a>
                ))}
              </div>
              <div className="flex flex-wrap gap-3 text-xs text-slate-600">
                {w.checkpoints.map((c) => (
                  <span key={c.days} className="flex items-center gap-1">
                    {LABEL[c.days]} · {f.date(c.date)} <StatusPill status={c.status} />
                  </span>
                ))}
              </div>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
