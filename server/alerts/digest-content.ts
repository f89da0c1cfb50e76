import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { WORKFLOW_SCOPE_SQL, workflowScope } from "@/server/trpc";
import { type EmailContent, escapeHtml } from "./email";
import type { MetricKey, MetricRunner } from "./metric-runner";
import { milestoneStatuses, type MilestoneStatus } from "./milestone-statuses";
import { sourceFreshness, type SourceFreshness } from "./stale-sources";

const DAY = 24 * 3_600_000;
/** "To date" reaches back as far as live data is kept (400 days, DESIGN.md §5). */
const TO_DATE_DAYS = 400;
/** Bounds the week-on-week comparison: a digest is a summary, not a scan of every workflow. */
const MAX_WORKFLOWS = 25;
const COMPARED: readonly { key: MetricKey; label: string }[] = [
  { key: "exception-rate", label: "Exception rate" },
  { key: "cycle-time", label: "Cycle-time compression" },
  { key: "labor-hours", label: "Labor hours displaced" },
];

export interface DigestChange {
  workflow: string;
  metric: string;
  before: number;
  after: number;
  /** Relative change; ranks the changes. */
  change: number;
}

export interface DigestData {
  tenantId: string;
  /** The recipient's information barrier the figures were computed within; null = the whole firm. */
  workflows: string[] | null;
  weekFrom: Date;
  now: Date;
  hoursWeek: number | null;
  valueWeek: number | null;
  hoursToDate: number | null;
  valueToDate: number | null;
  currency: string;
  milestones: MilestoneStatus[] | null;
  changes: DigestChange[];
  staleSources: SourceFreshness[];
}

const labor = z.looseObject({ value: z.number().nullable().optional(), currency: z.string().optional() });
const workflowRow = z.object({ workflow: z.string() });

async function safely<T>(run: () => Promise<T>): Promise<T | null> {
  try {
    return await run();
  } catch {
    // A metric the engine does not (yet) provide leaves its section empty rather than the whole digest.
    return null;
  }
}

/**
 * Gathers the week's numbers for one tenant as a reader behind `barrier` sees them (null = no barrier):
 * totals over the reader's workflows only, never the firm's. Every section degrades to "not available" on its own.
 */
export async function digestData(db: Db, runMetric: MetricRunner, tenantId: string, now: Date, barrier: string[] | null = null): Promise<DigestData> {
  const weekFrom = new Date(now.getTime() - 7 * DAY);
  const prevFrom = new Date(now.getTime() - 14 * DAY);
  const scoped = { tenantId, workflows: barrier };
  const [week, toDate, milestones, stale, workflows] = await Promise.all([
    safely(() => runMetric(db, "labor-hours", { ...scoped, from: weekFrom, to: now, asOf: now })),
    safely(() => runMetric(db, "labor-hours", { ...scoped, from: new Date(now.getTime() - TO_DATE_DAYS * DAY), to: now, asOf: now })),
    safely(() => runMetric(db, "milestones", { ...scoped, asOf: now })),
    sourceFreshness(db, tenantId, now, barrier),
    db.query(
      `SELECT workflow FROM workflows WHERE tenant_id = {tenant:String} AND ${WORKFLOW_SCOPE_SQL}
       GROUP BY workflow HAVING argMax(removed, updated_at) = 0 ORDER BY workflow LIMIT {max:UInt32}`,
      { tenant: tenantId, max: MAX_WORKFLOWS, ...workflowScope(barrier) },
      workflowRow,
    ),
  ]);
  const changes: DigestChange[] = [];
  for (const { workflow } of workflows) {
    for (const m of COMPARED) {
      const [after, before] = await Promise.all([
        safely(() => runMetric(db, m.key, { ...scoped, workflow, from: weekFrom, to: now, asOf: now })),
        safely(() => runMetric(db, m.key, { ...scoped, workflow, from: prevFrom, to: weekFrom, asOf: weekFrom })),
      ]);
      const a = after?.status === "ok" ? after.headline.value : null;
      const b = before?.status === "ok" ? before.headline.value : null;
      if (a === null || b === null || a === b) continue;
      changes.push({ workflow, metric: m.label, before: b, after: a, change: b === 0 ? Infinity : (a - b) / Math.abs(b) });
    }
  }
  changes.sort((x, y) => Math.abs(y.change) - Math.abs(x.change));
  const w = labor.safeParse(week ?? {});
  const t = labor.safeParse(toDate ?? {});
  // The engine scopes by `workflows`; checkpoints are filtered again so no other workflow's name is sent.
  const inside = (subject: string) => barrier === null || barrier.includes(subject.slice(0, subject.lastIndexOf(":")));
  return {
    tenantId,
    workflows: barrier,
    weekFrom,
    now,
    hoursWeek: week?.status === "ok" ? week.headline.value : null,
    valueWeek: w.success ? (w.data.value ?? null) : null,
    hoursToDate: toDate?.status === "ok" ? toDate.headline.value : null,
    valueToDate: t.success ? (t.data.value ?? null) : null,
    currency: (w.success && w.data.currency) || (t.success && t.data.currency) || "USD",
    milestones: milestones ? milestoneStatuses(milestones).filter((m) => inside(m.subject)) : null,
    changes: changes.slice(0, 3),
    staleSources: stale.filter((s) => s.stale),
  };
}

