"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { runHref } from "@/app/components/runs-href";
import { useTRPC } from "@/app/trpc/client";
import type { QueueItem } from "@/server/routers/exception-queue";
import { BulkBar, type BulkResult } from "./bulk-bar";
import { RowActions } from "./row-actions";

function slaText(item: QueueItem): string {
  if (item.sla_left_minutes === null) return "no SLA";
  // The same units and rounding down as the age beside it: "breached 4 d ago" next to an age of
  // 3 d 21 h read as a contradiction.
  const span = ageText(Math.abs(item.sla_left_minutes));
  // A resolved item's SLA age stopped at its resolution (docs/metrics.md, "SLA age").
  if (item.state === "resolved") return item.sla_left_minutes < 0 ? `resolved ${span} late` : "resolved within SLA";
  return item.sla_left_minutes < 0 ? `breached ${span} ago` : `${span} left`;
}

function ageText(minutes: number): string {
  return minutes >= 1440 ? `${Math.floor(minutes / 1440)} d ${Math.floor((minutes % 1440) / 60)} h` : minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

// One line a row (the table scrolls sideways on a narrow screen), so a page of the queue stays short.
const th = "whitespace-nowrap px-2 py-2";
// Run links do not prefetch: fifty rows would render fifty run pages on every view of the queue.

/** The queue with its actions; each action is a tRPC mutation (audited there), then the page re-reads. */
export function QueueTable({ tenant, items, canAct, assignees }: { tenant: string; items: QueueItem[]; canAct: boolean; assignees: Record<string, string[]> }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [result, setResult] = useState<BulkResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refreshing, startRefresh] = useTransition();
  const bulk = useMutation(
    trpc.exceptions.acknowledgeMany.mutationOptions({
      onSuccess: (r) => {
        setResult(r);
        setSelected(new Set());
        setError(null);
        startRefresh(() => router.refresh());
      },
      onError: (e) => setError(e.message),
    }),
  );
  const selectable = canAct ? items.filter((i) => i.state !== "resolved").map((i) => i.run_id) : [];
  const toggle = (runId: string) => setSelected((s) => { const n = new Set(s); if (n.has(runId)) n.delete(runId); else n.add(runId); return n; });
  const allOn = selectable.length > 0 && selectable.every((id) => selected.has(id));

  if (items.length === 0) return <p className="rounded border border-dashed border-slate-300 p-4 text-sm text-slate-500">No exceptions match these filters.</p>;
  return (
    <div className="overflow-x-auto">
      {error ? <p role="alert" className="mb-2 text-sm text-red-700">{error}</p> : null}
      {canAct ? <BulkBar count={selected.size} busy={bulk.isPending || refreshing} result={result} onAcknowledge={() => bulk.mutate({ tenant, runIds: [...selected] })} /> : null}
      <table className="w-full text-left text-sm" data-testid="exception-queue">
        <caption className="sr-only">Exception queue</caption>
        <thead>
          <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
            {canAct ? (
              <th scope="col" className={th}>
                <input type="checkbox" aria-label="Select every open exception on this page" checked={allOn} disabled={selectable.length === 0} onChange={() => setSelected(allOn ? new Set() : new Set(selectable))} />
              </th>
            ) : null}
            <th scope="col" className={th}>Run</th>
            <th scope="col" className={th}>Workflow</th>
            <th scope="col" className={th}>Reason</th>
            <th scope="col" className={`${th} text-right`}>Age</th>
            <th scope="col" className={th}>SLA</th>
            <th scope="col" className={th}>State</th>
            <th scope="col" className={th}>Assignee</th>
            {canAct ? <th scope="col" className={th}>Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={`${item.workflow}/${item.run_id}`} className="border-b border-slate-100 align-top last:border-0" data-run={item.run_id} data-state={item.state}>
              {canAct ? (
                <td className={th}>
                  {item.state === "resolved" ? null : <input type="checkbox" aria-label={`Select ${item.run_id}`} checked={selected.has(item.run_id)} onChange={() => toggle(item.run_id)} />}
                </td>
              ) : null}
              <td className={`${th} font-mono text-xs`}>
                <Link href={runHref(tenant, item.workflow, item.run_id)} prefetch={false} className="text-indigo-700 hover:underline" data-testid="run-link">{item.run_id}</Link>
              </td>
              <td className={th}>{item.workflow}</td>
              <td className={th}>{item.reason || "—"}</td>
              <td className={`${th} text-right tabular-nums`}>{ageText(item.age_minutes)}</td>
              <td className={`${th} ${item.sla_left_minutes !== null && item.sla_left_minutes < 0 ? "font-medium text-red-700" : ""}`}>{slaText(item)}</td>
              <td className={th}>{item.state}</td>
              <td className={th}>{item.assignee || "—"}</td>
              {canAct ? (
                <td className={th}>
                  <RowActions tenant={tenant} item={item} members={assignees[item.workflow] ?? []} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
