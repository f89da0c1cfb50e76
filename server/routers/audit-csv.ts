import { csvCell } from "@/app/components/csv";
import type { AuditRow } from "./audit";

const COLUMNS: (keyof AuditRow)[] = ["time", "event_id", "actor_id", "actor_email", "kind", "action", "input_summary", "result", "detail", "ip"];

/**
 * The audit log as CSV, with the same cell rules as every other export (csvCell): most of its text
 * (e-mails, inputs, details) was typed by someone else, so it must not run as a formula when opened.
 */
export function auditCsv(rows: AuditRow[]): string {
  return [COLUMNS.join(","), ...rows.map((r) => COLUMNS.map((c) => csvCell(r[c])).join(","))].join("\r\n") + "\r\n";
}
