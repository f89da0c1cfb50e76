"use client";

import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/app/trpc/client";

/** "Send a test alert": one attempt per recipient, each shown as delivered or failed at once. */
export function TestAlertButton({ tenant, ruleId }: { tenant: string; ruleId: string }) {
  const trpc = useTRPC();
  const test = useMutation(trpc.alerts.test.mutationOptions());
  return (
    <div className="flex flex-col gap-1">
      <button
        type="button"
        onClick={() => test.mutate({ tenant, ruleId })}
        disabled={test.isPending}
        className="w-fit rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50"
      >
        {test.isPending ? "Sending…" : "Send test alert"}
      </button>
      {test.error ? <span role="alert" className="text-xs text-red-700">{test.error.message}</span> : null}
      {test.data ? (
        <ul className="text-xs text-slate-600" aria-live="polite">
          {test.data.length === 0 ? <li>This rule has no recipients.</li> : null}
          {test.data.map((d) => (
            <li key={d.delivery_id}>
              {d.channel} {d.target}: <strong className={d.status === "delivered" ? "text-emerald-700" : "text-red-700"}>{d.status}</strong>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
