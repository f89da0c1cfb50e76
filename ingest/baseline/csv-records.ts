import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type CsvError, type InfoRecord, parse } from "csv-parse";
import { ImportFileError, type RowProblem } from "./baseline-event";

export type CsvItem = { kind: "record"; line: number; fields: string[] } | { kind: "problem"; problem: RowProblem };

const CANDIDATES = [",", ";", "\t", "|"] as const;

/** Reads until the first line break (or 64 KiB) so the delimiter can be sniffed before parsing starts. */
async function peek(chunks: AsyncIterable<Buffer>): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const it = chunks[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await it.next();
    if (next.done) break;
    parts.push(next.value);
    size += next.value.length;
    if (next.value.includes(0x0a) || size >= 64 * 1024) break;
  }
  const head = Buffer.concat(parts);
  async function* rest() {
    yield head;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, rest: rest() };
}

function lineOf(err: unknown): number | undefined {
  const lines = err && typeof err === "object" && "lines" in err ? err.lines : undefined;
  return typeof lines === "number" ? lines : undefined;
}

/** The candidate that splits the header line (outside quotes) most often; `,` when none does. */
export function sniffDelimiter(firstLine: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (CANDIDATES as readonly string[]).includes(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ",";
  let most = 0;
  for (const [ch, n] of counts) if (n > most) [best, most] = [ch, n];
  return best;
}

/**
 * Streams CSV records with their line numbers. A malformed record (bad quoting) becomes a row problem;
 * a file that is empty, binary or unreadable as CSV is a whole-file error.
 */
export async function* csvRecords(chunks: AsyncIterable<Buffer>, delimiter: string | undefined): AsyncGenerator<CsvItem> {
  const { head, rest } = await peek(chunks);
  const text = head.toString("utf8").replace(/^\uFEFF/, "");
  if (text.trim() === "") throw new ImportFileError("The file is empty");
  if (head.subarray(0, 4096).includes(0)) throw new ImportFileError("The file is not text (it contains NUL bytes): expected CSV or XES");
  const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
  const skipped: RowProblem[] = [];
  const parser = parse({
    bom: true,
    delimiter: delimiter ?? sniffDelimiter(firstLine),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // The line number rides on each record; `info: true` would clone a whole info object per record (3× slower).
    on_record: (fields: string[], context: InfoRecord) => Object.assign(fields, { line: context.lines }),
    on_skip: (err: CsvError | undefined) => {
      skipped.push({ line: lineOf(err) ?? 0, reason: "malformed CSV record", detail: err?.message });
      return undefined;
    },
  });
  // Source errors reach the reader through the parser; a reader that stops early must not leave a rejection.
  pipeline(Readable.from(rest), parser).catch(() => undefined);
  try {
    // The records are the arrays on_record above tags with their line.
    for await (const fields of parser as AsyncIterable<string[] & { line: number }>) {
      while (skipped.length) yield { kind: "problem", problem: skipped.shift() as RowProblem };
      yield { kind: "record", line: fields.line, fields };
    }
  } catch (err) {
    if (err instanceof ImportFileError) throw err;
    throw new ImportFileError(`The file is not readable as CSV: ${err instanceof Error ? err.message : String(err)}`, lineOf(err));
  }
  while (skipped.length) yield { kind: "problem", problem: skipped.shift() as RowProblem };
}
