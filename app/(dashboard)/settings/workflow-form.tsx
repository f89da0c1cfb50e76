"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { useTRPC } from "@/app/trpc/client";
import type { WorkflowConfig } from "@/server/routers/settings-workflows";

const field = "rounded border border-slate-300 px-2 py-1 text-sm";

/** Edits one workflow's configuration; saving appends a new version (the old one is kept). */
export function WorkflowForm({ tenant, config }: { tenant: string; config?: WorkflowConfig }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
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
    const d = new FormData(e.currentTarget);
    const s = (k: string) => String(d.get(k) ?? "");
    save.mutate({
      tenant,
      workflow: s("workflow"),
      display_name: s("display_name"),
      go_live_date: s("go_live_date") || null,
      hourly_cost: Number(s("hourly_cost")),
      currency: s("currency"),
      review_sla_minutes: Number(s("review_sla_minutes")),
      exception_sla_minutes: Number(s("exception_sla_minutes")),
      targets: s("targets") || "{}",
      approved_models: s("approved_models") || "{}",
      platform_cost_monthly: Number(s("platform_cost_monthly")),
      implementation_cost: Number(s("implementation_cost")),
      recurring_investment_monthly: Number(s("recurring_investment_monthly")),
    });
  };
  const id = (k: string) => `${config?.workflow ?? "new"}-${k}`;
  const input = (k: keyof WorkflowConfig, label: string, type = "text", extra: Record<string, string> = {}) => (
    <label htmlFor={id(k)} className="flex flex-col text-xs text-slate-600">
      {label}
      <input id={id(k)} name={k} type={type} defaultValue={config ? String(config[k] ?? "") : ""} className={field} {...extra} />
    </label>
  );
  return (
    <form onSubmit={submit} className="grid grid-cols-2 gap-2 md:grid-cols-4" aria-label={`Settings of ${config?.workflow ?? "a new workflow"}`}>
      {config ? <input type="hidden" name="workflow" value={config.workflow} /> : input("workflow", "Workflow id", "text", { required: "" })}
      {input("display_name", "Display name")}
      {input("go_live_date", "Go-live date", "date")}
      {input("hourly_cost", "Loaded hourly cost", "number", { step: "0.01", min: "0", required: "" })}
      {input("currency", "Currency", "text", { pattern: "[A-Z]{3}", required: "" })}
      {input("review_sla_minutes", "Review SLA (min)", "number", { min: "0", required: "" })}
      {input("exception_sla_minutes", "Exception SLA (min)", "number", { min: "0", required: "" })}
      {input("platform_cost_monthly", "Platform cost / month", "number", { step: "0.01", min: "0", required: "" })}
      {input("implementation_cost", "One-time investment (build)", "number", { step: "0.01", min: "0", required: "" })}
      {input("recurring_investment_monthly", "Recurring investment / month", "number", { step: "0.01", min: "0", required: "" })}
      <label htmlFor={id("targets")} className="col-span-2 flex flex-col text-xs text-slate-600">
        Targets (JSON: cycle_time_compression, exception_rate, labor_hours_30d)
        <textarea id={id("targets")} name="targets" defaultValue={config?.targets ?? "{}"} rows={2} className={`${field} font-mono text-xs`} />
      </label>
      <label htmlFor={id("approved_models")} className="col-span-2 flex flex-col text-xs text-slate-600">
        Approved models per data class (JSON)
        <textarea id={id("approved_models")} name="approved_models" defaultValue={config?.approved_models ?? "{}"} rows={2} className={`${field} font-mono text-xs`} />
      </label>
      <div className="col-span-2 flex items-center gap-2 md:col-span-4">
        <button type="submit" disabled={save.isPending} className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50">
          {save.isPending ? "Saving…" : "Save new version"}
        </button>
        {message ? <p role="status" className="text-xs text-slate-600">{message}</p> : null}
      </div>
    </form>
  );
}
