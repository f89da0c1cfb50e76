import { randomUUID } from "node:crypto";
import type { Db } from "@/clickhouse/client";

export interface AuditEntry {
  tenantId: string;
  actorId: string;
  actorEmail?: string;
  kind: "read" | "change" | "auth" | "system";
  /** The procedure or command, e.g. `baseline.lock`, `overview.summary`, `cli:import`. */
  action: string;
  /** A short, non-sensitive summary of the input (ids, window), never secrets or passwords. */
  inputSummary?: string;
  result: "ok" | "denied" | "error";
  detail?: string;
  ip?: string;
}

const MAX = 2000;
const clip = (s: string | undefined) => (s ?? "").slice(0, MAX);

/** Appends to the audit log (append-only: nothing in Plumbline updates or deletes its rows). */
export async function audit(db: Db, e: AuditEntry): Promise<void> {
  await db.insert("audit_log", [
    {
      tenant_id: e.tenantId,
      event_id: randomUUID(),
      actor_id: clip(e.actorId),
      actor_email: clip(e.actorEmail),
      kind: e.kind,
      action: clip(e.action),
      input_summary: clip(e.inputSummary),
      result: e.result,
      detail: clip(e.detail),
      ip: clip(e.ip),
    },
  ]);
}
