"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useTRPC } from "@/app/trpc/client";
import type { QueueItem } from "@/server/routers/exception-queue";

type Mode = { runId: string; kind: "assign" | "resolve" } | null;

function slaText(item: QueueItem): string {
  if (item.sla_left_minutes === null) return "no SLA";
  const m = Math.abs(item.sla_left_minutes);
  const span = m >= 1440 ? `${Math.round(m / 1440)} d` : m >= 60 ? `${Math.round(m / 60)} h` : `${m} min`;
  // A resolved item's SLA age stopped at its resolution (docs/metrics.md, "SLA age").
  if (item.state === "resolved") return item.sla_left_minutes < 0 ? `resolved ${span} late` : "resolved within SLA";
  return item.sla_left_minutes < 0 ? `breached ${span} ago` : `${span} left`;
}

function ageText(minutes: number): string {
  return minutes >= 1440 ? `${Math.floor(minutes / 1440)} d ${Math.floor((minutes % 1440) / 60)} h` : minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

/** The queue with its actions; each action is a tRPC mutation (audited there), then the page re-reads. */
export function QueueTable({ tenant, items, canAct }: { tenant: string; items: QueueItem[]; canAct: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [mode, setMode] = useState<Mode>(null);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [refreshing, startRefresh] = useTransition();
  const done = () => {
    setMode(null);
    setText("");
    setError(null);
    startRefresh(() => router.refresh());
  };
  const onError = (e: { message: string }) => setError(e.message);
  const acknowledge = useMutation(trpc.exceptions.acknowledge.mutationOptions({ onSuccess: done, onError }));
  const assign = useMutation(trpc.exceptions.assign.mutationOptions({ onSuccess: done, onError }));
  const resolve = useMutation(trpc.exceptions.resolve.mutationOptions({ onSuccess: done, onError }));
  const busy = acknowledge.isPending || assign.isPending || resolve.isPending || refreshing;
  const button = "rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50";

  if (items.length === 0) return <p className="rounded border border-dashed border-slate-300 p-4 text-sm text-slate-500">No exceptions match these filters.</p>;
  return (
    <div className="overflow-x-auto">
      {error ? <p role="alert" className="mb-2 text-sm text-red-700">{error}</p> : null}
      <table className="w-full text-left text-sm" data-testid="exception-queue">
        <caption className="sr-only">Exception queue</caption>
        <thead>
          <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            <th scope="col" className="px-2 py-2">Run</th>
            <th scope="col" className="px-2 py-2">Workflow</th>
            <th scope="col" className="px-2 py-2">Reason</th>
            <th scope="col" className="px-2 py-2 text-right">Age</th>
            <th scope="col" className="px-2 py-2">SLA</th>
            <th scope="col" className="px-2 py-2">State</th>
            <th scope="col" className="px-2 py-2">Assignee</th>
            {canAct ? <th scope="col" className="px-2 py-2">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.run_id} className="border-b border-slate-100 align-top last:border-0" data-run={item.run_id} data-state={item.state}>
              <td className="max-w-40 break-all px-2 py-2 font-mono text-xs">{item.run_id}</td>
              <td className="px-2 py-2">{item.workflow}</td>
              <td className="px-2 py-2">{item.reason || "—"}</td>
              <td className="px-2 py-2 text-right tabular-nums">{ageText(item.age_minutes)}</td>
              <td className={`px-2 py-2 ${item.sla_left_minutes !== null && item.sla_left_minutes < 0 ? "font-medium text-red-700" : ""}`}>{slaText(item)}</td>
              <td className="px-2 py-2">{item.state}</td>
              <td className="px-2 py-2">{item.assignee || "—"}</td>
              {canAct ? (
                <td className="px-2 py-2">
                  {item.state === "resolved" ? (
                    <span className="text-xs text-slate-500">{item.last_note}</span>
                  ) : mode?.runId === item.run_id ? (
                    <form
                      className="flex flex-wrap gap-1"
                      onSubmit={(e) => {
                        e.preventDefault();
                        if (mode.kind === "assign") assign.mutate({ tenant, runId: item.run_id, assignee: text });
                        else resolve.mutate({ tenant, runId: item.run_id, note: text });
                      }}
                    >
                      <label className="sr-only" htmlFor={`input-${item.run_id}`}>{mode.kind === "assign" ? "Assignee" : "Resolution note"}</label>
                      <input
                        id={`input-${item.run_id}`}
                        autoFocus
                        required
                        value={text}
                        onChange={(e) => setText(e.target.value)}
                        placeholder={mode.kind === "assign" ? "assignee e-mail" : "how it was resolved"}
                        className="w-44 rounded border border-slate-300 px-1 py-0.5 text-xs"
                      />
                      <button type="submit" disabled={busy} className={button}>{mode.kind === "assign" ? "Assign" : "Resolve"}</button>
                      <button type="button" onClick={() => setMode(null)} className={button}>Cancel</button>
                    </form>
                  ) : (
                    <div className="flex flex-wrap gap-1">
                      {item.state === "new" ? (
                        <button type="button" disabled={busy} className={button} onClick={() => acknowledge.mutate({ tenant, runId: item.run_id })}>
                          Acknowledge
                        </button>
                      ) : null}
                      <button type="button" disabled={busy} className={button} onClick={() => { setText(""); setMode({ runId: item.run_id, kind: "assign" }); }}>
                        Assign…
                      </button>
                      <button type="button" disabled={busy} className={button} onClick={() => { setText(""); setMode({ runId: item.run_id, kind: "resolve" }); }}>
                        Resolve…
                      </button>
                    </div>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
