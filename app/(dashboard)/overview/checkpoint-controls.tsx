import type { Formatter } from "@/app/components/format";
import type { ServerCaller } from "@/app/components/view-context";
import type { MilestonesResult } from "@/metrics/registry";

const DAY_MS = 86_400_000;

/**
 * One workflow's control comparison at each checkpoint that has passed, on the checkpoint's own
 * window (the 30 days before it, as the checkpoint is judged): docs/metrics.md, "Control comparisons".
 * A control that went live by then is left out there; with none left, the row says so.
 */
export async function CheckpointControls({ caller, tenant, workflow, f, today }: { caller: ServerCaller; tenant: string; workflow: MilestonesResult["workflows"][number]; f: Formatter; today: string }) {
  const due = workflow.checkpoints.filter((c) => c.date <= today);
  if (due.length === 0) return null;
  const rows = await Promise.all(
    due.map(async (c) => {
      const from = new Date(Date.parse(`${c.date}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10);
      return { c, r: await caller.workflowDetail.control({ tenant, workflow: workflow.workflow, from, to: c.date }) };
    }),
  );
  if (rows.every(({ r }) => !r.withheld && r.controls.length === 0 && r.cycle === null)) return null;
  return (
    <table className="mt-3 w-full text-sm" data-testid={`checkpoint-controls-${workflow.workflow}`}>
      <caption className="text-left text-xs text-slate-600">Against a control at each checkpoint (30 days before it)</caption>
      <thead><tr className="text-left text-xs text-slate-500"><th>Checkpoint</th><th>Cycle time vs control</th><th>Exception rate vs control</th></tr></thead>
      <tbody>
        {rows.map(({ c, r }) => {
          const cell = (m: typeof r.cycle, fmt: (v: number | null) => string) =>
            !m ? r.reason : m.status === "ok" ? `${fmt(m.estimate)} (${f.interval(m.interval, (v) => fmt(v))})` : m.sentence;
          return (
            <tr key={c.days}>
              <td>{c.days} d · {f.date(c.date)}</td>
              <td>{cell(r.cycle, (v) => f.hours(v))}</td>
              <td>{cell(r.exceptions, (v) => (v === null ? "Unknown" : `${f.number(v * 100, 1)} pp`))}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
