"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useTRPC } from "@/app/trpc/client";

const ROLES = ["admin", "executive", "ops", "engineer"] as const;
type Role = (typeof ROLES)[number];

export interface MemberRow {
  userId: string;
  email: string;
  role: Role;
  groups: string[];
  disabled: boolean;
}

export interface GroupRow {
  group_id: string;
  name: string;
  workflows: string[];
}

const input = "rounded border border-slate-300 px-2 py-1 text-sm";
const button =
  "rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50";

function useRefresh() {
  const router = useRouter();
  const [pending, start] = useTransition();
  return { pending, refresh: () => start(() => router.refresh()) };
}

/** Disable/enable and remove (removal asks once more); the server refuses yourself and the last admin. */
function MemberActions({ tenant, member, onDone }: { tenant: string; member: MemberRow; onDone: () => void }) {
  const trpc = useTRPC();
  const [confirming, setConfirming] = useState(false);
  const toggle = useMutation(trpc.memberships.setDisabled.mutationOptions({ onSuccess: onDone }));
  const remove = useMutation(trpc.memberships.remove.mutationOptions({ onSuccess: onDone }));
  const error = toggle.error ?? remove.error;
  const busy = toggle.isPending || remove.isPending;
  return (
    <>
      <button type="button" className={button} disabled={busy} onClick={() => toggle.mutate({ tenant, userId: member.userId, disabled: !member.disabled })}>
        {member.disabled ? "Enable" : "Disable"}
      </button>
      {confirming ? (
        <button type="button" className={`${button} border-red-400 text-red-700`} disabled={busy} onClick={() => remove.mutate({ tenant, userId: member.userId })}>
          Confirm removal
        </button>
      ) : (
        <button type="button" className={button} disabled={busy} onClick={() => setConfirming(true)}>
          Remove
        </button>
      )}
      {error ? <span role="alert" className="ml-2 text-xs text-red-700">{error.message}</span> : null}
    </>
  );
}

/** One member's role and workflow groups (information barriers), saved as a new membership version. */
function MemberEditor({ tenant, member, groups }: { tenant: string; member: MemberRow; groups: GroupRow[] }) {
  const trpc = useTRPC();
  const { pending, refresh } = useRefresh();
  const [role, setRole] = useState<Role>(member.role);
  const [chosen, setChosen] = useState<string[]>(member.groups);
  const save = useMutation(trpc.memberships.update.mutationOptions({ onSuccess: refresh }));
  const changed = role !== member.role || chosen.join() !== member.groups.join();
  return (
    <tr className="border-b border-slate-100 align-top" data-testid={`member-${member.email}`}>
      <td className="px-2 py-2">
        {member.email}
        {member.disabled ? <span className="ml-2 rounded bg-slate-200 px-1 text-xs text-slate-700">disabled: cannot sign in</span> : null}
      </td>
      <td className="px-2 py-2">
        <select aria-label={`Role of ${member.email}`} value={role} onChange={(e) => setRole(e.target.value as Role)} className={input}>
          {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
      </td>
      <td className="px-2 py-2">
        {groups.length === 0 ? <span className="text-slate-500">all workflows</span> : groups.map((g) => (
          <label key={g.group_id} className="mr-3 inline-flex items-center gap-1 text-xs">
            <input type="checkbox" checked={chosen.includes(g.group_id)} onChange={(e) => setChosen(e.target.checked ? [...chosen, g.group_id] : chosen.filter((x) => x !== g.group_id))} />
            {g.name}
          </label>
        ))}
      </td>
      <td className="flex flex-wrap gap-1 px-2 py-2">
        <button type="button" className={button} disabled={!changed || save.isPending || pending} onClick={() => save.mutate({ tenant, userId: member.userId, role, groups: chosen })}>
          Save
        </button>
        {save.error ? <span role="alert" className="ml-2 text-xs text-red-700">{save.error.message}</span> : null}
        <MemberActions tenant={tenant} member={member} onDone={refresh} />
      </td>
    </tr>
  );
}

/** Members of the tenant: add people, change roles and workflow groups; every change is audited. */
export function People({ tenant, members, groups }: { tenant: string; members: MemberRow[]; groups: GroupRow[] }) {
  const trpc = useTRPC();
  const { refresh } = useRefresh();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("executive");
  const [password, setPassword] = useState("");
  const add = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: () => {
        setEmail("");
        setPassword("");
        refresh();
      },
    }),
  );
  return (
    <div className="flex flex-col gap-3">
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({ tenant, email: email.trim(), role, ...(password ? { password } : {}) });
        }}
      >
        <label className="flex flex-col text-xs text-slate-600">
          E-mail
          <input name="member-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} className={input} />
        </label>
        <label className="flex flex-col text-xs text-slate-600">
          Role
          <select name="member-role" value={role} onChange={(e) => setRole(e.target.value as Role)} className={input}>
            {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
        <label className="flex flex-col text-xs text-slate-600">
          Password (new accounts; ≥ 12 characters, or leave empty for single sign-on)
          <input name="member-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} className={input} />
        </label>
        <button type="submit" className={button} disabled={add.isPending || !email.trim()}>Add member</button>
      </form>
      {add.error ? <p role="alert" className="text-sm text-red-700">{add.error.message}</p> : null}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="members">
          <caption className="sr-only">Members</caption>
          <thead>
            <tr className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
              <th scope="col" className="px-2 py-2">E-mail</th>
              <th scope="col" className="px-2 py-2">Role</th>
              <th scope="col" className="px-2 py-2">Workflow groups</th>
              <th scope="col" className="px-2 py-2">Change</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => <MemberEditor key={`${m.userId}-${m.role}-${m.groups.join()}-${m.disabled}`} tenant={tenant} member={m} groups={groups} />)}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Workflow groups: a member in a group sees only its workflows (information barriers). */
