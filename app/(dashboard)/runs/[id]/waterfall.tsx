import type { Formatter } from "@/app/components/format";
import type { RunStep } from "@/metrics/run-detail";

const BAR: Record<string, string> = { ai: "bg-indigo-500", human: "bg-amber-500", system: "bg-slate-400", unknown: "bg-slate-300" };

/**
 * The run's steps on one time axis (pure CSS): each bar starts at the step's offset from the run's
 * start and is as long as the step, both as a share of the run's span (or of the last step's end,
 * when a step ends after the run).
 */
export function Waterfall({ steps, runSeconds, f }: { steps: RunStep[]; runSeconds: number | null; f: Formatter }) {
  const span = Math.max(runSeconds ?? 0, ...steps.map((s) => s.offset_seconds + s.duration_seconds), 1);
  const start = Math.min(0, ...steps.map((s) => s.offset_seconds));
  const total = span - start;
  const pct = (v: number) => `${Math.max(0, Math.min(100, (v / total) * 100))}%`;
  return (
    <ol className="space-y-1" data-testid="waterfall" aria-label="Step timeline">
      {steps.map((s) => (
        <li key={s.span_id} className="grid grid-cols-[10rem_1fr_6rem] items-center gap-2 text-xs" data-testid="waterfall-step">
          <span className="truncate" title={`${s.step} (${s.actor})`}>
            {s.step} <span className="text-slate-500">· {s.actor}</span>
          </span>
          <span className="relative h-4 rounded bg-slate-100">
            <span
              className={`absolute top-0 h-4 rounded ${BAR[s.actor] ?? BAR.unknown} ${s.status === "error" || s.intervention ? "ring-2 ring-red-500" : ""}`}
              style={{ left: pct(s.offset_seconds - start), width: `max(2px, ${pct(s.duration_seconds)})` }}
              title={`+${f.minutes(s.offset_seconds / 60)}, ${f.minutes(s.duration_seconds / 60)}`}
            />
          </span>
          <span className="text-right tabular-nums text-slate-600">{f.minutes(s.duration_seconds / 60)}</span>
        </li>
      ))}
    </ol>
  );
}
