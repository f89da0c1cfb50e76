import type { z } from "zod";
import type { outcome } from "@/ingest/rows";
import { type BaselineEvent, ImportFileError, type Lifecycle, type ParseItem, type RowProblem } from "./baseline-event";
import { actorClassifier } from "./classify-actor";
import { type ColumnMapping, detectMapping } from "./column-mapping";
import { csvRecords } from "./csv-records";
import { parseTimestamp, type TimestampOptions } from "./parse-timestamp";

export type CsvFormat = "csv-events" | "csv-cases";

export interface CsvParseOptions extends TimestampOptions {
  /** Undefined: decided from the header (an activity column means an event log). */
  format?: CsvFormat;
  mapping: ColumnMapping;
  delimiter?: string;
  systemResources?: RegExp;
}

const OUTCOMES: Record<string, z.infer<typeof outcome>> = {
  completed: "completed", complete: "completed", closed: "completed", done: "completed", resolved: "completed", success: "completed", ok: "completed",
  exception: "exception", escalated: "exception", rework: "exception", manualreview: "exception",
  failed: "failed", failure: "failed", error: "failed",
  cancelled: "cancelled", canceled: "cancelled", withdrawn: "cancelled", abandoned: "cancelled", rejected: "cancelled",
};

/** XES lifecycle model: `start` opens an activity, `complete` closes it; other transitions only mark time. */
export function lifecycleOf(text: string): Lifecycle {
  const t = text.trim().toLowerCase();
  if (t === "start" || t === "started" || t === "begin") return "start";
  if (t === "" || t === "complete" || t === "completed" || t === "end" || t === "done") return "complete";
  return "other";
}

function required(format: CsvFormat): (keyof ColumnMapping)[] {
  return format === "csv-events" ? ["caseId", "activity", "timestamp"] : ["caseId", "start", "end"];
}

type Row = (field: keyof ColumnMapping) => string;

function minutes(text: string): number | null | undefined {
  if (text === "") return null;
  const n = Number(text.replace(",", "."));
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Converts one data row; a string is the reason it was skipped. */
function toEvent(get: Row, line: number, o: CsvParseOptions & { format: CsvFormat }, actorOf: (r: string) => BaselineEvent["actor"]): BaselineEvent[] | RowProblem {
  const caseId = get("caseId");
  if (caseId === "") return { line, reason: "missing case id" };
  const timeField = o.format === "csv-events" ? "timestamp" : "start";
  const rawTime = get(timeField);
  if (rawTime === "") return { line, reason: `missing ${o.format === "csv-events" ? "timestamp" : "start time"}` };
  const time = parseTimestamp(rawTime, o);
  if (!time) return { line, reason: "unparsable timestamp", detail: rawTime };
  const humanMinutes = minutes(get("humanMinutes"));
  if (humanMinutes === undefined) return { line, reason: "human minutes not a non-negative number", detail: get("humanMinutes") };
  const resource = get("resource");
  const base = { line, caseId, resource, role: get("role"), actor: actorOf(resource), humanMinutes };
  if (o.format === "csv-cases") {
    const rawEnd = get("end");
    if (rawEnd === "") return { line, reason: "missing end time" };
    const endTime = parseTimestamp(rawEnd, o);
    if (!endTime) return { line, reason: "unparsable timestamp", detail: rawEnd };
    if (endTime < time) return { line, reason: "end before start", detail: `${rawTime} > ${rawEnd}` };
    const rawOutcome = get("outcome");
    const mapped = rawOutcome === "" ? "completed" : OUTCOMES[rawOutcome.toLowerCase().replace(/[^a-z]/g, "")];
    if (!mapped) return { line, reason: "unknown outcome", detail: rawOutcome };
    return [{ ...base, activity: "", time, endTime, lifecycle: "case", outcome: mapped }];
  }
  const activity = get("activity");
  if (activity === "") return { line, reason: "missing activity" };
  const event: BaselineEvent = { ...base, activity, time, endTime: null, lifecycle: lifecycleOf(get("lifecycle")), outcome: "" };
  const rawStart = get("startTimestamp");
  if (rawStart === "") return [event];
  // Exports with a start and a complete column per row (Disco, Celonis) describe a start/complete pair.
  const start = parseTimestamp(rawStart, o);
  if (!start) return { line, reason: "unparsable timestamp", detail: rawStart };
  return [{ ...event, time: start, lifecycle: "start", humanMinutes: null }, { ...event, lifecycle: "complete" }];
}

/** Streams a CSV event log or case list into events, one problem per skipped row. Pure: no I/O but the input. */
export async function* parseCsv(chunks: AsyncIterable<Buffer>, o: CsvParseOptions): AsyncGenerator<ParseItem> {
  const actorOf = actorClassifier(o.systemResources);
  let index: Map<keyof ColumnMapping, number> | undefined;
  let width = 0;
  let format: CsvFormat = o.format ?? "csv-events";
  let rowOptions = { ...o, format };
  for await (const item of csvRecords(chunks, o.delimiter)) {
    if (item.kind === "problem") {
      // A header that does not parse means the file is not CSV, whatever its name says.
      if (!index) throw new ImportFileError(`The file is not readable as CSV: ${item.problem.detail ?? item.problem.reason}`, item.problem.line);
      yield item;
      continue;
    }
    if (!index) {
      const headers = item.fields.map((h) => h.trim());
      const mapping = detectMapping(headers, o.mapping);
      if (!o.format && !mapping.activity && mapping.start && mapping.end) format = "csv-cases";
      const missing = required(format).filter((f) => !mapping[f]);
      if (missing.length) {
        const hint = headers.length === 1 ? " The header has a single column: is the file CSV, and is the delimiter right?" : "";
        throw new ImportFileError(
          `No column found for ${missing.join(", ")} in the header (${headers.map((h) => JSON.stringify(h)).join(", ")}). ` +
            `Name it with --map "<column>=<field>".${hint}`,
          item.line,
        );
      }
      index = new Map(Object.entries(mapping).map(([f, col]) => [f as keyof ColumnMapping, headers.indexOf(col)]));
      width = headers.length;
      rowOptions = { ...o, format };
      yield { kind: "mapping", mapping: mapping as Record<string, string>, headers, format };
      continue;
    }
    if (item.fields.length !== width && item.fields.length < Math.max(...index.values()) + 1) {
      yield { kind: "problem", problem: { line: item.line, reason: "too few columns", detail: `${item.fields.length} of ${width}` } };
      continue;
    }
    const cols = index;
    const get: Row = (f) => {
      const i = cols.get(f);
      return i === undefined ? "" : (item.fields[i] ?? "").trim();
    };
    const out = toEvent(get, item.line, rowOptions, actorOf);
    if (Array.isArray(out)) for (const event of out) yield { kind: "event", event };
    else yield { kind: "problem", problem: out };
  }
  if (!index) throw new ImportFileError("The file is empty");
}