export function Groups({ tenant, groups, workflows }: { tenant: string; groups: GroupRow[]; workflows: string[] }) {
  const trpc = useTRPC();
  const { refresh } = useRefresh();
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const save = useMutation(
    trpc.groups.save.mutationOptions({
      onSuccess: () => {
        setName("");
        setChosen([]);
        refresh();
      },
    }),
  );
  const remove = useMutation(trpc.groups.remove.mutationOptions({ onSuccess: refresh }));
  const error = save.error ?? remove.error;
  return (
    <div className="flex flex-col gap-3">
      {groups.length === 0 ? <p className="text-sm text-slate-500">No groups: every member sees every workflow.</p> : (
        <ul className="text-sm" data-testid="groups">
          {groups.map((g) => (
            <li key={g.group_id} className="flex flex-wrap items-center gap-2 border-b border-slate-100 py-1">
              <strong>{g.name}</strong>
              <span className="text-slate-600">{g.workflows.join(", ")}</span>
              <button type="button" className={button} aria-label={`Remove group ${g.name}`} disabled={remove.isPending} onClick={() => remove.mutate({ tenant, groupId: g.group_id })}>Remove</button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ tenant, name: name.trim(), workflows: chosen });
        }}
      >
        <label className="flex flex-col text-xs text-slate-600">
          New group
          <input name="group-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} className={input} />
        </label>
        <fieldset className="flex flex-wrap gap-2 text-xs">
          <legend className="sr-only">Workflows in the group</legend>
          {workflows.map((w) => (
            <label key={w} className="inline-flex items-center gap-1">
              <input type="checkbox" checked={chosen.includes(w)} onChange={(e) => setChosen(e.target.checked ? [...chosen, w] : chosen.filter((x) => x !== w))} />
              {w}
            </label>
          ))}
        </fieldset>
        <button type="submit" className={button} disabled={save.isPending || !name.trim() || chosen.length === 0}>Create group</button>
      </form>
      {error ? <p role="alert" className="text-sm text-red-700">{error.message}</p> : null}
    </div>
  );
}
