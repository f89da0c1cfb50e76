import type { Metadata } from "next";
import { Suspense } from "react";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import Link from "next/link";
import { DataTable } from "@/app/components/data-table";
import { FilterBar } from "@/app/components/filter-bar";
import { formatter } from "@/app/components/format";
import { FreshnessBadge } from "@/app/components/freshness-badge";
import { PageHeader } from "@/app/components/page-header";
import { PilotTrapCard, PilotTrapSkeleton } from "@/app/components/pilot-trap-card";
import { runsHref } from "@/app/components/runs-href";
import { Forbidden, NoTenant, Section, mayView } from "@/app/components/section";
import { StaleSourcesBanner } from "@/app/components/stale-sources-banner";
import { StaleTiles } from "@/app/components/stale-tiles";
import { Tile } from "@/app/components/tile";
import { TileDelta } from "@/app/components/tile-delta";
import { type ViewContext, viewContext, windowOf } from "@/app/components/view-context";
import { PageSkeleton } from "@/app/components/page-skeleton";
import { WeekChart } from "@/app/components/week-chart";
import { MarkedChart, type MarkedPoint, type MarkedSeries } from "@/app/components/marked-chart";
import { CHANGE_LEGEND, ChangeList, changeChartMarkers } from "@/app/components/change-marks";
import { AnomalyList, anomalyChartMarkers, mondayOf } from "@/app/components/anomaly-marks";
import { FeedsOutcomes } from "./feeds-outcomes";
import { ControlComparisonSection } from "./control-comparison-section";
import { LockedBaselineSection } from "./locked-baseline-section";
import { runFilter } from "@/metrics/run-filter";

