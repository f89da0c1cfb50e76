"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, type ReactNode, useState } from "react";
import { useTRPC } from "@/app/trpc/client";
import type { WorkflowConfig } from "@/server/routers/settings-workflows";
import { approvedModelsShape, fieldErrors, targetsShape, workflowConfigInput } from "@/server/routers/workflow-config-input";
import { ApprovedModelsField, type ModelRow, modelRowsOf, modelsOf } from "./approved-models-field";

const field = "rounded border border-slate-300 px-2 py-1 text-sm aria-[invalid=true]:border-red-500";

/** Targets kept as fractions are typed as percentages; labor hours as hours. */
const TARGETS = [
  { key: "cycle_time_compression", label: "Target: cycle time compression (%)", percent: true },
  { key: "exception_rate", label: "Target: exception rate at most (%)", percent: true },
  { key: "labor_hours_30d", label: "Target: labor hours displaced / 30 days", percent: false },
] as const;
type TargetKey = (typeof TARGETS)[number]["key"];

function targetTexts(json: string | undefined): Record<TargetKey, string> {
  let stored: Record<string, unknown> = {};
  try {
    stored = JSON.parse(json ?? "{}") as Record<string, unknown>;
  } catch {
    // Text that is not JSON starts empty: the form writes the documented shape on save.
  }
  const text = (k: TargetKey, percent: boolean) => (typeof stored[k] === "number" ? String(percent ? Math.round(stored[k] * 10_000) / 100 : stored[k]) : "");
  return Object.fromEntries(TARGETS.map((t) => [t.key, text(t.key, t.percent)])) as Record<TargetKey, string>;
}

/** Empty fields are no target; a number field left empty becomes NaN, which the schema names. */
function targetsOf(texts: Record<TargetKey, string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of TARGETS) {
    const s = texts[t.key].trim();
    if (s) out[t.key] = t.percent ? Number(s) / 100 : Number(s);
  }
  return out;
}

/** The payload and every problem in it, keyed by field, checked with the server's own schema. */
function check(d: FormData, texts: Record<TargetKey, string>, rows: ModelRow[]) {
  const s = (k: string) => String(d.get(k) ?? "").trim();
  const num = (k: string) => (s(k) === "" ? Number.NaN : Number(s(k)));
  const models = modelsOf(rows);
  const payload = {
    workflow: s("workflow"),
    display_name: s("display_name"),
    go_live_date: s("go_live_date") || null,
    hourly_cost: num("hourly_cost"),
    ...(s("currency") ? { currency: s("currency").toUpperCase() } : {}),
    review_sla_minutes: num("review_sla_minutes"),
    exception_sla_minutes: num("exception_sla_minutes"),
    targets: JSON.stringify(targetsOf(texts)),
    approved_models: JSON.stringify(models.value),
    platform_cost_monthly: num("platform_cost_monthly"),
    implementation_cost: num("implementation_cost"),
    recurring_investment_monthly: num("recurring_investment_monthly"),
    controls: s("controls").split(/[\s,]+/).filter(Boolean),
    manual_runs_per_week: num("manual_runs_per_week"),
  };
  const errors = fieldErrors(workflowConfigInput.safeParse(payload).error?.issues ?? []);
  // Each target and the model list get their own message, not "targets must be valid JSON".
  delete errors.targets;
  delete errors.approved_models;
  Object.assign(errors, fieldErrors(targetsShape.safeParse(targetsOf(texts)).error?.issues ?? []));
  const modelIssue = approvedModelsShape.safeParse(models.value).error?.issues[0]?.message;
  if (models.duplicate !== undefined) errors.approved_models = `data class "${models.duplicate}" is listed twice`;
  else if (modelIssue) errors.approved_models = modelIssue;
  return { payload, errors };
}

