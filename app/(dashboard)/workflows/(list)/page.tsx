import type { Metadata } from "next";
import Link from "next/link";
import { FilterBar } from "@/app/components/filter-bar";
import { formatter } from "@/app/components/format";
import { PageHeader } from "@/app/components/page-header";
import { runsHref } from "@/app/components/runs-href";
import { Empty, Forbidden, NoTenant, Section, mayView } from "@/app/components/section";
import { Sparkline } from "@/app/components/trend-chart";
import { viewContext, viewQuery, windowOf } from "@/app/components/view-context";

export const metadata: Metadata = { title: "Workflows" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function WorkflowsPage({ searchParams }: Props) {
  const { caller, tenant, params, locale } = await viewContext(searchParams);
  if (!tenant) return <NoTenant />;
  if (!mayView("workflows", tenant.role)) return <Forbidden title="Workflows" role={tenant.role} tenantName={tenant.name} />;
  const { currency, rows } = await caller.workflowDetail.list({ tenant: tenant.slug, ...windowOf(params) });
  const f = formatter(locale, currency);
  // The runs each count counted: live runs of the workflow in the metric's window.
  const runs = (r: (typeof rows)[number], exception?: true) => runsHref(params.tenant, { workflow: r.workflow, phase: "live", from: r.cycle.window.from, to: r.cycle.window.to, exception });
  const link = (workflow: string) => `/workflows/${encodeURIComponent(workflow)}${viewQuery({ tenant: params.tenant, from: params.from, to: params.to })}`;
  const csvRows = rows.map((r) => ({
    workflow: r.workflow,
    live_runs: r.cycle.live.n,
    p50_hours_baseline: r.cycle.baseline.p50_hours,
    p50_hours_live: r.cycle.live.p50_hours,
    compression: r.cycle.compression,
    exception_rate_baseline: r.exceptions.baseline.exception_rate,
    exception_rate_live: r.exceptions.live.exception_rate,
    straight_through_rate: r.exceptions.live.straight_through_rate,
    hours_displaced: r.labor?.hours ?? null,
  }));
  return (
    <>
      <PageHeader title="Workflows" description="Each workflow's baseline against live: cycle time, exceptions and hours displaced." />
      <FilterBar />
      <Section title="All workflows" csv={{ filename: `workflows-${tenant.slug}.csv`, rows: csvRows }}>
        {rows.length === 0 ? (
          <Empty>No workflow has reported runs or been configured yet.</Empty>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="workflow-list">
              <caption className="sr-only">Workflows</caption>
              <thead>
                <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
                  <th scope="col" className="px-2 py-2">Workflow</th>
                  <th scope="col" className="px-2 py-2 text-right">Live runs</th>
                  <th scope="col" className="px-2 py-2 text-right">p50 baseline → live</th>
                  <th scope="col" className="px-2 py-2 text-right">Compression</th>
                  <th scope="col" className="px-2 py-2 text-right">Exception rate</th>
                  <th scope="col" className="px-2 py-2 text-right">Hours displaced</th>
                  <th scope="col" className="px-2 py-2">Weekly exceptions</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.workflow} className="border-b border-slate-100 last:border-0" data-workflow={r.workflow}>
                    <th scope="row" className="px-2 py-2 font-medium">
                      <Link href={link(r.workflow)} className="text-indigo-700 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">
                        {r.workflow}
                      </Link>
                    </th>
                    <td className="px-2 py-2 text-right tabular-nums" data-field="live-runs"><Link href={runs(r)} className="text-indigo-700 hover:underline">{f.number(r.cycle.live.n)}</Link></td>
                    <td className="px-2 py-2 text-right tabular-nums">{f.hours(r.cycle.baseline.p50_hours)} → {f.hours(r.cycle.live.p50_hours)}</td>
                    <td className="px-2 py-2 text-right tabular-nums" data-field="compression">{r.cycle.status === "ok" ? f.percent(r.cycle.compression) : <span title={r.cycle.reason}>insufficient data</span>}</td>
                    <td className="px-2 py-2 text-right tabular-nums">{f.percent(r.exceptions.baseline.exception_rate)} → <Link href={runs(r, true)} className="text-indigo-700 hover:underline" title={`${r.exceptions.live.exception_runs} exception runs`}>{f.percent(r.exceptions.live.exception_rate)}</Link></td>
                    <td className="px-2 py-2 text-right tabular-nums">{r.labor?.hours === null || r.labor?.hours === undefined ? "no baseline" : f.hours(r.labor.hours)}</td>
                    <td className="px-2 py-2">
                      <Sparkline data={r.exceptions.weekly.map((w) => ({ week: w.week, rate: w.exception_rate }))} index="week" category="rate" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </>
  );
}
