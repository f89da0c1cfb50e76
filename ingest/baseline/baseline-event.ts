import type { z } from "zod";
import type { outcome } from "@/ingest/rows";

/**
 * What every parser (CSV events, CSV cases, XES) produces: one event of a case, or one whole case for
 * case lists. Runs and steps are built from these inside the engine (see publish-import.ts).
 */
export type Lifecycle = "complete" | "start" | "other" | "case";

export interface BaselineEvent {
  /** 1-based line of the row (CSV) or of the `<event>` tag (XES), for error reports. */
  line: number;
  caseId: string;
  activity: string;
  time: Date;
  /** Case lists only: when the case ended. */
  endTime: Date | null;
  lifecycle: Lifecycle;
  resource: string;
  role: string;
  actor: "unknown" | "human" | "system";
  humanMinutes: number | null;
  /** `""`: the row says nothing about how the case ended; a run with no outcome at all is `unknown`. */
  outcome: z.infer<typeof outcome> | "";
}

/** A row that was skipped; `reason` groups rows in the summary, `detail` quotes the offending value. */
export interface RowProblem {
  line: number;
  reason: string;
  detail?: string;
}

export type ParseItem =
  | { kind: "event"; event: BaselineEvent }
  | { kind: "problem"; problem: RowProblem }
  /** A row that was kept, with something the user should know (an outcome read as unknown). */
  | { kind: "notice"; problem: RowProblem }
  | { kind: "mapping"; mapping: Record<string, string>; headers: string[]; format: ImportFormat };

export type ImportFormat = "csv-events" | "csv-cases" | "xes";

/** The whole file cannot be imported (empty, not CSV, not XML, no usable columns): nothing is kept. */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "ImportFileError";
  }
}
