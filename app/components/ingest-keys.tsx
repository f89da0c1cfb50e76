"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { DataTable } from "@/app/components/data-table";
import { useTRPC } from "@/app/trpc/client";

export interface IngestKeyRow {
  keyId: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const button =
  "rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 disabled:opacity-50";

/** Create (the secret is shown here once, never again) and revoke ingest keys; both audited by the API. */
export function IngestKeys({ tenant, keys }: { tenant: string; keys: IngestKeyRow[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const [refreshing, startRefresh] = useTransition();
  const refresh = () => startRefresh(() => router.refresh());
  const create = useMutation(
    trpc.ingestKeys.create.mutationOptions({
      onSuccess: (k) => {
        setSecret(k.secret);
        setName("");
        refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.ingestKeys.revoke.mutationOptions({ onSuccess: refresh }));
  const error = create.error ?? revoke.error;
  return (
    <div className="flex flex-col gap-3">
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) create.mutate({ tenant, name: name.trim() });
        }}
      >
        <label className="flex flex-col text-xs text-slate-600">
          New key for
          <input
            name="ingest-key-name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={100}
            placeholder="e.g. intake service"
            className="rounded border border-slate-300 px-2 py-1 text-sm"
          />
        </label>
        <button type="submit" className={button} disabled={create.isPending || !name.trim()}>
          {create.isPending ? "Creating…" : "Create key"}
        </button>
      </form>
      {error ? <p role="alert" className="text-sm text-red-700">{error.message}</p> : null}
      {secret ? (
        <div role="status" className="rounded border border-emerald-300 bg-emerald-50 p-3 text-sm">
          <p className="mb-1 font-medium">Copy this key now: it is shown once and stored only as a hash.</p>
          <output data-testid="new-ingest-key" className="block break-all font-mono text-xs">{secret}</output>
          <p className="mt-1 text-xs text-slate-600">Send it as <code>Authorization: Bearer &lt;key&gt;</code> (OTEL_EXPORTER_OTLP_HEADERS).</p>
        </div>
      ) : null}
      {keys.length === 0 ? (
        <p className="text-sm text-slate-500">No ingest keys yet.</p>
      ) : (
        <DataTable
          caption="Ingest keys"
          testId="ingest-keys"
          rows={keys}
          rowKey={(k) => k.keyId}
          columns={[
            { header: "Name", cell: (k) => k.name },
            { header: "Prefix", cell: (k) => <code>{k.prefix}</code> },
            { header: "Created", cell: (k) => k.createdAt.slice(0, 10) },
            { header: "Last used", cell: (k) => (k.lastUsedAt ? k.lastUsedAt.slice(0, 16) : "never") },
            { header: "State", cell: (k) => (k.revokedAt ? "revoked" : "active") },
            {
              header: "Action",
              cell: (k) =>
                k.revokedAt ? null : (
                  <button type="button" className={button} disabled={revoke.isPending || refreshing} onClick={() => revoke.mutate({ tenant, keyId: k.keyId })} aria-label={`Revoke ${k.name}`}>
                    Revoke
                  </button>
                ),
            },
          ]}
        />
      )}
    </div>
  );
}
