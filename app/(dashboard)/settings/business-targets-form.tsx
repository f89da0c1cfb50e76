"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { useTRPC } from "@/app/trpc/client";
import { targetInput, targetText } from "@/metrics/business-target";
import type { OutcomeTarget } from "@/server/routers/business-targets";

const field = "w-24 rounded border border-slate-300 px-2 py-1 text-sm aria-[invalid=true]:border-red-500";

/** Targets are typed as percent (relative) or percentage points (absolute) and kept as fractions. */
const unitOf = (t: OutcomeTarget) => (t.kind === "relative" ? "% change" : "percentage points");

/** One outcome's target: typed, checked with the server's own schema, saved or removed. */
function TargetRow({ tenant, t }: { tenant: string; t: OutcomeTarget }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const done = (text: string) => {
    setMessage(text);
    router.refresh();
  };
  const fail = (e: { message: string }) => setError(e.message);
  const save = useMutation(trpc.business.setTarget.mutationOptions({ onSuccess: (r) => done(`Saved: ${targetText(r)}.`), onError: fail }));
  const remove = useMutation(trpc.business.removeTarget.mutationOptions({ onSuccess: (r) => done(r.removed ? "Target removed." : "There was no target."), onError: fail }));
  const id = `target-${t.outcome}`;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const text = String(new FormData(e.currentTarget).get("target") ?? "").trim();
    const payload = { outcome: t.outcome, target: text === "" ? Number.NaN : Number(text) / 100 };
    const issue = targetInput.safeParse(payload).error?.issues[0];
    setMessage(null);
    setError(issue ? issue.message : null);
    if (!issue) save.mutate({ tenant, ...payload });
  };
  return (
    <form onSubmit={submit} noValidate className="flex flex-wrap items-end gap-2 border-b border-slate-100 py-2 last:border-0" aria-label={`Target of ${t.title}`} data-testid={id}>
      <label htmlFor={id + "-input"} className="flex w-72 flex-col text-xs text-slate-600">
        <span className="text-sm font-medium text-slate-900">{t.title}</span>
        better {t.better}; target as {unitOf(t)} against the baseline year
      </label>
      <input id={id + "-input"} name="target" type="number" step="any" defaultValue={t.target === null ? "" : String(Math.round(t.target * 100_000) / 1_000)} className={field} aria-invalid={Boolean(error)} aria-describedby={error ? `${id}-error` : undefined} />
      <button type="submit" disabled={save.isPending} className="rounded bg-slate-800 px-3 py-1 text-sm font-medium text-white disabled:opacity-50">Save</button>
      {t.target !== null ? (
        <button type="button" onClick={() => remove.mutate({ tenant, outcome: t.outcome })} disabled={remove.isPending} className="rounded border border-slate-300 px-3 py-1 text-sm">
          Remove
        </button>
      ) : null}
      <span className="text-xs text-slate-500">{t.target === null ? "no target" : `current ${targetText({ kind: t.kind, target: t.target })}${t.updated_at ? `, set ${t.updated_at} UTC` : ""}`}</span>
      {error ? <span id={`${id}-error`} role="alert" className="w-full text-xs text-red-700">{error}</span> : null}
      {message ? <span role="status" className="w-full text-xs text-emerald-700">{message}</span> : null}
    </form>
  );
}

/** The firm-level targets of the business outcomes, one row per outcome (docs/metrics.md, "Lagging checkpoints"). */
export function BusinessTargetsForm({ tenant, targets }: { tenant: string; targets: OutcomeTarget[] }) {
  return (
    <div data-testid="business-targets">
      {targets.map((t) => (
        <TargetRow key={t.outcome} tenant={tenant} t={t} />
      ))}
    </div>
  );
}
