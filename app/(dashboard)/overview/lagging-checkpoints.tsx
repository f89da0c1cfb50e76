import type { Formatter } from "@/app/components/format";
import { StatusPill } from "@/app/components/status-pill";
import type { ServerCaller } from "@/app/components/view-context";
import type { BusinessMilestonesResult, LaggingOutcome } from "@/metrics/business-milestones";
import { OUTCOMES, OUTCOME_KEYS } from "@/metrics/business-outcome-defs";
import { type BusinessTarget, targetKind, targetText } from "@/metrics/business-target";

const LABEL: Record<number, string> = { 90: "90 days", 182: "6 months", 365: "12 months" };
export const FIRM_WIDE_NOTE = "Business outcomes are the firm's figures: their checkpoints are not shown to members limited to some workflows.";

/** The lagging checkpoints, or null for a member behind a workflow barrier (the procedure refuses them). */
export async function laggingOrNull(caller: ServerCaller, tenant: string): Promise<BusinessMilestonesResult | null> {
  try {
    return await caller.business.milestones({ tenant });
  } catch (err) {
    if ((err as { code?: string }).code !== "FORBIDDEN") throw err;
    return null;
  }
}

/** Lagging checkpoints met of due: a line of its own beside the leading ones (firm-wide, not per workflow). */
export function LaggingDueLine({ result }: { result: BusinessMilestonesResult | null }) {
  if (!result) return <p className="mt-3 text-xs text-slate-500" data-testid="lagging-met-of-due">{FIRM_WIDE_NOTE}</p>;
  const d = result.due;
  const text =
    result.status !== "ok"
      ? `insufficient data: ${result.reason ?? "no checkpoints"}`
      : d.due === 0
        ? `none due yet · ${d.upcoming} upcoming`
        : `${d.met} of ${d.due} met · ${d.missed} missed · ${d.unknown} unknown (insufficient data) · ${d.no_target} without a target · ${d.upcoming} upcoming`;
  return (
    <p className="mt-3 text-sm text-slate-700" data-testid="lagging-met-of-due" data-met={d.met} data-due={d.due} data-missed={d.missed} data-unknown={d.unknown} data-no-target={d.no_target}>
      <span className="font-medium text-slate-900">Business outcomes (lagging, firm-wide{result.go_live_date ? ` from the first go-live ${result.go_live_date}` : ""}):</span> {text}
    </p>
  );
}

/** "−0.5 pt against a target of −1 pt": the change judged, in the target's own terms. */
function cellText(o: LaggingOutcome): string {
  if (o.status === "no data" || (o.status === "no target" && o.achieved === null)) return `Unknown: ${o.reason ?? "insufficient data"}`;
  const kind = o.target?.kind ?? targetKind(o.key);
  const achieved = o.achieved === null ? "Unknown" : targetText({ kind, target: o.achieved });
  return o.target ? `${achieved} / target ${targetText(o.target)}` : `${achieved}; no target`;
}

function upcomingText(t: BusinessTarget | undefined, months: { from: string; to: string }): string {
  return `${t ? `target ${targetText(t)}` : "no target"}, on ${months.from} to ${months.to}`;
}

/** Per outcome, the three lagging checkpoints: status, and the change against the target. */
export function LaggingScorecard({ result, f }: { result: BusinessMilestonesResult | null; f: Formatter }) {
  if (!result) return <p className="mt-4 text-sm text-slate-500">{FIRM_WIDE_NOTE}</p>;
  if (result.status !== "ok") return <p className="mt-4 text-sm text-slate-500" data-testid="lagging-scorecard">Lagging checkpoints: insufficient data: {result.reason}</p>;
  const year = result.baseline_year;
  return (
    <div className="mt-4 overflow-x-auto">
      <p className="text-xs text-slate-500">
        Business outcomes (lagging, firm-wide) from the first go-live {f.date(result.go_live_date)}: each over the three full months before the checkpoint, against the same months of the baseline year
        {year ? ` ${year.from} to ${year.to}${year.version ? ` (locked, version ${year.version})` : " (not locked)"}` : ""}; targets are set in Settings.
      </p>
      <table className="mt-2 w-full text-left text-sm" data-testid="lagging-scorecard">
        <caption className="sr-only">Lagging checkpoints</caption>
        <thead>
          <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <th scope="col" className="px-2 py-2">Outcome</th>
            {result.checkpoints.map((c) => (
              <th key={c.days} scope="col" className="px-2 py-2" data-testid={`lagging-${c.days}`} data-status={c.status}>
                {LABEL[c.days]} · {f.date(c.date)} <StatusPill status={c.status} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {OUTCOME_KEYS.map((key) => (
            <tr key={key} className="border-b border-slate-100 align-top last:border-0">
              <th scope="row" className="px-2 py-2 font-medium">{OUTCOMES[key].title}</th>
              {result.checkpoints.map((c) => {
                const o = c.outcomes.find((x) => x.key === key);
                return (
                  <td key={c.days} className="px-2 py-2 text-xs text-slate-600" data-testid={`lagging-${key}-${c.days}`} data-status={o?.status ?? c.status}>
                    <StatusPill status={o?.status ?? c.status} /> {o ? cellText(o) : upcomingText(result.targets.find((t) => t.outcome === key), c.months)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
