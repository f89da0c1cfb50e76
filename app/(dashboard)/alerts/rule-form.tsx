"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, type ReactNode, useState } from "react";
import { useTRPC } from "@/app/trpc/client";
import { ANOMALY_SERIES, SERIES_WORDS } from "@/server/alerts/anomaly-kinds";
import { HEADLINES } from "@/server/alerts/condition";
import { THRESHOLD_METRICS, type ThresholdMetric } from "@/server/alerts/business-metric";
import type { RuleSpec } from "@/server/alerts/rule";
import { type Draft, type FieldErrors, draftOf, validate, withKind, withMetric } from "./rule-draft";

// Fields fill their grid cell (min-w-0), so the window and its unit share one cell without overflowing.
const input = "w-full min-w-0 rounded border border-slate-300 px-2 py-1 text-sm";
const KINDS: [RuleSpec["kind"], string][] = [
  ["threshold", "A metric crosses a threshold"],
  ["stale-source", "A source is staler than its SLA"],
  ["exceptions-past-sla", "Open exceptions past their SLA"],
  ["milestone", "A go-live checkpoint at risk or missed"],
  ["ingest-rejects", "Ingest rejects too many spans"],
  ["pilot-trap", "A live workflow shows the pilot trap"],
  ["anomaly", "A series leaves its normal band (no threshold)"],
];

