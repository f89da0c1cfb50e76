import type { Formatter } from "@/app/components/format";
import { Section } from "@/app/components/section";
import type { AppRouter } from "@/server/root";
import type { inferRouterOutputs } from "@trpc/server";

type Detail = inferRouterOutputs<AppRouter>["workflowDetail"]["byName"];

/** The workflow's locked baseline (its latest version) and any revision pending since. */
export function LockedBaselineSection({ workflow, locks, pending, f }: { workflow: string; locks: Detail["locks"]; pending: Detail["pending"]; f: Formatter }) {
  const lock = locks[0];
  return (
    <Section title="Locked baseline" description="Frozen at go-live; a change is a new audited version." csv={{ filename: `${workflow}-baseline.csv`, rows: locks }} testId="baseline-lock">
      {lock ? (
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
          <dt className="text-slate-500">Version</dt><dd>v{lock.version} · {lock.method}</dd>
          <dt className="text-slate-500">Go-live</dt><dd>{f.date(lock.go_live_date)}</dd>
          <dt className="text-slate-500">Runs</dt><dd>{f.number(lock.n)}</dd>
          <dt className="text-slate-500">p50 / p90</dt><dd>{f.hours(lock.p50_hours)} / {f.hours(lock.p90_hours)}</dd>
          <dt className="text-slate-500">Human minutes per run</dt><dd>{f.minutes(lock.mean_human_minutes)}</dd>
          <dt className="text-slate-500">Exception rate</dt><dd>{f.percent(lock.exception_rate)}</dd>
          <dt className="text-slate-500">Measured window</dt><dd>{lock.window_from ? `${f.date(lock.window_from.slice(0, 10))} – ${f.date(lock.window_to?.slice(0, 10))}` : "declared time study"}</dd>
          <dt className="text-slate-500">Locked by</dt><dd>{lock.locked_by || "—"} · {f.date(lock.locked_at.slice(0, 10))}</dd>
          {lock.reason ? (<><dt className="text-slate-500">Reason</dt><dd className="col-span-3">{lock.reason}</dd></>) : null}
          <dt className="text-slate-500">Provenance</dt><dd className="col-span-3 break-all font-mono text-xs">{lock.provenance}</dd>
        </dl>
      ) : (
        <p className="text-sm text-slate-500">No baseline locked yet: it is locked at go-live. Until then this workflow has no comparison.</p>
      )}
      {pending && pending.runs > 0 ? (
        <p className="mt-2 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="pending-revision">
          Pending revision: {f.number(pending.runs)} baseline runs stored since v{pending.version} are not in it. Every comparison still
          cites v{pending.version} until an admin locks a new version with a reason.
        </p>
      ) : null}
    </Section>
  );
}
