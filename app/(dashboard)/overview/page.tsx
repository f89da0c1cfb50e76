import type { Metadata } from "next";
import { Suspense } from "react";
import { FilterBar } from "@/app/components/filter-bar";
import { formatter } from "@/app/components/format";
import { FreshnessBadge } from "@/app/components/freshness-badge";
import { PageHeader } from "@/app/components/page-header";
import { PilotTrapCard, PilotTrapSkeleton } from "@/app/components/pilot-trap-card";
import { runsHref } from "@/app/components/runs-href";
import { StaleSourcesBanner } from "@/app/components/stale-sources-banner";
import { Forbidden, NoTenant, Section, mayView } from "@/app/components/section";
import { Tile } from "@/app/components/tile";
import { TileDelta } from "@/app/components/tile-delta";
import { TrendChart } from "@/app/components/trend-chart";
import { viewContext, viewQuery, windowOf } from "@/app/components/view-context";
import type { RunFilter } from "@/metrics/run-filter";
import { BusinessOutcomesSection } from "./business-outcomes";
import { ComparedWorkflows } from "./compared-workflows";
import { MilestonesSection, MilestonesSkeleton } from "./milestones-section";
import { CheckpointsSection, ProgressCharts } from "./progress-section";
import { ProgressSkeleton } from "./progress-skeleton";
import { RoiTiles } from "./roi-tiles";
import { TilesRunsLink } from "./tiles-runs-link";