/** One labelled field with its own error beneath it (aria-describedby ties the two for screen readers). */
function Field({ id, label, error, children, wide }: { id: string; label: string; error?: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={`flex flex-col text-xs text-slate-600 ${wide ? "col-span-2" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <span id={`${id}-error`} role="alert" data-testid={`${id}-error`} className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** Field makers bound to one form's draft, errors and id prefix. */
function fieldsFor(prefix: string, d: Draft, setD: (d: Draft) => void, errors: FieldErrors) {
  const id = (k: keyof Draft) => `${prefix}-${k}`;
  const set = (k: keyof Draft) => (e: { target: { value: string } }) => setD({ ...d, [k]: e.target.value });
  const text = (k: keyof Draft, label: string, extra: Record<string, string> = {}) => (
    <Field id={id(k)} label={label} error={errors[k]}>
      <input id={id(k)} value={String(d[k])} onChange={set(k)} aria-invalid={Boolean(errors[k])} aria-describedby={errors[k] ? `${id(k)}-error` : undefined} className={input} {...extra} />
    </Field>
  );
  const select = (k: keyof Draft, label: string, options: [string, string][], onChange = set(k)) => (
    <Field id={id(k)} label={label} error={errors[k]}>
      <select id={id(k)} value={String(d[k])} onChange={onChange} className={input}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </Field>
  );
  return { id, set, text, select };
}

/** The fields of the chosen kind. */
function KindFields({ d, setD, errors, workflows, prefix }: { d: Draft; setD: (d: Draft) => void; errors: FieldErrors; workflows: string[]; prefix: string }) {
  const { id, text, select } = fieldsFor(prefix, d, setD, errors);
  const workflowSelect = (none: string) => select("workflow", "Workflow", [["", none], ...workflows.map((w): [string, string] => [w, w])]);
  const ratio = HEADLINES[d.metric].unit === "ratio";
  return (
    <>
      {d.kind === "threshold" ? (
        <>
          {select("metric", "Metric", THRESHOLD_METRICS.map((m): [string, string] => [m, HEADLINES[m].noun]), (e) => setD(withMetric(d, e.target.value as ThresholdMetric)))}
          {workflowSelect("the firm")}
          {select("op", "Is", [["gt", "above"], ["gte", "at or above"], ["lt", "below"], ["lte", "at or below"]])}
          {text("value", `Threshold${ratio ? " (%)" : ` (${HEADLINES[d.metric].unit})`}`, { inputMode: "decimal" })}
        </>
      ) : null}
      {d.kind === "stale-source" ? text("source", "Source (empty: every source with a freshness SLA)") : null}
      {d.kind === "exceptions-past-sla" ? (
        <>
          {workflowSelect("any workflow")}
          {text("minCount", "At least this many", { inputMode: "numeric" })}
        </>
      ) : null}
      {d.kind === "milestone" ? (
        <>
          {workflowSelect("any workflow")}
          <Field id={id("statuses")} label="When a checkpoint is" error={errors.statuses}>
            <span id={id("statuses")} className="flex gap-3 py-1">
              {(["at_risk", "missed"] as const).map((s) => (
                <label key={s} className="flex items-center gap-1 text-sm">
                  <input type="checkbox" checked={d.statuses.includes(s)} onChange={(e) => setD({ ...d, statuses: e.target.checked ? [...d.statuses, s] : d.statuses.filter((x) => x !== s) })} />
                  {s.replace("_", " ")}
                </label>
              ))}
            </span>
          </Field>
        </>
      ) : null}
      {d.kind === "pilot-trap" ? workflowSelect("any live workflow") : null}
      {d.kind === "ingest-rejects" ? (
        <>
          {text("share", "Rejected share above (%)", { inputMode: "decimal" })}
          {text("minSpans", "Only with at least this many spans", { inputMode: "numeric" })}
        </>
      ) : null}
      {d.kind === "anomaly" ? (
        <>
          {select("series", "Series", ANOMALY_SERIES.map((s): [string, string] => [s, SERIES_WORDS[s].noun]))}
          {SERIES_WORDS[d.series].perWorkflow ? workflowSelect("the firm") : d.series === "source-freshness" ? text("source", "Source (empty: the stalest)") : null}
          {select("sensitivity", "Sensitivity", [["low", "low (4 spreads)"], ["medium", "medium (3 spreads)"], ["high", "high (2.5 spreads)"]])}
          {text("persistK", "Days outside the band", { inputMode: "numeric" })}
          {text("persistN", "Out of the last (days)", { inputMode: "numeric" })}
        </>
      ) : null}
    </>
  );
}

/**
 * Creates a rule, or edits one (`rule` given): every kind the evaluator knows, with its channels.
 * Problems are shown beside their fields, in the form's units (percentages, days).
 */
export function RuleForm({ tenant, workflows, rule, onDone }: { tenant: string; workflows: string[]; rule?: { ruleId: string; spec: RuleSpec }; onDone?: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [d, setD] = useState<Draft>(() => draftOf(rule?.spec));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const done = (text: string) => {
    setMessage(text);
    if (!rule) setD(draftOf());
    router.refresh();
    onDone?.();
  };
  const create = useMutation(trpc.alerts.create.mutationOptions({ onSuccess: (r) => done(`Created "${r.spec.name}".`), onError: (e) => setMessage(e.message) }));
  const update = useMutation(trpc.alerts.update.mutationOptions({ onSuccess: (r) => done(`Saved "${r.spec.name}".`), onError: (e) => setMessage(e.message) }));
  const pending = create.isPending || update.isPending;
  const { id, set, text, select } = fieldsFor(rule?.ruleId ?? "new", d, setD, errors);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setMessage(null);
    const { rule: valid, errors: found } = validate(d);
    setErrors(found);
    if (!valid) return;
    if (rule) update.mutate({ tenant, ruleId: rule.ruleId, rule: valid });
    else create.mutate({ tenant, ...valid });
  };
  return (
    <form noValidate onSubmit={submit} aria-label={rule ? `Edit rule ${rule.spec.name}` : "New alert rule"} className="grid grid-cols-2 gap-2 md:grid-cols-4">
      {text("name", "Name")}
      {select("kind", "When", KINDS, (e) => setD(withKind(d, e.target.value as Draft["kind"])))}
      {select("severity", "Severity", [["info", "info"], ["warning", "warning"], ["critical", "critical"]])}
      <div className="grid min-w-0 grid-cols-2 gap-1">
        {text("window", "Looking back", { inputMode: "numeric" })}
        {select("windowUnit", "Unit", [["minutes", "minutes"], ["hours", "hours"], ["days", "days"]])}
      </div>
      <KindFields d={d} setD={setD} errors={errors} workflows={workflows} prefix={rule?.ruleId ?? "new"} />
      <Field id={id("emails")} label="E-mail recipients (one per line)" error={errors.emails} wide>
        <textarea id={id("emails")} value={d.emails} onChange={set("emails")} rows={2} className={input} />
      </Field>
      <Field id={id("webhooks")} label="Webhook URLs (one per line; each gets a signing secret)" error={errors.webhooks} wide>
        <textarea id={id("webhooks")} value={d.webhooks} onChange={set("webhooks")} rows={2} className={input} />
      </Field>
      {select("format", "Webhook body", [["json", "Plumbline JSON"], ["slack", "Slack"], ["teams", "Teams"]])}
      {text("interval", "Check every (min)", { inputMode: "numeric" })}
      {text("cooldown", "Quiet after a resolution (min)", { inputMode: "numeric" })}
      <label className="flex items-center gap-1 self-end text-sm">
        <input type="checkbox" checked={d.enabled} onChange={(e) => setD({ ...d, enabled: e.target.checked })} /> Enabled
      </label>
      <div className="col-span-2 flex items-center gap-2 md:col-span-4">
        <button type="submit" disabled={pending} className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50">
          {pending ? "Saving…" : rule ? "Save rule" : "Create rule"}
        </button>
        {message ? (
          <p role="status" className="text-xs text-slate-600">
            {message}
          </p>
        ) : null}
      </div>
    </form>
  );
}
