"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/app/trpc/client";
import type { RuleSpec } from "@/server/alerts/rule";
import { RuleForm } from "./rule-form";

const button = "w-fit rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50";

/** Enable or disable, edit and delete one rule; each change is a new audited version. */
export function RuleActions({ tenant, workflows, rule }: { tenant: string; workflows: string[]; rule: { ruleId: string; spec: RuleSpec } }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const refresh = { onSuccess: () => router.refresh() };
  const toggle = useMutation(trpc.alerts.setEnabled.mutationOptions(refresh));
  const remove = useMutation(trpc.alerts.remove.mutationOptions(refresh));
  const error = toggle.error ?? remove.error;
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap gap-1">
        <button type="button" className={button} disabled={toggle.isPending} onClick={() => toggle.mutate({ tenant, ruleId: rule.ruleId, enabled: !rule.spec.enabled })}>
          {rule.spec.enabled ? "Disable" : "Enable"}
        </button>
        <button type="button" className={button} aria-expanded={editing} onClick={() => setEditing(!editing)}>
          {editing ? "Close" : "Edit"}
        </button>
        <button
          type="button"
          className={`${button} text-red-700`}
          disabled={remove.isPending}
          onClick={() => {
            if (window.confirm(`Delete the rule "${rule.spec.name}"? Its history stays.`)) remove.mutate({ tenant, ruleId: rule.ruleId });
          }}
        >
          Delete
        </button>
      </div>
      {error ? (
        <span role="alert" className="text-xs text-red-700">
          {error.message}
        </span>
      ) : null}
      {editing ? (
        <div className="mt-2 min-w-[40rem] rounded border border-slate-200 p-2">
          <RuleForm tenant={tenant} workflows={workflows} rule={rule} onDone={() => setEditing(false)} />
        </div>
      ) : null}
    </div>
  );
}
