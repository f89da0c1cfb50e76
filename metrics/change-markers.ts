import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { SCOPE_SQL } from "./scope";
import { STEP_DAYS, stepDaysParams } from "./step-days";
import { baselineLockRow, type WorkflowSettings } from "./workflow-settings";

/**
 * The events a progress chart marks (docs/metrics.md, "Progress since go-live"): a workflow's go-live,
 * each baseline version locked, and each prompt or model change, which is the first live step of a
 * prompt_version or model_version other than the first one the workflow used.
 */
export interface ChangeMarker {
  /** UTC day of the event. */
  date: string;
  workflow: string;
  kind: "go-live" | "baseline" | "prompt" | "model";
  label: string;
}

const lockRow = baselineLockRow.pick({ workflow: true, version: true }).extend({ date: z.string() });
const versionRow = z.object({ workflow: z.string(), kind: z.enum(["prompt", "model"]), version: z.string(), date: z.string() });
export type VersionStart = z.output<typeof versionRow>;

type ScopeParams = { tenant: string; all_wf: 0 | 1; wfs: string[] };

/** The day each baseline version was locked (`baseline_locks`, one row per version). */
async function lockDays(db: Db, params: ScopeParams) {
  return db.query(
    `SELECT workflow, version, toString(toDate(min(locked_at))) AS date FROM baseline_locks WHERE ${SCOPE_SQL}
     GROUP BY workflow, version ORDER BY workflow, version`,
    params,
    lockRow,
  );
}

/**
 * The first day of each prompt and model version per workflow, over the live steps up to `to`, each
 * step once with its latest delivery's fields (step-days.ts). Read from the start of the data, so a
 * version already in use before a chart's first month is not taken for a change.
 */
export async function versionStarts(db: Db, params: ScopeParams, to: Date): Promise<VersionStart[]> {
  return db.query(
    `SELECT workflow, kind, version, toString(min(day)) AS date FROM (
       SELECT workflow, day, arrayJoin([('prompt', prompt_version), ('model', model_version)]) AS kv,
              kv.1 AS kind, kv.2 AS version
       FROM ${STEP_DAYS} AND steps > 0
     ) WHERE version != '' GROUP BY workflow, kind, version ORDER BY workflow, kind, date, version`,
    { ...params, ...stepDaysParams("live", new Date(0), to) },
    versionRow,
  );
}

/** Pure: the markers from settings, lock days and version starts; a workflow's first version of each kind is no change. */
export function changeMarkers(settings: WorkflowSettings[], locks: { workflow: string; version: number; date: string }[], starts: VersionStart[]): ChangeMarker[] {
  const goLives = settings.flatMap((s): ChangeMarker[] => (s.go_live_date ? [{ date: s.go_live_date, workflow: s.workflow, kind: "go-live", label: `${s.workflow} went live` }] : []));
  const locked = locks.map((l): ChangeMarker => ({ date: l.date, workflow: l.workflow, kind: "baseline", label: `${l.workflow} baseline v${l.version} locked` }));
  const firsts = new Map<string, string>();
  const changes: ChangeMarker[] = [];
  for (const s of [...starts].sort((a, b) => a.date.localeCompare(b.date) || a.version.localeCompare(b.version))) {
    const key = `${s.workflow}\u0000${s.kind}`;
    if (!firsts.has(key)) {
      firsts.set(key, s.version);
      continue;
    }
    changes.push({ date: s.date, workflow: s.workflow, kind: s.kind, label: `${s.workflow} ${s.kind} ${s.version}` });
  }
  return [...goLives, ...locked, ...changes].sort((a, b) => a.date.localeCompare(b.date) || a.workflow.localeCompare(b.workflow) || a.kind.localeCompare(b.kind));
}

/** Loads and derives the markers of the workflows in scope. */
export async function loadChangeMarkers(db: Db, params: ScopeParams, settings: WorkflowSettings[], to: Date): Promise<ChangeMarker[]> {
  const [locks, starts] = await Promise.all([lockDays(db, params), versionStarts(db, params, to)]);
  return changeMarkers(settings, locks, starts);
}