type Props = { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

const CYCLE_SERIES: MarkedSeries[] = [
  { key: "base50", label: "baseline p50", unit: "hours", color: "#64748b", dashed: true },
  { key: "base90", label: "baseline p90", unit: "hours", color: "#cbd5e1", dashed: true },
  { key: "live50", label: "live p50", unit: "hours", color: "#4f46e5" },
  { key: "live90", label: "live p90", unit: "hours", color: "#a5b4fc" },
];

const addDaysTo = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export default async function WorkflowPage({ params, searchParams }: Props) {
  const workflow = decodeURIComponent((await params).name);
  const context = await viewContext(searchParams, { workflow });
  const { caller, tenant } = context;
  if (!tenant) return <NoTenant />;
  if (!mayView("workflows", tenant.role)) return <Forbidden title="Workflow" role={tenant.role} tenantName={tenant.name} />;
  // Checked before anything streams (the skeleton is inside the page, not a loading.tsx around it),
  // so an unknown workflow, or one behind the member's barrier, answers with HTTP 404, not a 200.
  await caller.workflows.byName({ tenant: tenant.slug, workflow }).catch((e: unknown) => (e instanceof TRPCError ? notFound() : Promise.reject(e)));
  return (
    <Suspense fallback={<PageSkeleton what="the workflow" />}>
      <WorkflowBody workflow={workflow} context={context} tenant={tenant} />
    </Suspense>
  );
}

async function WorkflowBody({ workflow, context, tenant }: { workflow: string; context: ViewContext; tenant: NonNullable<ViewContext["tenant"]> }) {
  const { caller, params: view, locale, previous } = context;
  const [d, prev, stale, anomalies, progress] = await Promise.all([
    caller.workflowDetail.byName({ tenant: tenant.slug, workflow, ...windowOf(view) }),
    previous ? caller.workflowDetail.byName({ tenant: tenant.slug, workflow, ...previous }) : undefined,
    caller.staleness.sources({ tenant: tenant.slug, workflow, ...windowOf(view) }),
    caller.anomalies.markers({ tenant: tenant.slug, workflow }),
    // Its change markers (go-live, baseline versions, prompt and model changes) for the cycle-time chart.
    caller.overview.progress({ tenant: tenant.slug, workflow }),
  ]);
  const { cycle, exceptions, labor, rework } = d;
  const staleBadge = <FreshnessBadge stale={stale} workflows={[workflow]} />;
  const f = formatter(locale, labor.currency);
  const runs = exceptions.live.runs || 1;
  const bands = [...new Set(d.bands.map((b) => b.week))].sort().map((week) => {
    const base = d.bands.find((b) => b.week === week && b.phase === "baseline");
    const live = d.bands.find((b) => b.week === week && b.phase === "live");
    return { week, "baseline p50": base?.p50_hours ?? null, "baseline p90": base?.p90_hours ?? null, "live p50": live?.p50_hours ?? null, "live p90": live?.p90_hours ?? null };
  });
  // Each week's point opens that week's runs, both phases (the chart draws both).
  const weekRuns = (week: string) => runsHref(view.tenant, { workflow, from: week, to: addDaysTo(week, 6) });
  const cyclePoints: MarkedPoint[] = bands.map((b) => ({ period: b.week, href: weekRuns(b.week), base50: b["baseline p50"], base90: b["baseline p90"], live50: b["live p50"], live90: b["live p90"] }));
  const cycleMarkers = changeChartMarkers(progress.markers, mondayOf);
  const weekly = exceptions.weekly.map((w) => ({ week: w.week, "Exception rate": w.exception_rate }));
  const human = d.steps.reduce((a, s) => a + s.human_minutes, 0);
  // Every count links to the runs it counted: the live runs of this workflow in the metrics' window.
  const live = { workflow, phase: "live" as const, from: cycle.window.from, to: cycle.window.to };
  const href = (more: Parameters<typeof runsHref>[1] = {}) => runsHref(view.tenant, { ...live, ...more });
  const counted = (n: number, more: Parameters<typeof runsHref>[1], testId: string) => (
    <Link href={href(more)} className="text-indigo-700 hover:underline" data-testid={testId}>
      {f.number(n)}
    </Link>
  );
  return (
    <>
      <PageHeader title={workflow} description={`Baseline against live, ${f.date(cycle.window.from)} – ${f.date(cycle.window.to)}.`} />
      <StaleSourcesBanner stale={stale} locale={locale} />
      <FilterBar />
      <StaleTiles stale={stale} workflows={[workflow]} className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <Link href={href()} className="block" data-testid="tile-compression-runs"><Tile testId="tile-compression" label="Cycle-time compression" value={f.percent(cycle.compression)} insufficient={cycle.status === "ok" ? undefined : cycle.reason} detail={`${f.number(cycle.live.n)} live runs${cycle.interval ? ` · ${f.interval(cycle.interval, f.percent)}` : ""}`} badge={<>{staleBadge}{prev ? <TileDelta current={cycle.compression} previous={prev.cycle.compression} format={f.percent} /> : null}</>} /></Link>
        <Link href={href({ exception: true })} className="block" data-testid="tile-exception-rate-runs"><Tile testId="tile-exception-rate" label="Exception rate" value={f.percent(exceptions.live.exception_rate)} insufficient={exceptions.status === "ok" ? undefined : exceptions.reason} detail={`${f.number(exceptions.live.exception_runs)} exception runs · baseline ${f.percent(exceptions.baseline.exception_rate)}`} badge={<>{staleBadge}{prev ? <TileDelta current={exceptions.live.exception_rate} previous={prev.exceptions.live.exception_rate} format={f.percent} /> : null}</>} /></Link>
        <Tile testId="tile-straight-through" href={href({ straightThrough: true })} label="Straight-through rate" value={f.percent(exceptions.live.straight_through_rate)} detail={`Baseline ${f.percent(exceptions.baseline.straight_through_rate)}`} />
        <Tile testId="tile-human-minutes" href={href()} label="Human minutes per run (steps)" value={f.minutes(exceptions.live.runs ? human / runs : null)} detail={`Baseline ${f.minutes(labor.workflows[0]?.baseline_minutes ?? null)}`} />
        <Tile testId="tile-rework" href={href({ rework: true })} label="Rework rate" value={f.percent(rework.live.rework_rate)} insufficient={rework.status === "ok" ? undefined : rework.reason} detail={`Baseline ${f.percent(rework.baseline.rework_rate)}`} />
      </StaleTiles>
      <ControlComparisonSection workflow={workflow} r={d.control} f={f} locale={locale} />
      <Section title="Cycle time, baseline vs live (weekly p50 and p90, hours)" description={`Click a point for that week's runs. ${CHANGE_LEGEND}`} csv={{ filename: `${workflow}-cycle-bands.csv`, rows: bands }}>
        <MarkedChart testId="cycle-bands" grain="week" data={cyclePoints} markers={cycleMarkers} locale={locale} currency={labor.currency} series={CYCLE_SERIES} />
        <ChangeList markers={progress.markers} f={f} />
      </Section>
      <div className="grid grid-cols-1 lg:grid-cols-2 lg:gap-4">
        <Section title="Weekly exception rate" csv={{ filename: `${workflow}-exceptions.csv`, rows: weekly }}>
          <WeekChart testId="weekly-exception-rate" data={exceptions.weekly.map((w) => ({ week: w.week, value: w.exception_rate }))} label="Exception rate" markers={anomalyChartMarkers(anomalies, mondayOf)} percent locale={locale} />
          <AnomalyList anomalies={anomalies} />
        </Section>
        <Section title="Exception reasons" csv={{ filename: `${workflow}-reasons.csv`, rows: exceptions.reasons }}>
          <DataTable caption="Exception reasons" rows={exceptions.reasons} rowKey={(r) => r.reason} columns={[{ header: "Reason", cell: (r) => r.reason || "unspecified" }, { header: "Runs", numeric: true, cell: (r) => (r.reason ? counted(r.runs, { exception: true, reason: r.reason }, "reason-runs") : f.number(r.runs)) }]} />
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
            { header: "Steps", numeric: true, cell: (s) => counted(s.count, { step: s.step, actor: runFilter.shape.actor.catch(undefined).parse(s.actor) }, "step-runs") },
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
            { header: "Steps", numeric: true, cell: (m) => (m.model ? counted(m.steps, { actor: "ai", model: m.model, ...(m.prompt_version ? { promptVersion: m.prompt_version } : {}) }, "model-runs") : f.number(m.steps)) },
            { header: "Tokens in / out", numeric: true, cell: (m) => `${f.number(m.tokens_in)} / ${f.number(m.tokens_out)}` },
          ]}
        />
      </Section>
      <Suspense fallback={<PilotTrapSkeleton />}>
        <PilotTrapCard caller={caller} input={{ tenant: tenant.slug, workflow, ...windowOf(view) }} locale={locale} />
      </Suspense>
      <LockedBaselineSection workflow={workflow} locks={d.locks} pending={d.pending} f={f} />
      <FeedsOutcomes caller={caller} tenant={tenant.slug} f={f} figures={{ "cycle-time": cycle.compression, "exception-rate": exceptions.live.exception_rate, "labor-hours": labor.hours, rework: rework.live.rework_rate }} />
    </>
  );
}
