import type { ComplianceResult, ControlComparisonResult, LaborHoursResult, MilestonesResult } from "@/metrics/registry";

export interface EvidenceInput {
  tenant: string;
  generatedAt: string;
  generatedBy: string;
  window: { from: string; to: string };
  workflow?: string;
  compliance: ComplianceResult;
  labor: LaborHoursResult;
  milestones: MilestonesResult;
  /** The control comparison of each milestone workflow (docs/metrics.md, "Control comparisons"). */
  controls: { workflow: string; result: ControlComparisonResult }[];
  files: { name: string; href: string; rows: number }[];
}

const esc = (s: unknown) => String(s ?? "—").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);

/** One row per workflow with controls: the estimate and interval, or why there is none (withheld, not comparable). */
function controlRows(controls: EvidenceInput["controls"]): string {
  const hours = (v: number | null) => (v === null ? "—" : `${v.toFixed(2)} h`);
  const points = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)} pp`);
  const cell = (m: ControlComparisonResult["cycle"], f: (v: number | null) => string) =>
    !m ? "—" : m.status === "ok" ? `${f(m.estimate)} (95% CI ${f(m.interval?.[0] ?? null)} to ${f(m.interval?.[1] ?? null)}); plain before/after ${f(m.treated_change)}. ${m.sentence}` : m.sentence;
  return controls
    .filter(({ result: r }) => r.withheld || r.controls.length > 0)
    .map(({ workflow, result: r }) => {
      const why = r.cycle ? "" : (r.reason ?? "");
      return `<tr><td>${esc(workflow)}</td><td>${esc(r.controls.join(", ") || "withheld")}</td><td>${esc(why || cell(r.cycle, hours))}</td><td>${esc(why || cell(r.exceptions, points))}</td></tr>`;
    })
    .join("\n");
}

/**
 * A self-contained printable page: no scripts, no external assets, so an auditor can open, print or
 * archive it without Plumbline. Every figure names the definition it comes from (DESIGN.md §3).
 */
export function evidenceSummary(e: EvidenceInput): string {
  const c = e.compliance;
  const rows: [string, string, string][] = [
    ["Audit coverage", pct(c.audit_coverage), `AI steps with model, model version and prompt version ÷ AI steps (${c.ai_steps})`],
    ["Review coverage", pct(c.review_coverage), `reviewed outputs ÷ outputs requiring review (${c.reviews_done} of ${c.reviews_required})`],
    ["Review-SLA adherence", pct(c.review_sla_adherence), `reviews within SLA ÷ reviews with an SLA (${c.reviews_with_sla})`],
    ["Policy violations", String(c.policy_violations.total), `${c.policy_violations.unapproved_model_steps} AI steps on phi/privileged data with an unapproved model + ${c.policy_violations.denied_accesses} denied data accesses`],
    ["Open exceptions past SLA", String(c.open_exceptions.past_sla), `${c.open_exceptions.open} open; oldest past SLA ${c.open_exceptions.oldest_past_sla_hours ?? "—"} h`],
    ["Labor hours displaced", e.labor.hours === null ? `insufficient data (${e.labor.reason ?? ""})` : `${e.labor.hours} h`, "Σ (locked baseline minutes − run human minutes) / 60 over live runs"],
    ["Net value", e.labor.net_value === null ? `unknown${e.labor.unknown_reason ? ` (${e.labor.unknown_reason})` : ""}` : `${e.labor.net_value} ${e.labor.currency}`, "value − AI token cost − platform cost − recurring investment"],
    ["ROI", e.labor.roi === null ? `unknown${e.labor.unknown_reason ? ` (${e.labor.unknown_reason})` : ""}` : pct(e.labor.roi), "net value ÷ (AI token cost + platform cost + recurring investment); the one-time investment counts in payback"],
  ];
  const checkpoints = e.milestones.workflows.flatMap((w) => w.checkpoints.map((cp) => `<tr><td>${esc(w.workflow)}</td><td>${cp.days} d</td><td>${esc(cp.date)}</td><td>${esc(cp.status)}</td><td>${esc(w.baseline_version ? `v${w.baseline_version}` : "none")}</td></tr>`));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Plumbline evidence pack — ${esc(e.tenant)} ${esc(e.window.from)} to ${esc(e.window.to)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}td,th{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}@media print{a{color:inherit}}</style>
</head><body>
<h1>Evidence pack</h1>
<p>Tenant <strong>${esc(e.tenant)}</strong>${e.workflow ? `, workflow <strong>${esc(e.workflow)}</strong>` : ", all workflows visible to the requester"}; period ${esc(e.window.from)} to ${esc(e.window.to)} (UTC days, inclusive).
Generated ${esc(e.generatedAt)} by ${esc(e.generatedBy)}. This request is recorded in the audit log.</p>
<h2>Summary</h2>
<table><thead><tr><th>Measure</th><th>Value</th><th>Definition</th></tr></thead><tbody>
${rows.map(([a, b, d]) => `<tr><td>${esc(a)}</td><td>${esc(b)}</td><td>${esc(d)}</td></tr>`).join("\n")}
</tbody></table>
<h2>Milestones</h2>
<table><thead><tr><th>Workflow</th><th>Checkpoint</th><th>Date</th><th>Status</th><th>Baseline</th></tr></thead><tbody>
${checkpoints.join("\n") || '<tr><td colspan="5">No workflow has a go-live date.</td></tr>'}
</tbody></table>
<h2>Against a control</h2>
<p>Change minus the change of comparable work not automated, over the same weeks; the 95% interval is a bootstrap over weeks. When the control did not move in parallel before go-live, no estimate is given.</p>
<table><thead><tr><th>Workflow</th><th>Controls</th><th>Cycle time (weekly median)</th><th>Exception rate</th></tr></thead><tbody>
${controlRows(e.controls) || '<tr><td colspan="4">No workflow names a control.</td></tr>'}
</tbody></table>
<h2>Files</h2>
<p>Each file is the complete list behind a figure above, for the same period and scope.</p>
<ul>${e.files.map((f) => `<li><a href="${esc(f.href)}">${esc(f.name)}</a> — ${f.rows} rows</li>`).join("")}</ul>
</body></html>`;
}