const num = (v: number | null, digits = 1) => (v === null ? "n/a" : v.toLocaleString("en-US", { maximumFractionDigits: digits }));
const money = (v: number | null, currency: string) =>
  v === null ? "n/a" : v.toLocaleString("en-US", { style: "currency", currency, maximumFractionDigits: 0 });
const pct = (c: number) => (Number.isFinite(c) ? `${c > 0 ? "+" : ""}${(c * 100).toFixed(0)}%` : "new");

/** The executive digest as text and HTML, with links back to the dashboard. */
export function renderDigest(d: DigestData, tenantName: string, publicUrl: string): EmailContent {
  const base = publicUrl.replace(/\/+$/, "");
  const day = (x: Date) => x.toISOString().slice(0, 10);
  const sections: { title: string; lines: { text: string; link?: string }[] }[] = [
    {
      title: d.workflows === null ? "Value" : `Value in your workflows (${d.workflows.join(", ") || "none"})`,
      lines: [
        { text: `This week: ${num(d.hoursWeek)} hours displaced, ${money(d.valueWeek, d.currency)}` },
        { text: `To date: ${num(d.hoursToDate)} hours displaced, ${money(d.valueToDate, d.currency)}`, link: `${base}/overview` },
      ],
    },
    {
      title: "Milestones",
      lines:
        d.milestones === null
          ? [{ text: "Milestone scorecard not available." }]
          : d.milestones.length === 0
            ? [{ text: "No milestones yet." }]
            : d.milestones.map((m) => ({ text: `${m.subject}: ${m.status.replace("_", " ")}`, link: `${base}/workflows/${encodeURIComponent(m.subject.split(":")[0] ?? "")}` })),
    },
    {
      title: "Biggest changes this week",
      lines:
        d.changes.length === 0
          ? [{ text: "No significant changes." }]
          : d.changes.map((c) => ({
              text: `${c.workflow} — ${c.metric}: ${num(c.before, 3)} → ${num(c.after, 3)} (${pct(c.change)})`,
              link: `${base}/workflows/${encodeURIComponent(c.workflow)}`,
            })),
    },
    {
      title: "Stale sources",
      lines:
        d.staleSources.length === 0
          ? [{ text: "All sources within their freshness SLA." }]
          : d.staleSources.map((s) => ({
              text: `${s.source}: ${s.ageMinutes === null ? "never synced" : `${num(s.ageMinutes / 60)} h old`} (SLA ${num(s.slaMinutes / 60)} h)`,
              link: `${base}/sources`,
            })),
    },
  ];
  const subject = `[Plumbline] Weekly digest for ${tenantName}: ${day(d.weekFrom)} to ${day(d.now)}`;
  const text = [
    `Plumbline weekly digest — ${tenantName}, ${day(d.weekFrom)} to ${day(d.now)}`,
    ...sections.flatMap((s) => ["", s.title, ...s.lines.map((l) => `- ${l.text}${l.link ? ` (${l.link})` : ""}`)]),
    "",
    `Dashboard: ${base}/overview`,
    "You receive this because you opted in to the weekly digest; opt out in your settings.",
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<h2>Plumbline weekly digest — ${escapeHtml(tenantName)}</h2>
<p>${day(d.weekFrom)} to ${day(d.now)}</p>
${sections
  .map(
    (s) =>
      `<h3>${escapeHtml(s.title)}</h3><ul>${s.lines
        .map((l) => `<li>${l.link ? `<a href="${escapeHtml(l.link)}">${escapeHtml(l.text)}</a>` : escapeHtml(l.text)}</li>`)
        .join("")}</ul>`,
  )
  .join("\n")}
<p><a href="${escapeHtml(base)}/overview">Open the dashboard</a></p>
<p style="color:#666">You receive this because you opted in to the weekly digest; opt out in your settings.</p>
</body></html>`;
  return { subject, text: `${text}\n`, html };
}
