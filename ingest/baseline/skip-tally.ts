import { maskText } from "../otlp/privacy";
import type { RowProblem } from "./baseline-event";

export interface SkippedReason {
  reason: string;
  count: number;
  /** The first few line numbers, so the user can find the rows. */
  lines: number[];
  /** An offending value, when there is one (e.g. the unparsable timestamp), masked: it is stored with the import. */
  example?: string;
}

const KEEP_LINES = 10;

/** Counts skipped rows by reason in constant memory (a few line numbers per reason). */
export class SkipTally {
  private readonly byReason = new Map<string, SkippedReason>();
  total = 0;

  add(p: RowProblem, count = 1, lines: number[] = [p.line]): void {
    this.total += count;
    let entry = this.byReason.get(p.reason);
    if (!entry) {
      entry = { reason: p.reason, count: 0, lines: [], ...(p.detail !== undefined ? { example: maskText(p.detail).slice(0, 200) } : {}) };
      this.byReason.set(p.reason, entry);
    }
    entry.count += count;
    for (const line of lines) if (entry.lines.length < KEEP_LINES) entry.lines.push(line);
  }

  list(): SkippedReason[] {
    return [...this.byReason.values()].sort((a, b) => b.count - a.count);
  }
}
