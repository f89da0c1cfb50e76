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

/**
 * Appends to the audit log (append-only: nothing in Plumbline updates or deletes its rows). Resolves
 * once the entry is stored, so nothing is answered before its audit row exists. Entries that arrive
 * while an insert is under way are written together by the next one (a group commit): a page's dozen
 * procedure calls cost two inserts, not a dozen parts.
 */
export function audit(db: Db, e: AuditEntry): Promise<void> {
  const row = {
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
  };
  return new Promise((resolve, reject) => {
    const w = writerOf(db);
    w.waiting.push({ row, resolve, reject });
    if (!w.busy) void drain(db, w);
  });
}

interface Waiting {
  row: object;
  resolve: () => void;
  reject: (err: unknown) => void;
}
interface Writer {
  busy: boolean;
  waiting: Waiting[];
}
const writers = new WeakMap<Db, Writer>();

function writerOf(db: Db): Writer {
  let w = writers.get(db);
  if (!w) writers.set(db, (w = { busy: false, waiting: [] }));
  return w;
}

async function drain(db: Db, w: Writer): Promise<void> {
  w.busy = true;
  while (w.waiting.length > 0) {
    const batch = w.waiting.splice(0);
    try {
      await db.insert("audit_log", batch.map((b) => b.row));
      for (const b of batch) b.resolve();
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
  w.busy = false;
}
