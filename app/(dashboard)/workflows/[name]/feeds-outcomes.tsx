import { DataTable } from "@/app/components/data-table";
import type { Formatter } from "@/app/components/format";
import { Section } from "@/app/components/section";
import type { ServerCaller } from "@/app/components/view-context";
import { OUTCOMES } from "@/metrics/business-outcome-defs";

/** This workflow's leading indicators, by the key an outcome's `fedBy` names them with. */
export interface LeadingFigures {
  "cycle-time": number | null;
  "exception-rate": number | null;
  "labor-hours": number | null;
  rework: number | null;
}

const LABELS: Record<string, string> = { "cycle-time": "cycle-time compression", "exception-rate": "exception rate", "labor-hours": "hours displaced", rework: "rework rate", compliance: "compliance (see Compliance)" };

/**
 * Which business outcomes this workflow's leading indicators feed (docs/metrics.md, "Business
 * outcomes"), with this workflow's figures beside each outcome's change against the baseline year.
 * The outcomes are the firm's: behind a workflow barrier the section says so instead.
 */
export async function FeedsOutcomes({ caller, tenant, figures, f }: { caller: ServerCaller; tenant: string; figures: LeadingFigures; f: Formatter }) {
  const show = (key: string) => {
    const v = figures[key as keyof LeadingFigures];
    if (v === undefined) return LABELS[key] ?? key;
    return `${LABELS[key]} ${key === "labor-hours" ? f.hours(v) : f.percent(v)}`;
  };
  let report;
  try {
    report = await caller.business.outcomes({ tenant });
  } catch (err) {
    if ((err as { code?: string }).code !== "FORBIDDEN") throw err;
    return null;
  }
  const rows = report.outcomes.map((o) => ({
    outcome: o.title,
    fed_by: OUTCOMES[o.key].fedBy.map(show).join("; "),
    change: o.status === "ok" && o.change !== null ? `${o.change > 0 ? "+" : ""}${o.unit.startsWith("share") ? `${f.number(o.change * 100, 1)} pts` : f.number(o.change, 1)}` : "insufficient data",
  }));
  return (
    <Section title="Business outcomes this workflow feeds" description="Its leading indicators beside each outcome's change against the same months of the baseline year (firm-wide)." csv={{ filename: "feeds-outcomes.csv", rows }} testId="feeds-outcomes">
      <DataTable caption="Outcomes fed" rows={rows} rowKey={(r) => r.outcome} columns={[{ header: "Outcome", cell: (r) => r.outcome }, { header: "Fed by (this workflow)", cell: (r) => r.fed_by }, { header: "Change", numeric: true, cell: (r) => r.change }]} />
    </Section>
  );
}
