import type { Metadata } from "next";
import { z } from "zod";
import { FilterBar } from "@/app/components/filter-bar";
import { formatter } from "@/app/components/format";
import { PageHeader } from "@/app/components/page-header";
import { Forbidden, NoTenant, Section, mayView } from "@/app/components/section";
import { Tile } from "@/app/components/tile";
import { TrendChart } from "@/app/components/trend-chart";
import { viewContext, windowOf } from "@/app/components/view-context";
import type { QueueState } from "@/server/routers/exception-queue";
import { QueueTable } from "./queue-table";

export const metadata: Metadata = { title: "Exceptions" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const VIEWS: Record<string, QueueState[]> = {
  open: ["new", "acknowledged", "assigned"],
  new: ["new"],
  assigned: ["assigned"],
  resolved: ["resolved"],
  all: ["new", "acknowledged", "assigned", "resolved"],
};
const queueParams = z.object({
  state: z.enum(["open", "new", "assigned", "resolved", "all"]).catch("open"),
  sort: z.enum(["age", "sla"]).catch("age"),
});

export default async function ExceptionsPage({ searchParams }: Props) {
  const raw = await searchParams;
  const { caller, tenant, params, locale } = await viewContext(Promise.resolve(raw));
  if (!tenant) return <NoTenant />;
  if (!mayView("exceptions", tenant.role)) return <Forbidden title="Exceptions" role={tenant.role} tenantName={tenant.name} />;
  const q = queueParams.parse({ state: raw.state, sort: raw.sort });
  const scope = { tenant: tenant.slug, ...windowOf(params), ...(params.workflow ? { workflow: params.workflow } : {}) };
  const [items, team, workflows] = await Promise.all([
    caller.exceptions.list({ ...scope, states: VIEWS[q.state] }),
    caller.exceptions.team(scope),
    caller.workflows.list({ tenant: tenant.slug }),
  ]);
  // Sorting by SLA puts the most overdue first; exceptions without an SLA go last.
  const sorted = q.sort === "sla" ? [...items].sort((a, b) => (a.sla_left_minutes ?? Infinity) - (b.sla_left_minutes ?? Infinity)) : items;
  const f = formatter(locale);
  const canAct = tenant.role === "ops" || tenant.role === "admin";
  const { rate, compliance } = team;
  const weekly = rate.weekly.map((w) => ({ week: w.week, "Exception rate": w.exception_rate, Runs: w.runs }));
  const breached = items.filter((i) => i.sla_left_minutes !== null && i.sla_left_minutes < 0).length;
  const select = "rounded border border-slate-300 px-2 py-1 text-sm";
  return (
    <>
      <PageHeader title="Exceptions" description="What needs a human now: open exceptions with their age and SLA, and the team's record." />
      <FilterBar
        workflows={workflows.map((w) => w.workflow)}
        extra={
          <>
            <label className="flex flex-col text-xs text-slate-600">
              State
              <select name="state" defaultValue={q.state} className={select}>
                {Object.keys(VIEWS).map((v) => <option key={v} value={v}>{v}</option>)}
              </select>
            </label>
            <label className="flex flex-col text-xs text-slate-600">
              Sort
              <select name="sort" defaultValue={q.sort} className={select}>
                <option value="age">oldest first</option>
                <option value="sla">most overdue first</option>
              </select>
            </label>
          </>
        }
      />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Tile testId="tile-queue-count" label={`Exceptions (${q.state})`} value={f.number(items.length)} detail={items.length >= 500 ? "Showing the oldest 500" : "In this window"} />
        <Tile testId="tile-queue-breached" label="Past SLA in this list" value={f.number(breached)} />
        <Tile testId="tile-review-sla" label="Review-SLA adherence" value={f.percent(compliance.review_sla_adherence)} detail={`${f.number(compliance.reviews_with_sla)} reviews with an SLA`} />
        <Tile testId="tile-exception-rate" label="Exception rate (live)" value={f.percent(rate.live.exception_rate)} insufficient={rate.status === "ok" ? undefined : rate.reason} detail={rate.trend ? `Trend ${rate.trend.direction}` : undefined} />
      </div>
      <Section
        title="Queue"
        description={canAct ? "Acknowledge, assign or resolve with a note; every action is kept and audited." : "Read only for your role."}
        csv={{ filename: `exceptions-${tenant.slug}.csv`, rows: sorted.map(({ workflow, run_id, reason, opened_at, age_minutes, sla_minutes, sla_left_minutes, state, assignee, last_note }) => ({ workflow, run_id, reason, opened_at, age_minutes, sla_minutes, sla_left_minutes, state, assignee, last_note })) }}
      >
        <QueueTable tenant={tenant.slug} items={sorted} canAct={canAct} />
      </Section>
      <Section title="Weekly exception rate" csv={{ filename: `exception-trend-${tenant.slug}.csv`, rows: weekly }}>
        <TrendChart data={weekly} index="week" categories={["Exception rate"]} percent locale={locale} />
        {rate.reasons.length ? (
          <p className="mt-2 text-xs text-slate-600">Top reasons: {rate.reasons.slice(0, 5).map((r) => `${r.reason || "unspecified"} (${f.number(r.runs)})`).join(", ")}</p>
        ) : null}
      </Section>
    </>
  );
}