/** Edits one workflow's configuration; saving appends a new version (the old one is kept). */
export function WorkflowForm({ tenant, config, defaultCurrency }: { tenant: string; config?: WorkflowConfig; defaultCurrency: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [texts, setTexts] = useState(() => targetTexts(config?.targets));
  const [rows, setRows] = useState<ModelRow[]>(() => modelRowsOf(config?.approved_models));
  const save = useMutation(
    trpc.settingsWorkflows.save.mutationOptions({
      onSuccess: (r) => {
        setMessage(r.changed ? `Saved ${r.workflow}.` : `No change to ${r.workflow}.`);
        router.refresh();
      },
      onError: (e) => setMessage(e.message),
    }),
  );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const { payload, errors: found } = check(new FormData(e.currentTarget), texts, rows);
    setErrors(found);
    if (Object.keys(found).length) return setMessage("Not saved: correct the fields marked in red.");
    setMessage(null);
    save.mutate({ tenant, ...payload });
  };
  const id = (k: string) => `${config?.workflow ?? "new"}-${k}`;
  const labelled = (k: string, label: string, control: ReactNode) => (
    <label key={k} htmlFor={id(k)} className="flex flex-col text-xs text-slate-600">
      {label}
      {control}
      {errors[k] ? <span id={`${id(k)}-error`} className="text-red-700">{errors[k]}</span> : null}
    </label>
  );
  const aria = (k: string) => ({ "aria-invalid": Boolean(errors[k]), "aria-describedby": errors[k] ? `${id(k)}-error` : undefined });
  // `fresh` is the value a new workflow starts with; an existing one shows its stored value.
  const input = (k: keyof WorkflowConfig, label: string, type = "text", { fresh = "", ...extra }: Record<string, string> = {}) =>
    labelled(k, label, <input id={id(k)} name={k} type={type} defaultValue={config ? String(config[k] ?? "") : fresh} className={field} {...aria(k)} {...extra} />);
  return (
    <form onSubmit={submit} noValidate className="grid grid-cols-2 gap-2 md:grid-cols-4" aria-label={`Settings of ${config?.workflow ?? "a new workflow"}`}>
      {config ? <input type="hidden" name="workflow" value={config.workflow} /> : input("workflow", "Workflow id")}
      {input("display_name", "Display name")}
      {input("go_live_date", "Go-live date", "date")}
      {input("hourly_cost", "Loaded hourly cost", "number", { step: "0.01" })}
      {input("currency", "Currency (ISO 4217)", "text", { fresh: defaultCurrency, maxLength: "3" })}
      {input("review_sla_minutes", "Review SLA (min)", "number", { fresh: "60" })}
      {input("exception_sla_minutes", "Exception SLA (min)", "number", { fresh: "240" })}
      {input("platform_cost_monthly", "Platform cost / month", "number", { step: "0.01", fresh: "0" })}
      {input("implementation_cost", "One-time investment (build)", "number", { step: "0.01", fresh: "0" })}
      {input("recurring_investment_monthly", "Recurring investment / month", "number", { step: "0.01", fresh: "0" })}
      {input("controls", "Control workflows (ids, comma-separated)", "text", { placeholder: "none" })}
      {input("manual_runs_per_week", "Manual runs / week (still by hand)", "number", { step: "any", fresh: "0" })}
      {TARGETS.map((t) =>
        labelled(t.key, t.label, <input id={id(t.key)} type="number" step="any" value={texts[t.key]} onChange={(e) => setTexts({ ...texts, [t.key]: e.target.value })} placeholder="no target" className={field} {...aria(t.key)} />),
      )}
      <ApprovedModelsField id={id("approved_models")} rows={rows} onChange={setRows} error={errors.approved_models} />
      <div className="col-span-2 flex items-center gap-2 md:col-span-4">
        <button type="submit" disabled={save.isPending} className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50">
          {save.isPending ? "Saving…" : "Save new version"}
        </button>
        {message ? <p role="status" className="text-xs text-slate-600">{message}</p> : null}
      </div>
    </form>
  );
}
