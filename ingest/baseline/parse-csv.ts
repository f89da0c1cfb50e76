import { type BaselineEvent, ImportFileError, type ParseItem, type RowProblem } from "./baseline-event";
import { actorClassifier } from "./classify-actor";
import { type ColumnMapping, ColumnMappingError, detectMapping } from "./column-mapping";
import { csvRecords } from "./csv-records";
import { lifecycleOf, outcomeOf, UNRECOGNISED_OUTCOME } from "./event-semantics";
import { parseTimestamp, type TimestampOptions } from "./parse-timestamp";

export type CsvFormat = "csv-events" | "csv-cases";

export interface CsvParseOptions extends TimestampOptions {
  /** Undefined: decided from the header (an activity column means an event log). */
  format?: CsvFormat;
  mapping: ColumnMapping;
  delimiter?: string;
  systemResources?: RegExp;
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
  // An event log's outcome column (often a case attribute repeated on each row) reaches the run too.
  const { outcome } = outcomeOf(get("outcome"));
  const base = { line, caseId, resource, role: get("role"), actor: actorOf(resource), humanMinutes, outcome };
  if (o.format === "csv-cases") {
    const rawEnd = get("end");
    if (rawEnd === "") return { line, reason: "missing end time" };
    const endTime = parseTimestamp(rawEnd, o);
    if (!endTime) return { line, reason: "unparsable timestamp", detail: rawEnd };
    if (endTime < time) return { line, reason: "end before start", detail: `${rawTime} > ${rawEnd}` };
    return [{ ...base, activity: "", time, endTime, lifecycle: "case" }];
  }
  const activity = get("activity");
  if (activity === "") return { line, reason: "missing activity" };
  const event: BaselineEvent = { ...base, activity, time, endTime: null, lifecycle: lifecycleOf(get("lifecycle")) };
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
      if (missing.length) throw new ColumnMappingError({ kind: "missing", fields: missing, singleColumn: headers.length === 1 }, headers, item.line);
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
    if (!Array.isArray(out)) {
      yield { kind: "problem", problem: out };
      continue;
    }
    for (const event of out) yield { kind: "event", event };
    if (!outcomeOf(get("outcome")).recognised) yield { kind: "notice", problem: { line: item.line, reason: UNRECOGNISED_OUTCOME, detail: get("outcome") } };
  }
  if (!index) throw new ImportFileError("The file is empty");
}
