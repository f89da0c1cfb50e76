import type { z } from "zod";
import type { outcome } from "@/ingest/rows";
import type { Lifecycle } from "./baseline-event";

export type Outcome = z.infer<typeof outcome>;

/**
 * How an export's outcome values map to a run's outcome (docs/conventions.md, "Baseline imports").
 * Values are compared lowercase with everything but letters removed (`Manual review` = `manualreview`).
 * Anything else is kept as `unknown` and reported, never guessed: a wrong `completed` would lower
 * the baseline exception rate, a wrong `exception` raise it.
 */
const OUTCOMES: Record<string, Outcome> = {
  completed: "completed", complete: "completed", closed: "completed", done: "completed", resolved: "completed",
  success: "completed", successful: "completed", succeeded: "completed", ok: "completed", finished: "completed",
  exception: "exception", escalated: "exception", rework: "exception", manualreview: "exception",
  failed: "failed", failure: "failed", error: "failed",
  cancelled: "cancelled", canceled: "cancelled", withdrawn: "cancelled", abandoned: "cancelled", rejected: "cancelled",
  unknown: "unknown",
};

/**
 * One outcome value: `""` when the row says nothing (empty cell, no column), `recognised: false` when
 * the value is not in the table above (stored as `unknown`, counted as a notice).
 */
export function outcomeOf(raw: string): { outcome: Outcome | ""; recognised: boolean } {
  const text = raw.trim();
  if (text === "") return { outcome: "", recognised: true };
  const hit = OUTCOMES[text.toLowerCase().replace(/[^a-z]/g, "")];
  return hit ? { outcome: hit, recognised: true } : { outcome: "unknown", recognised: false };
}

/** Notices group by this reason in the summary. */
export const UNRECOGNISED_OUTCOME = "unrecognised outcome, kept as unknown";

/**
 * XES lifecycle model (IEEE 1849) and what exports write instead. `start` opens an activity; `complete`
 * and the aborts close it (an aborted activity ended there). Every other value is `other`: schedule,
 * assign, suspend, resume, withdraw, skips, and statuses of logs that use the field their own way
 * (BPIC 2013: `In Progress`, `Awaiting Assignment`, `Resolved`, ...). publish-import.ts makes `other`
 * events instant steps unless their activity has starts in the case, where they only mark time
 * inside a started step.
 */
export function lifecycleOf(text: string): Lifecycle {
  const t = text.trim().toLowerCase();
  if (t === "start" || t === "started" || t === "begin") return "start";
  if (t === "" || t === "complete" || t === "completed" || t === "end" || t === "done" || t === "ate_abort" || t === "pi_abort") return "complete";
  return "other";
}
