import { z } from "zod";

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date is YYYY-MM-DD");
const text = z.string().min(1).max(200);

/**
 * Which runs a list shows: the one filter vocabulary of the runs explorer (`/runs`), of every link from
 * a number to the runs behind it (app/components/runs-href.ts) and of the run-list query. A link built
 * from a count must select exactly the runs that count counted, so the fields mirror the metrics' cuts:
 * `exception` = runs the exception rate counts as exceptions (docs/metrics.md), `reason` = the reason
 * that rate attributes them to, `straightThrough` and `rework` = the runs those rates count. Dates are inclusive UTC days on the run's start.
 */
export const runFilter = z.object({
  workflow: text.optional(),
  /** Only these workflows: a firm-wide figure pools its comparable workflows, and its link names them. */
  workflows: z.array(text).max(200).optional(),
  /** `manual`: runs still done by hand after go-live (issue 27), listed only when asked for. */
  phase: z.enum(["baseline", "live", "manual"]).optional(),
  outcome: z.enum(["completed", "exception", "failed", "cancelled", "unknown"]).optional(),
  exception: z.boolean().optional(),
  reason: text.optional(),
  /** Runs the exception rate counts as straight through (true) or known not to be (false). */
  straightThrough: z.boolean().optional(),
  /** Runs the rework rate counts as reworked (metrics/rework.ts) or not. */
  rework: z.boolean().optional(),
  model: text.optional(),
  promptVersion: text.optional(),
  actor: z.enum(["ai", "human", "system", "unknown"]).optional(),
  classification: text.optional(),
  /** Runs with a step of this name (the step table's rows). */
  step: text.optional(),
  from: day.optional(),
  to: day.optional(),
});
export type RunFilter = z.infer<typeof runFilter>;

/** The URL query keys of each filter field (kebab-free, stable: links are bookmarked). */
export const RUN_FILTER_KEYS = Object.keys(runFilter.shape) as (keyof RunFilter)[];

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const bool = z.enum(["true", "false"]).transform((v) => v === "true");
const BOOLEAN_KEYS: ReadonlySet<keyof RunFilter> = new Set(["exception", "straightThrough", "rework"]);

/**
 * A filter from a URL's query (`runsHref`'s output): each field parsed alone, so one bad value is named
 * in `problems` and dropped instead of failing the page.
 */
export function runFilterFromQuery(raw: Record<string, unknown>): { filter: RunFilter; problems: string[] } {
  const filter: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of RUN_FILTER_KEYS) {
    // A list arrives as the key repeated (`runsHref` writes it so); every other field once.
    const value = key === "workflows" ? (raw[key] === undefined ? undefined : [raw[key]].flat()) : one(raw[key]);
    if (value === undefined || value === "") continue;
    const field = BOOLEAN_KEYS.has(key) ? bool : runFilter.shape[key];
    const parsed = field.safeParse(value);
    if (parsed.success) filter[key] = parsed.data;
    else problems.push(`${key}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  }
  if (typeof filter.from === "string" && typeof filter.to === "string" && filter.from > filter.to) {
    problems.push("from: the first day is after the last");
    delete filter.from;
    delete filter.to;
  }
  return { filter: runFilter.parse(filter), problems };
}
