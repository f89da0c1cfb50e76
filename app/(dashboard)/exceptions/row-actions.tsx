"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useTRPC } from "@/app/trpc/client";
import type { QueueItem } from "@/server/routers/exception-queue";
import { AssignForm } from "./assign-form";

type Mode = "assign" | "resolve" | null;

const button = "rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50";

/** One row's actions: acknowledge, assign to a member, resolve with a note. Each is a tRPC mutation (audited there), then the page re-reads. */
export function RowActions({ tenant, item, members }: { tenant: string; item: QueueItem; members: string[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [mode, setMode] = useState<Mode>(null);
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [refreshing, startRefresh] = useTransition();
  const done = () => {
    setMode(null);
    setNote("");
    setError(null);
    startRefresh(() => router.refresh());
  };
  const onError = (e: { message: string }) => setError(e.message);
  const acknowledge = useMutation(trpc.exceptions.acknowledge.mutationOptions({ onSuccess: done, onError }));
  const assign = useMutation(trpc.exceptions.assign.mutationOptions({ onSuccess: done, onError }));
  const resolve = useMutation(trpc.exceptions.resolve.mutationOptions({ onSuccess: done, onError }));
  const busy = acknowledge.isPending || assign.isPending || resolve.isPending || refreshing;
  const alert = error ? <p role="alert" className="text-xs text-red-700">{error}</p> : null;

  if (item.state === "resolved") return <span className="text-xs text-slate-500">{item.last_note}</span>;
  if (mode === "assign") {
    return (
      <>
        {alert}
        <AssignForm runId={item.run_id} members={members} busy={busy} button={button} onCancel={() => setMode(null)} onAssign={(assignee) => assign.mutate({ tenant, runId: item.run_id, assignee })} />
      </>
    );
  }
  if (mode === "resolve") {
    return (
      <form className="flex flex-wrap gap-1" onSubmit={(e) => { e.preventDefault(); resolve.mutate({ tenant, runId: item.run_id, note }); }}>
        {alert}
        <label className="sr-only" htmlFor={`input-${item.run_id}`}>Resolution note</label>
        <input id={`input-${item.run_id}`} autoFocus required value={note} onChange={(e) => setNote(e.target.value)} placeholder="how it was resolved" className="w-44 rounded border border-slate-300 px-1 py-0.5 text-xs" />
        <button type="submit" disabled={busy} className={button}>Resolve</button>
        <button type="button" onClick={() => setMode(null)} className={button}>Cancel</button>
      </form>
    );
  }
  return (
    <div className="flex flex-wrap gap-1">
      {alert}
      {item.state === "new" ? (
        <button type="button" disabled={busy} className={button} onClick={() => acknowledge.mutate({ tenant, runId: item.run_id })}>
          Acknowledge
        </button>
      ) : null}
      <button type="button" disabled={busy} className={button} onClick={() => setMode("assign")}>Assign…</button>
      <button type="button" disabled={busy} className={button} onClick={() => { setNote(""); setMode("resolve"); }}>Resolve…</button>
    </div>
  );
}
