import type { ImportFormat, ParseItem } from "./baseline-event";
import { compileSystemPattern } from "./classify-actor";
import type { DateOrderEvidence } from "./date-order";
import type { ParsedImportOptions } from "./import-options";
import { parseCsv } from "./parse-csv";
import { parseXes } from "./parse-xes";

/** XML starts with `<` (after an optional BOM and whitespace); anything else is read as CSV. */
function looksLikeXml(head: Buffer): boolean {
  return /^(\uFEFF)?\s*</.test(head.subarray(0, 256).toString("utf8"));
}

/**
 * Picks the parser for a file (by --format, else by content) and streams its events and problems.
 * `evidence` collects what the file's dates say about their order; the caller decides once the whole
 * file (or the previewed part) has been read (date-order.ts).
 */
export async function* parseBaseline(
  chunks: AsyncIterable<Buffer>,
  options: ParsedImportOptions,
  evidence?: DateOrderEvidence,
): AsyncGenerator<ParseItem> {
  const systemResources = compileSystemPattern(options.systemResources);
  const it = chunks[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? Buffer.alloc(0) : first.value;
  async function* all() {
    if (head.length) yield head;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const format: ImportFormat | undefined = options.format ?? (looksLikeXml(head) ? "xes" : undefined);
  const timestamps = { timeZone: options.timeZone, dateOrder: options.dateOrder, ...(evidence ? { evidence } : {}) };
  if (format === "xes") {
    yield* parseXes(all(), { ...timestamps, systemResources });
  } else {
    yield* parseCsv(all(), { ...timestamps, format, mapping: options.mapping, delimiter: options.delimiter, systemResources });
  }
}
