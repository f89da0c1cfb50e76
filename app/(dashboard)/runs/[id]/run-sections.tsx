import { DataTable } from "@/app/components/data-table";
import type { Formatter } from "@/app/components/format";
import { Empty, Section } from "@/app/components/section";
import type { RunDetail, RunStep } from "@/metrics/run-detail";

const yesNo = (v: number | null | undefined) => (v === null || v === undefined ? "Unknown" : v ? "Yes" : "No");

/** The run's own record and flags, as every metric counts it. */
export function RunSummary({ d, f }: { d: RunDetail; f: Formatter }) {
  const r = d.run;
  const rows: [string, string][] = [
    ["Workflow", d.workflow],
    ["Phase", d.phase],
    ["Started", f.dateTime(r?.start_at)],
    ["Ended", f.dateTime(r?.end_at)],
    ["Cycle time", r ? f.hours(r.cycle_seconds / 3600) : "in flight"],
    ["Outcome", r?.outcome ?? "in flight: no run record yet"],
    ["Exception", yesNo(r?.exception)],
    ["Reason", r?.reason || "—"],
    ["Straight-through", yesNo(r?.straight_through)],
    ["Human time", r?.human_minutes === null || r === null ? "Unknown" : f.minutes(r.human_minutes)],
  ];
  return (
    <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4" data-testid="run-summary">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-500">{k}</dt>
          <dd data-field={k}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function StepTable({ steps, f }: { steps: RunStep[]; f: Formatter }) {
  return (
    <DataTable
      caption="Steps"
      testId="run-steps"
      rows={steps}
      rowKey={(s) => s.span_id}
      columns={[
        { header: "Step", cell: (s) => s.step },
        { header: "Actor", cell: (s) => s.actor },
        { header: "Status", cell: (s) => s.status },
        { header: "Start", numeric: true, cell: (s) => `+${f.minutes(s.offset_seconds / 60)}` },
        { header: "Duration", numeric: true, cell: (s) => f.minutes(s.duration_seconds / 60) },
        { header: "Model", cell: (s) => (s.model ? `${s.model}${s.model_version ? ` (${s.model_version})` : ""}` : "—") },
        { header: "Prompt", cell: (s) => s.prompt_version || "—" },
        { header: "Tokens in / out", numeric: true, cell: (s) => (s.actor === "ai" ? `${f.number(s.input_tokens)} / ${f.number(s.output_tokens)}` : "—") },
      ]}
    />
  );
}

export function OutputsSection({ d, f }: { d: RunDetail; f: Formatter }) {
  return (
    <Section title="AI outputs and their reviews" testId="run-outputs">
      {d.outputs.length === 0 ? (
        <Empty>No step of this run recorded an AI output.</Empty>
      ) : (
        <DataTable
          caption="AI outputs"
          rows={d.outputs}
          rowKey={(o) => o.step.span_id}
          columns={[
            { header: "Output", cell: (o) => <span className="font-mono text-xs">{o.step.output_id}</span> },
            { header: "Step", cell: (o) => o.step.step },
            { header: "Model", cell: (o) => o.step.model || "—" },
            { header: "Confidence", numeric: true, cell: (o) => f.percent(o.step.confidence) },
            { header: "Review required", cell: (o) => yesNo(o.step.review_required) },
            { header: "Reviews", cell: (o) => (o.reviews.length ? o.reviews.map((r) => `${r.review_outcome} (${r.step}, ${r.actor})`).join("; ") : "none") },
          ]}
        />
      )}
    </Section>
  );
}

export function InterventionsSection({ d, f }: { d: RunDetail; f: Formatter }) {
  return (
    <Section title="Interventions" testId="run-interventions">
      {d.interventions.length === 0 ? (
        <Empty>No one had to intervene in this run.</Empty>
      ) : (
        <DataTable
          caption="Interventions"
          rows={d.interventions}
          rowKey={(s) => s.span_id}
          columns={[
            { header: "Step", cell: (s) => s.step },
            { header: "Reason", cell: (s) => s.intervention_reason || "unspecified" },
            { header: "At", numeric: true, cell: (s) => `+${f.minutes(s.offset_seconds / 60)}` },
            { header: "Human time", numeric: true, cell: (s) => f.minutes(s.human_minutes) },
          ]}
        />
      )}
    </Section>
  );
}

export function ExceptionSection({ d, f }: { d: RunDetail; f: Formatter }) {
  const e = d.exception;
  return (
    <Section title="Exception and queue history" testId="run-exception">
      {!e ? (
        <Empty>{d.phase === "live" ? "This run is not an exception." : "Baseline runs are not in the exception queue."}</Empty>
      ) : (
        <>
          <p className="mb-2 text-sm">
            <span className="font-medium">{e.state}</span> · opened {f.dateTime(e.opened_at)} · reason {e.reason || "unspecified"}
            {e.assignee ? ` · assigned to ${e.assignee}` : ""}
            {e.sla_minutes > 0 ? ` · SLA ${f.minutes(e.sla_minutes)}${e.is_past_sla ? " (breached)" : ""}` : " · no SLA"}
          </p>
          {d.history.length === 0 ? (
            <Empty>No one has acted on it yet.</Empty>
          ) : (
            <DataTable
              caption="Queue history"
              rows={d.history}
              rowKey={(h, i) => `${i}-${h.at}`}
              columns={[
                { header: "When", cell: (h) => f.dateTime(h.at) },
                { header: "Action", cell: (h) => h.action },
                { header: "By", cell: (h) => h.actor_email || "—" },
                { header: "Assignee", cell: (h) => h.assignee || "—" },
                { header: "Note", cell: (h) => h.note || "—" },
              ]}
            />
          )}
        </>
      )}
    </Section>
  );
}
