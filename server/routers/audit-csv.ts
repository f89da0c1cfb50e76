import type { AuditRow } from "./audit";

const COLUMNS: (keyof AuditRow)[] = ["time", "event_id", "actor_id", "actor_email", "kind", "action", "input_summary", "result", "detail", "ip"];

/**
 * RFC 4180 CSV. Cells starting with = + - @ are prefixed with a quote so a spreadsheet never runs
 * them as formulas (OWASP "CSV injection").
 */
export function auditCsv(rows: AuditRow[]): string {
  const cell = (v: string) => {
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [COLUMNS.join(","), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(","))].join("\r\n") + "\r\n";
}
