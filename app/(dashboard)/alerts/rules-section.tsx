import { DataTable } from "@/app/components/data-table";
import { Section } from "@/app/components/section";
import type { RuleState } from "@/server/alerts/rule-state";
import type { RuleSpec } from "@/server/alerts/rule";
import { RuleActions } from "./rule-actions";
import { RuleForm } from "./rule-form";
import { TestAlertButton } from "./test-alert-button";

export interface RuleRow {
  ruleId: string;
  spec: RuleSpec;
  condition: string;
  state: RuleState | null;
}

const TONE: Record<RuleState["state"], string> = {
  firing: "bg-red-100 text-red-800",
  ok: "bg-emerald-100 text-emerald-800",
  insufficient_data: "bg-amber-100 text-amber-900",
  error: "bg-red-50 text-red-700",
  pending: "bg-slate-100 text-slate-700",
  disabled: "bg-slate-100 text-slate-500",
};

function StateCell({ state }: { state: RuleState | null }) {
  if (!state) return <span className="text-slate-500">Unknown</span>;
  return (
    <span data-testid="rule-state" data-state={state.state} className={`inline-block rounded px-1.5 py-0.5 text-xs ${TONE[state.state]}`}>
      {state.text}
    </span>
  );
}

/** The rules table (condition in words, state, actions) and the form for a new rule. */
export function RulesSection({ tenant, rules, workflows }: { tenant: string; rules: RuleRow[]; workflows: string[] }) {
  return (
    <>
      <Section
        title="Rules"
        description="What each rule watches, and whether it is firing, ok, or not evaluating for lack of data."
        testId="alert-rules"
        csv={{ filename: `alert-rules-${tenant}.csv`, rows: rules.map((r) => ({ rule_id: r.ruleId, name: r.spec.name, condition: r.condition, state: r.state?.text ?? "Unknown", severity: r.spec.severity, enabled: r.spec.enabled })) }}
      >
        {rules.length === 0 ? (
          <p className="text-sm text-slate-500">No rules yet: create one below.</p>
        ) : (
          <DataTable
            caption="Alert rules"
            rows={rules}
            rowKey={(r) => r.ruleId}
            testId="rules-table"
            columns={[
              { header: "Name", cell: (r) => (r.spec.kind === "anomaly" ? <a className="text-indigo-700 underline" href={`/alerts/rules/${r.ruleId}?tenant=${encodeURIComponent(tenant)}`}>{r.spec.name}</a> : r.spec.name) },
              { header: "Condition", cell: (r) => <span data-testid="rule-condition">{r.condition}</span> },
              { header: "State", cell: (r) => <StateCell state={r.state} /> },
              { header: "Severity", cell: (r) => r.spec.severity },
              { header: "Every", cell: (r) => `${r.spec.intervalMinutes} min` },
              { header: "Channels", cell: (r) => r.spec.recipients.map((x) => (x.kind === "email" ? x.to : `${x.format} webhook`)).join(", ") || "none" },
              { header: "Change", cell: (r) => <RuleActions tenant={tenant} workflows={workflows} rule={r} /> },
              { header: "Test", cell: (r) => <TestAlertButton tenant={tenant} ruleId={r.ruleId} /> },
            ]}
          />
        )}
      </Section>
      <Section title="New rule" description="Every change is a new version of the rule and is written to the audit log." testId="alert-rule-form">
        <RuleForm tenant={tenant} workflows={workflows} />
      </Section>
    </>
  );
}