export const metadata: Metadata = { title: "Overview" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function OverviewPage({ searchParams }: Props) {
  const { caller, tenant, params, locale, previous } = await viewContext(searchParams);
  if (!tenant) return <NoTenant />;
  if (!mayView("overview", tenant.role)) return <Forbidden title="Overview" role={tenant.role} tenantName={tenant.name} />;
  const input = { tenant: tenant.slug, ...windowOf(params), ...(params.workflow ? { workflow: params.workflow } : {}) };
  const [o, workflows, prev, stale] = await Promise.all([
    caller.overview.summary(input),
    caller.workflows.list({ tenant: tenant.slug }),
    previous ? caller.overview.summary({ ...input, ...previous }) : undefined,
    caller.staleness.sources(input),
  ]);
  const { labor, cycle, exceptions, completeness } = o;
  const f = formatter(locale, labor.currency);
  // A tile's badge names only the stale sources feeding the workflows its own figure counts.
  const badge = (counted: string[]) => <FreshnessBadge stale={stale} workflows={counted} />;
  const window = `${f.date(labor.window.from)} – ${f.date(labor.window.to)}`;
  const weekly = exceptions.weekly.map((w) => ({ week: w.week, "Exception rate": w.exception_rate }));
  // Each tile's number leads to the runs it counted: live runs in its window of the workflows it pools
  // (the comparable ones, when no workflow is chosen).
  const runs = (more: Omit<RunFilter, "workflow" | "phase">) => runsHref(tenant.slug, { workflow: params.workflow, phase: "live", ...more });
  const cycleSeries = cycle.series.map((s) => ({ bucket: s.bucket, "p50 hours": s.p50_hours }));
  return (
    <>
      <PageHeader title="Overview" description={`Is the automation paying off? ${tenant.name}, ${params.workflow ?? "all workflows"}, ${window}.`} />
      <StaleSourcesBanner stale={stale} locale={locale} />
      <FilterBar workflows={workflows.map((w) => w.workflow)} />
      <h2 className="mt-2 text-sm font-semibold uppercase tracking-wide text-slate-500" data-testid="tier-leading">Leading indicators: what the automation changed</h2>
      <RoiTiles labor={labor} locale={locale} badge={badge(labor.workflows.map((w) => w.workflow))} />
      <TilesRunsLink href={runsHref(tenant.slug, { workflow: params.workflow, phase: "live", ...labor.window })} />
      <h2 className="sr-only">Operations versus baseline</h2>
      <div className="mt-3 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4" data-testid="ops-tiles">
        <Tile
          testId="tile-compression"
          href={runs({ ...cycle.window, workflows: cycle.workflows.map((w) => w.workflow) })}
          label="Cycle-time compression"
          value={f.percent(cycle.compression)}
          insufficient={cycle.status === "ok" ? undefined : cycle.reason}
          detail={`${f.interval(cycle.interval, f.percent) ?? "No interval"} · p50 ${f.hours(cycle.baseline.p50_hours)} → ${f.hours(cycle.live.p50_hours)}`}
          badge={<>{badge(cycle.workflows.map((w) => w.workflow))}{prev ? <TileDelta current={cycle.compression} previous={prev.cycle.compression} format={f.percent} /> : null}</>}
        />
        <Tile
          testId="tile-exception-rate"
          href={runs({ ...exceptions.window, workflows: exceptions.workflows, exception: true })}
          label="Exception rate"
          value={f.percent(exceptions.live.exception_rate)}
          insufficient={exceptions.status === "ok" ? undefined : exceptions.reason}
          detail={`Baseline ${f.percent(exceptions.baseline.exception_rate)}${exceptions.trend ? ` · trend ${exceptions.trend.direction}` : ""}`}
          badge={<>{badge(exceptions.workflows)}{prev ? <TileDelta current={exceptions.live.exception_rate} previous={prev.exceptions.live.exception_rate} format={f.percent} /> : null}</>}
        />
        <Tile testId="tile-straight-through" href={runs({ ...exceptions.window, workflows: exceptions.workflows, straightThrough: true })} label="Straight-through rate" value={f.percent(exceptions.live.straight_through_rate)} detail={`Baseline ${f.percent(exceptions.baseline.straight_through_rate)}`} badge={badge(exceptions.workflows)} />
        <Tile
          testId="tile-completeness"
          href={`/sources${viewQuery({ tenant: params.tenant })}`}
          label="Ingest completeness"
          value={f.percent(completeness.acceptance_rate)}
          insufficient={completeness.status === "ok" ? undefined : completeness.reason}
          detail={`${f.number(completeness.rejected)} spans rejected · ${f.number(completeness.runs_never_closed)} runs never closed`}
        />
      </div>
      <Suspense fallback={<ProgressSkeleton title="Lagging indicators: business outcomes" />}>
        <BusinessOutcomesSection caller={caller} tenant={tenant.slug} locale={locale} />
      </Suspense>
      {params.workflow ? null : <ComparedWorkflows cycle={cycle} percent={f.percent} slug={tenant.slug} />}
      <Suspense fallback={<PilotTrapSkeleton />}>
        <PilotTrapCard caller={caller} input={input} locale={locale} />
      </Suspense>
      <Suspense fallback={<ProgressSkeleton title="Checkpoints since go-live" />}>
        <CheckpointsSection caller={caller} input={input} locale={locale} slug={tenant.slug} />
      </Suspense>
      <Suspense fallback={<ProgressSkeleton title="Hours displaced and value, last 12 months" />}>
        <ProgressCharts caller={caller} input={input} locale={locale} slug={tenant.slug} />
      </Suspense>
      <Suspense fallback={<MilestonesSkeleton />}>
        <MilestonesSection caller={caller} input={input} locale={locale} slug={tenant.slug} />
      </Suspense>
      <div className="grid grid-cols-1 gap-0 lg:grid-cols-2 lg:gap-4">
        <Section title="Weekly exception rate (live)" csv={{ filename: `exception-rate-${tenant.slug}.csv`, rows: weekly }}>
          <TrendChart data={weekly} index="week" categories={["Exception rate"]} percent locale={locale} />
        </Section>
        <Section title="Cycle time p50 (live)" csv={{ filename: `cycle-time-${tenant.slug}.csv`, rows: cycleSeries }}>
          <TrendChart data={cycleSeries} index="bucket" categories={["p50 hours"]} unit=" h" kind="area" locale={locale} />
        </Section>
      </div>
      <Section
        title="Hours displaced by workflow"
        csv={{ filename: `labor-${tenant.slug}.csv`, rows: labor.workflows.map((w) => ({ workflow: w.workflow, baseline_minutes: w.baseline_minutes, baseline_source: w.baseline_source, live_runs: w.live_runs, hours: w.hours })) }}
      >
        <ul className="grid grid-cols-1 gap-2 text-sm sm:grid-cols-2 lg:grid-cols-3" data-testid="labor-by-workflow">
          {labor.workflows.map((w) => (
            <li key={w.workflow} className="flex justify-between rounded border border-slate-100 px-3 py-2">
              <span>{w.workflow}</span>
              <span className="tabular-nums">{w.hours === null ? "no baseline" : f.hours(w.hours)}</span>
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
}
