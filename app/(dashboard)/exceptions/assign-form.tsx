"use client";

import { useState } from "react";

/**
 * Assignment picked from the tenant's members who may take this workflow's exceptions (the server
 * checks again and refuses anyone else in words).
 */
export function AssignForm({ runId, members, busy, onAssign, onCancel, button }: {
  runId: string;
  members: string[];
  busy: boolean;
  onAssign: (assignee: string) => void;
  onCancel: () => void;
  button: string;
}) {
  const [assignee, setAssignee] = useState(members[0] ?? "");
  if (members.length === 0) {
    return (
      <span className="text-xs text-slate-500">
        No member may take this workflow&apos;s exceptions.{" "}
        <button type="button" onClick={onCancel} className={button}>Cancel</button>
      </span>
    );
  }
  return (
    <form className="flex flex-wrap gap-1" onSubmit={(e) => { e.preventDefault(); onAssign(assignee); }}>
      <label className="sr-only" htmlFor={`assignee-${runId}`}>Assignee</label>
      <select id={`assignee-${runId}`} name="assignee" autoFocus value={assignee} onChange={(e) => setAssignee(e.target.value)} className="w-48 rounded border border-slate-300 px-1 py-0.5 text-xs">
        {members.map((m) => <option key={m} value={m}>{m}</option>)}
      </select>
      <button type="submit" disabled={busy} className={button}>Assign</button>
      <button type="button" onClick={onCancel} className={button}>Cancel</button>
    </form>
  );
}
