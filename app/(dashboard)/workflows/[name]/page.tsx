import type { Metadata } from "next";
import { DataTable } from "@/app/components/data-table";
import { FilterBar } from "@/app/components/filter-bar";
import { formatter } from "@/app/components/format";
import { PageHeader } from "@/app/components/page-header";
import { Forbidden, NoTenant, Section, mayView } from "@/app/components/section";
import { StaleSourcesBanner } from "@/app/components/stale-sources-banner";
import { StaleTiles } from "@/app/components/stale-tiles";
import { Tile } from "@/app/components/tile";
import { TrendChart } from "@/app/components/trend-chart";
import { viewContext, windowOf } from "@/app/components/view-context";

type Props = { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

export default async function WorkflowPage({ params, searchParams }: Props) {
  const workflow = decodeURIComponent((await params).name);
  const { caller, tenant, params: view, locale } = await viewContext(searchParams);
  if (!tenant) return <NoTenant />;
  if (!mayView("workflows", tenant.role)) return <Forbidden title="Workflow" role={tenant.role} tenantName={tenant.name} />;
  const [d, stale] = await Promise.all([caller.workflowDetail.byName({ tenant: tenant.slug, workflow, ...windowOf(view) }), caller.staleness.sources({ tenant: tenant.slug, workflow, ...windowOf(view) })]);
  const { cycle, exceptions, labor, rework } = d;
  const f = formatter(locale, labor.currency);
  const runs = exceptions.live.runs || 1;
  const bands = [...new Set(d.bands.map((b) => b.week))].map((week) => {
    const base = d.bands.find((b) => b.week === week && b.phase === "baseline");
    const live = d.bands.find((b) => b.week === week && b.phase === "live");
    return { week, "baseline p50": base?.p50_hours ?? null, "baseline p90": base?.p90_hours ?? null, "live p50": live?.p50_hours ?? null, "live p90": live?.p90_hours ?? null };
  });
  const weekly = exceptions.weekly.map((w) => ({ week: w.week, "Exception rate": w.exception_rate }));
  const human = d.steps.reduce((a, s) => a + s.human_minutes, 0);
  const lock = d.locks[0];
  return (
    <>
      <PageHeader title={workflow} description={`Baseline against live, ${f.date(cycle.window.from)} – ${f.date(cycle.window.to)}.`} />
      <StaleSourcesBanner stale={stale} locale={locale} />
      <FilterBar />
      <StaleTiles stale={stale} workflows={[workflow]} className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <Tile testId="tile-compression" label="Cycle-time compression" value={f.percent(cycle.compression)} insufficient={cycle.status === "ok" ? undefined : cycle.reason} detail={f.interval(cycle.interval, f.percent)} />
        <Tile testId="tile-exception-rate" label="Exception rate" value={f.percent(exceptions.live.exception_rate)} insufficient={exceptions.status === "ok" ? undefined : exceptions.reason} detail={`Baseline ${f.percent(exceptions.baseline.exception_rate)}`} />
        <Tile testId="tile-straight-through" label="Straight-through rate" value={f.percent(exceptions.live.straight_through_rate)} detail={`Baseline ${f.percent(exceptions.baseline.straight_through_rate)}`} />
        <Tile testId="tile-human-minutes" label="Human minutes per run (steps)" value={f.minutes(exceptions.live.runs ? human / runs : null)} detail={`Baseline ${f.minutes(labor.workflows[0]?.baseline_minutes ?? null)}`} />
        <Tile testId="tile-rework" label="Rework rate" value={f.percent(rework.live.rework_rate)} insufficient={rework.status === "ok" ? undefined : rework.reason} detail={`Baseline ${f.percent(rework.baseline.rework_rate)}`} />
      </StaleTiles>
      <Section title="Cycle time, baseline vs live (weekly p50 and p90, hours)" csv={{ filename: `${workflow}-cycle-bands.csv`, rows: bands }}>
        <TrendChart data={bands} index="week" categories={["baseline p50", "baseline p90", "live p50", "live p90"]} unit=" h" locale={locale} />
      </Section>
      <div className="grid grid-cols-1 lg:grid-cols-2 lg:gap-4">
        <Section title="Weekly exception rate" csv={{ filename: `${workflow}-exceptions.csv`, rows: weekly }}>
          <TrendChart data={weekly} index="week" categories={["Exception rate"]} percent locale={locale} />
        </Section>
        <Section title="Exception reasons" csv={{ filename: `${workflow}-reasons.csv`, rows: exceptions.reasons }}>
          <DataTable caption="Exception reasons" rows={exceptions.reasons} rowKey={(r) => r.reason} columns={[{ header: "Reason", cell: (r) => r.reason || "unspecified" }, { header: "Runs", numeric: true, cell: (r) => f.number(r.runs) }]} />
        </Section>
      </div>
      <Section title="Where the time goes (live steps)" csv={{ filename: `${workflow}-steps.csv`, rows: d.steps }}>
        <DataTable
          caption="Steps"
          testId="steps"
          rows={d.steps}
          rowKey={(s) => `${s.step}-${s.actor}`}
          columns={[
            { header: "Step", cell: (s) => s.step },
            { header: "Actor", cell: (s) => s.actor },
            { header: "Steps", numeric: true, cell: (s) => f.number(s.count) },
            { header: "Mean duration", numeric: true, cell: (s) => f.minutes(s.mean_seconds / 60) },
            { header: "Human time", numeric: true, cell: (s) => f.minutes(s.human_minutes) },
            { header: "Interventions", numeric: true, cell: (s) => f.number(s.interventions) },
          ]}
        />
      </Section>
      <Section title="AI steps by model and version" csv={{ filename: `${workflow}-models.csv`, rows: d.models }}>
        <DataTable
          caption="AI models"
          rows={d.models}
          rowKey={(m) => `${m.model}-${m.version}-${m.prompt_version}`}
          columns={[
            { header: "Model", cell: (m) => m.model || "(not recorded)" },
            { header: "Version", cell: (m) => m.version || "—" },
            { header: "Prompt", cell: (m) => m.prompt_version || "—" },
            { header: "Steps", numeric: true, cell: (m) => f.number(m.steps) },
            { header: "Tokens in / out", numeric: true, cell: (m) => `${f.number(m.tokens_in)} / ${f.number(m.tokens_out)}` },
          ]}
        />
      </Section>
      <Section title="Locked baseline" description="Frozen at go-live; a change is a new audited version." csv={{ filename: `${workflow}-baseline.csv`, rows: d.locks }} testId="baseline-lock">
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
        {d.pending && d.pending.runs > 0 ? (
          <p className="mt-2 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="pending-revision">
            Pending revision: {f.number(d.pending.runs)} baseline runs stored since v{d.pending.version} are not in it. Every comparison still
            cites v{d.pending.version} until an admin locks a new version with a reason.
          </p>
        ) : null}
      </Section>
    </>
  );
}
