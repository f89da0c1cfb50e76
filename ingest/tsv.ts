import type { RawFormat } from "@/clickhouse/client";
import type { RowBatch } from "./rows";

/**
 * Rows as TabSeparated text, the format the collectors commit in. The engine parses it at about half
 * the cost of JSONEachRow (no key names to match, no quoting), which is most of what a span costs to
 * store. Columns are positional, so each table's list here names what is sent and in which order;
 * a field a row leaves out gets the same default its column has in the schema (rows.ts, 0002).
 */

type Kind = "str" | "num" | "nullableNum" | "time" | "nullableTime" | "map";
type Column = readonly [name: string, kind: Kind, fallback?: string];

/** Escapes a value for a TabSeparated field: backslash, tab, newline, carriage return and NUL. */
const SPECIAL = /[\\\t\n\r\0]/;
function field(s: string): string {
  if (!SPECIAL.test(s)) return s;
  return s.replace(/[\\\t\n\r\0]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\0"));
}

/** A quoted string inside a Map field: the same escapes, plus the quote. */
function quoted(s: string): string {
  return `'${/[\\\t\n\r\0']/.test(s) ? s.replace(/[\\\t\n\r\0']/g, (c) => (c === "'" ? "\\'" : field(c))) : s}'`;
}

function mapField(m: unknown): string {
  if (m === undefined || m === null) return "{}";
  let out = "";
  for (const [k, v] of Object.entries(m as Record<string, unknown>)) out += `${out ? "," : ""}${quoted(k)}:${quoted(String(v))}`;
  return `{${out}}`;
}

/** Epoch milliseconds as an integer (the engine reads an integer in a DateTime64(3) field as that). */
function timeField(v: unknown): string {
  const ms = v instanceof Date ? v.getTime() : typeof v === "number" ? v : Number.NaN;
  if (!Number.isFinite(ms)) throw new TypeError(`not a time: ${String(v)}`);
  return String(Math.trunc(ms));
}

function numField(v: unknown, name: string): string {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new TypeError(`${name}: not a finite number: ${String(v)}`);
  return String(v);
}

function encodeValue(v: unknown, [name, kind, fallback]: Column): string {
  // A null where the column cannot hold one gets the column's default, as the JSON path did
  // (input_format_null_as_default).
  if (v === undefined || (v === null && kind !== "nullableNum" && kind !== "nullableTime")) {
    if (fallback !== undefined) return fallback;
    if (kind === "nullableNum" || kind === "nullableTime") return "\\N";
    if (kind === "map") return "{}";
    throw new TypeError(`${name} is required`);
  }
  switch (kind) {
    case "str":
      return field(String(v));
    case "num":
      return numField(v, name);
    case "nullableNum":
      return v === null ? "\\N" : numField(v, name);
    case "time":
      return timeField(v);
    case "nullableTime":
      return v === null ? "\\N" : timeField(v);
    case "map":
      return mapField(v);
  }
}

const S = (name: string, fallback?: string): Column => [name, "str", fallback];
const N = (name: string, fallback?: string): Column => [name, "num", fallback];

/** Every column a collector writes, per table, with the default of each optional one. */
export const TSV_COLUMNS: Record<keyof RowBatch, readonly Column[]> = {
  runs: [
    S("tenant_id"), S("workflow"), S("run_id"), S("trace_id", ""), S("span_id", ""), S("phase"),
    ["start_time", "time"], ["end_time", "time"], S("outcome"), S("exception_reason", ""), S("subject_hash", ""),
    ["human_minutes", "nullableNum"], S("origin", "otlp"), S("import_id", ""), ["attributes", "map"],
  ],
  steps: [
    S("tenant_id"), S("workflow", ""), S("run_id"), S("trace_id", ""), S("span_id"), S("parent_span_id", ""), S("step"),
    S("actor", "unknown"), S("phase"), ["start_time", "time"], ["end_time", "time"], S("status", "unset"),
    N("human_minutes", "0"), N("intervention", "0"), S("intervention_reason", ""), S("data_classification", ""),
    S("resource", ""), S("gen_ai_provider", ""), S("request_model", ""), S("response_model", ""), S("model_version", ""),
    S("prompt_version", ""), N("input_tokens", "0"), N("output_tokens", "0"), S("output_id", ""),
    ["confidence", "nullableNum"], N("review_required", "0"), S("review_outcome", ""), S("review_output_id", ""),
    S("origin", "otlp"), S("import_id", ""), ["attributes", "map"],
  ],
  sourceSyncs: [
    S("tenant_id"), S("source"), S("trace_id", ""), S("span_id"), ["start_time", "time"], ["end_time", "time"],
    S("status", "unset"), ["watermark", "nullableTime"], N("records", "0"), N("invalid", "0"), S("origin", "otlp"),
  ],
  dataAccess: [
    S("tenant_id"), S("event_id"), ["time", "time"], S("source", ""), S("workflow", ""), S("user_role", ""),
    S("data_classification", ""), S("decision"), S("trace_id", ""), S("span_id", ""), S("origin", "otlp"),
  ],
  ingestStats: [S("tenant_id"), S("day"), S("channel"), S("source", ""), S("reason", ""), N("accepted"), N("rejected")],
};

/** Each table's payload format: TabSeparated with its columns, in order (the INSERT's column list). */
const format = (k: keyof RowBatch): RawFormat => ({ name: "TabSeparated", columns: TSV_COLUMNS[k].map(([name]) => name) });
export const TSV_FORMATS: Record<keyof RowBatch, RawFormat> = {
  runs: format("runs"),
  steps: format("steps"),
  sourceSyncs: format("sourceSyncs"),
  dataAccess: format("dataAccess"),
  ingestStats: format("ingestStats"),
};

/** A table's rows as TabSeparated lines, one per row, each ending in a newline. */
export function encodeTsv(k: keyof RowBatch, rows: readonly object[]): string {
  const columns = TSV_COLUMNS[k];
  const width = columns.length;
  const lines = new Array<string>(rows.length + 1);
  const fields = new Array<unknown>(width);
  for (let j = 0; j < rows.length; j++) {
    const r = rows[j] as Record<string, unknown>;
    for (let i = 0; i < width; i++) {
      const c = columns[i]!;
      const v = r[c[0]];
      // The common cases inline: a string with nothing to escape, a finite number.
      if (c[1] === "str" && typeof v === "string" && (v.length === 0 || !SPECIAL.test(v))) fields[i] = v;
      else if (c[1] === "num" && typeof v === "number" && Number.isFinite(v)) fields[i] = v;
      else fields[i] = encodeValue(v, c);
    }
    lines[j] = fields.join("\t");
  }
  lines[rows.length] = "";
  return lines.join("\n");
}
