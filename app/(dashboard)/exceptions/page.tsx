import type { Metadata } from "next";
import { z } from "zod";
import { FilterBar } from "@/app/components/filter-bar";
import { formatter } from "@/app/components/format";
import { PageHeader } from "@/app/components/page-header";
import { runsHref } from "@/app/components/runs-href";
import { Forbidden, NoTenant, Section, mayView } from "@/app/components/section";
import { StaleSourcesBanner } from "@/app/components/stale-sources-banner";
import { StaleTiles } from "@/app/components/stale-tiles";
import { Tile } from "@/app/components/tile";
import { TrendChart } from "@/app/components/trend-chart";
import { type ServerCaller, viewContext, windowOf } from "@/app/components/view-context";
import { decodeCursor, encodeCursor, type QueueItem } from "@/server/routers/exception-queue";
import { QueueFilters, VIEWS } from "./queue-filters";
import { QUEUE_PAGE_SIZE } from "./page-size";
import { QueuePager } from "./queue-pager";
import { QueueTable } from "./queue-table";

export const metadata: Metadata = { title: "Exceptions" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Rows per page: the resolved view of the demo was 4,446 px tall on one page. */
const PAGE = QUEUE_PAGE_SIZE;

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const queueParams = z.object({
  state: z.preprocess(one, z.enum(["open", "new", "assigned", "resolved", "all"])).catch("open"),
  sort: z.preprocess(one, z.enum(["age", "sla"])).catch("age"),
  mine: z.preprocess(one, z.literal("1").optional()).catch(undefined),
  after: z.preprocess(one, z.string().min(1).max(2000).optional()).catch(undefined),
});
type QueueParams = z.infer<typeof queueParams>;

type Assignees = Record<string, string[]>;

/**
 * Who may be assigned exceptions of the workflows in view, asked beside the queue rather than after it
 * (the rows' own workflows are among them). Past the procedure's 200 workflows, undefined: the page then
 * asks for its rows' workflows once it has them.
 */
async function assigneesInView(caller: ServerCaller, tenant: string, listed: Promise<{ workflow: string }[]>, workflow: string | undefined): Promise<Assignees | undefined> {
  const workflows = (await listed).map((w) => w.workflow).filter((w) => workflow === undefined || w === workflow);
  if (workflows.length > 200) return undefined;
  return workflows.length ? caller.exceptions.assignees({ tenant, workflows }) : {};
}

/** One page of the queue (one row more, to know whether another page follows), its total, and who may be assigned its rows. */
async function queuePage(caller: ServerCaller, scope: { tenant: string; workflow?: string; from?: string; to?: string }, q: QueueParams, inView: Promise<Assignees | undefined> | null) {
  const filter = { ...scope, states: VIEWS[q.state] ?? VIEWS.open!, assignedToMe: q.mine === "1" };
  const [{ items: rows, count }, known] = await Promise.all([caller.exceptions.page({ ...filter, limit: PAGE + 1, ...(q.after ? { after: q.after } : {}) }), inView]);
  const items = rows.slice(0, PAGE);
  const last = items[items.length - 1];
  const next = rows.length > PAGE && last ? encodeCursor(last) : null;
  const workflows = [...new Set(items.map((i) => i.workflow))];
  const assignees = inView === null ? {} : (known ?? (workflows.length ? await caller.exceptions.assignees({ tenant: scope.tenant, workflows }) : {}));
  // Sorting by SLA puts the most overdue of the page first; exceptions without an SLA go last.
  const sorted = q.sort === "sla" ? [...items].sort((a, b) => (a.sla_left_minutes ?? Infinity) - (b.sla_left_minutes ?? Infinity)) : items;
  return { items: sorted, count, next, assignees };
}

const csvRow = ({ workflow, run_id, reason, opened_at, age_minutes, sla_minutes, sla_left_minutes, state, assignee, last_note }: QueueItem) => ({ workflow, run_id, reason, opened_at, age_minutes, sla_minutes, sla_left_minutes, state, assignee, last_note });

export default async function ExceptionsPage({ searchParams }: Props) {
  const raw = await searchParams;
  const { caller, tenant, params, locale } = await viewContext(Promise.resolve(raw));
  if (!tenant) return <NoTenant />;
  if (!mayView("exceptions", tenant.role)) return <Forbidden title="Exceptions" role={tenant.role} tenantName={tenant.name} />;
  const parsed = queueParams.parse(raw);
  // A hand-edited or truncated page link starts again at the first page, and says so.
  const damaged = parsed.after !== undefined && !decodeCursor(parsed.after);
  const q = damaged ? { ...parsed, after: undefined } : parsed;
  const scope = { tenant: tenant.slug, ...windowOf(params), ...(params.workflow ? { workflow: params.workflow } : {}) };
  const canAct = tenant.role === "ops" || tenant.role === "admin";
  const listed = caller.workflows.list({ tenant: tenant.slug });
  const inView = canAct ? assigneesInView(caller, tenant.slug, listed, params.workflow) : null;
  const [page, team, workflows, stale] = await Promise.all([queuePage(caller, scope, q, inView), caller.exceptions.team(scope), listed, caller.staleness.sources(scope)]);
  const f = formatter(locale);
  const { rate, compliance } = team;
  const weekly = rate.weekly.map((w) => ({ week: w.week, "Exception rate": w.exception_rate, Runs: w.runs }));
  const runs = runsHref(tenant.slug, { phase: "live", exception: true, ...(params.workflow ? { workflow: params.workflow } : {}), ...windowOf(params) });
  const query = { ...scope, state: q.state, sort: q.sort, ...(q.mine ? { mine: q.mine } : {}) };
  return (
    <>
      <PageHeader title="Exceptions" description="What needs a human now: open exceptions with their age and SLA, and the team's record." />
      <StaleSourcesBanner stale={stale} locale={locale} />
      <FilterBar workflows={workflows.map((w) => w.workflow)} extra={<QueueFilters state={q.state} sort={q.sort} mine={q.mine === "1"} />} />
      <StaleTiles stale={stale} workflows={params.workflow ? [params.workflow] : workflows.map((w) => w.workflow)} className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Tile testId="tile-queue-count" label={`Exceptions (${q.state}${q.mine ? ", mine" : ""})`} value={f.number(page.count.items)} href={runs} detail={`In this window · ${PAGE} a page`} />
        <Tile testId="tile-queue-breached" label="Past SLA in this list" value={f.number(page.count.past_sla)} />
        <Tile testId="tile-review-sla" label="Review-SLA adherence" value={f.percent(compliance.review_sla_adherence)} detail={`${f.number(compliance.reviews_with_sla)} reviews with an SLA`} />
        <Tile testId="tile-exception-rate" label="Exception rate (live)" value={f.percent(rate.live.exception_rate)} insufficient={rate.status === "ok" ? undefined : rate.reason} detail={rate.trend ? `Trend ${rate.trend.direction}` : undefined} />
      </StaleTiles>
      <Section
        title="Queue"
        description={canAct ? "Acknowledge (one or the selected rows), assign to a member or resolve with a note; every action is kept and audited." : "Read only for your role."}
        csv={{ filename: `exceptions-${tenant.slug}.csv`, rows: page.items.map(csvRow) }}
      >
        {damaged ? <p role="alert" className="mb-2 text-sm text-amber-800">That page link was damaged or out of date: this is the first page.</p> : null}
        <QueueTable tenant={tenant.slug} items={page.items} canAct={canAct} assignees={page.assignees} />
        <QueuePager query={query} next={page.next} paged={q.after !== undefined} />
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
