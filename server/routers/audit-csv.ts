import { csvCell } from "@/app/components/csv";
import { type AuditRow, auditRow } from "@/server/audit-events";

const COLUMNS: (keyof AuditRow)[] = ["time", "event_id", "actor_id", "actor_email", "kind", "action", "input_summary", "result", "detail", "ip"];
const line = (r: AuditRow) => `${COLUMNS.map((c) => csvCell(r[c])).join(",")}\r\n`;

/**
 * The audit log as CSV, with the same cell rules as every other export (csvCell): most of its text
 * (e-mails, inputs, details) was typed by someone else, so it must not run as a formula when opened.
 */
export function auditCsv(rows: AuditRow[]): string {
  return `${COLUMNS.join(",")}\r\n${rows.map(line).join("")}`;
}

/**
 * The same CSV from a stream of JSONEachRow bytes (server/audit-events.ts `auditEventStream`), one
 * line per row as it arrives: memory holds a chunk, not the log. A chunk may end inside a row (and
 * inside a multi-byte character), so the undecoded tail waits for the next chunk.
 */
export async function* auditCsvStream(json: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  yield `${COLUMNS.join(",")}\r\n`;
  const decoder = new TextDecoder();
  let tail = "";
  for await (const chunk of json) {
    const lines = (tail + decoder.decode(chunk, { stream: true })).split("\n");
    tail = lines.pop() ?? "";
    const out = lines.filter((l) => l !== "").map((l) => line(auditRow.parse(JSON.parse(l))));
    if (out.length > 0) yield out.join("");
  }
  tail += decoder.decode();
  if (tail.trim() !== "") yield line(auditRow.parse(JSON.parse(tail)));
}
