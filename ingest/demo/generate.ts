import type { DataAccessRow, RowBatch, RunRow, SourceSyncRow, StepRow } from "../rows";
import type { DemoFirm, DemoSource, DemoStep, DemoWorkflow } from "./firms";
import { pilotTrapChunks } from "./pilot-trap";
import { Random } from "./random";

const DAY = 86_400_000;
const MINUTE = 60_000;

export interface ExceptionActionRow {
  tenant_id: string;
  workflow: string;
  run_id: string;
  action_id: string;
  action: "acknowledge" | "assign" | "resolve";
  actor_id: string;
  actor_email: string;
  assignee: string;
  note: string;
  at: Date;
}

export interface DemoChunk {
  batch: RowBatch;
  actions: ExceptionActionRow[];
}

export interface DemoOptions {
  tenantId: string;
  /** The day the demo is generated "as of" (start of a UTC day); dates are relative to it. */
  anchor: Date;
  seed: number;
}

/** UTC midnight of the day `daysAgo` before the anchor. */
export function dayStart(anchor: Date, daysAgo: number): Date {
  const d = new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth(), anchor.getUTCDate()));
  return new Date(d.getTime() - daysAgo * DAY);
}

/**
 * How a rollout really goes: slow start with teething exceptions, steady gains, a setback when the
 * prompt and model changed around day 110-135, then a plateau near the target.
 */
export function rolloutCurve(w: DemoWorkflow, daysLive: number): { cycleShare: number; exceptionRate: number } {
  const t = daysLive / 365;
  const gain = 1 - Math.exp(-t * 4);
  let cycleShare = 1 - (1 - w.targetCycleShare) * gain;
  let exceptionRate = w.liveExceptionRate + (w.baselineExceptionRate * 1.3 - w.liveExceptionRate) * Math.exp(-t * 6);
  if (daysLive >= 110 && daysLive < 135) {
    cycleShare *= 1.25;
    exceptionRate += 0.06;
  }
  return { cycleShare: Math.min(cycleShare, 1.1), exceptionRate: Math.min(exceptionRate, 0.6) };
}

function promptVersion(daysLive: number): string {
  if (daysLive < 110) return "v1";
  if (daysLive < 140) return "v2";
  return "v3";
}

export interface RunPlan {
  w: DemoWorkflow;
  phase: "baseline" | "live";
  start: Date;
  seq: number;
  daysLive: number;
}

export function ymd(d: Date): string {
  return d.toISOString().slice(0, 10).replace(/-/g, "");
}

export function buildRun(rng: Random, o: DemoOptions, plan: RunPlan, anchorMs: number): DemoChunk {
  const { w, phase, start, daysLive } = plan;
  const live = phase === "live";
  const curve = live ? rolloutCurve(w, daysLive) : { cycleShare: 1, exceptionRate: w.baselineExceptionRate };
  const cycleMs = Math.max(5 * MINUTE, rng.logNormal(w.baselineCycleHours * curve.cycleShare, live ? 0.7 : 0.8) * 3_600_000);
  const isException = rng.chance(curve.exceptionRate);
  const failed = !isException && rng.chance(0.01);
  const reason = isException ? rng.pick(w.exceptionReasons) : "";
  const runId = `${w.workflow}-${ymd(start)}-${String(plan.seq).padStart(3, "0")}${live ? "" : "-b"}`;
  const traceId = rng.hex(32);
  const runSpan = rng.hex(16);
  const template: DemoStep[] = live ? w.liveSteps : w.baselineSteps;
  const steps: StepRow[] = [];
  const access: DataAccessRow[] = [];
  const slot = cycleMs / (template.length + (isException ? 1 : 0) + 1);
  let cursor = start.getTime();
  const push = (s: DemoStep, extra: Partial<StepRow>) => {
    const begin = cursor + rng.between(0, slot * 0.5);
    const end = Math.min(begin + Math.max(s.minutes, 0.2) * MINUTE * rng.between(0.6, 1.6), start.getTime() + cycleMs);
    cursor = Math.max(cursor + slot, end);
    const effort = s.actor === "human" ? Math.round(rng.logNormal(s.minutes, 0.3) * 10) / 10 : 0;
    const row: StepRow = {
      tenant_id: o.tenantId,
      workflow: w.workflow,
      run_id: runId,
      trace_id: traceId,
      span_id: rng.hex(16),
      parent_span_id: runSpan,
      step: s.step,
      actor: s.actor,
      phase,
      start_time: new Date(begin),
      end_time: new Date(Math.max(end, begin)),
      status: "ok",
      human_minutes: effort,
      data_classification: s.classification ?? "",
      origin: "demo",
      ...extra,
    };
    steps.push(row);
    if (live && (s.classification === "phi" || s.classification === "privileged")) {
      access.push({
        tenant_id: o.tenantId,
        event_id: rng.hex(24),
        time: new Date(begin),
        source: w.workflow.includes("intake") ? "ehr" : "clio",
        workflow: w.workflow,
        user_role: s.actor === "human" ? "staff" : "service",
        data_classification: s.classification,
        decision: rng.chance(0.002) ? "deny" : "allow",
        trace_id: traceId,
        origin: "demo",
      });
    }
  };
  for (const s of template) {
    if (s.actor === "ai" && live) {
      // A rare call to a model nobody approved, so the compliance page has something to show.
      const model = rng.chance(0.002) ? "gpt-3.5-turbo" : (s.model ?? "gpt-4o");
      push(s, {
        gen_ai_provider: model.startsWith("claude") ? "anthropic" : model.startsWith("azure") ? "azure.ai.openai" : "openai",
        request_model: model,
        response_model: model,
        model_version: model === "claude-sonnet-4" ? "20250514" : "2024-08-06",
        prompt_version: rng.chance(0.03) ? "" : promptVersion(daysLive),
        input_tokens: rng.int(1200, 6000),
        output_tokens: rng.int(150, 900),
        output_id: rng.hex(12),
        confidence: Math.round(rng.between(0.55, 0.99) * 100) / 100,
      });
    } else if (s.review && live) {
      const correctedShare = 0.18 * Math.exp(-daysLive / 200) + 0.05;
      const u = rng.next();
      push(s, {
        review_required: 1,
        review_outcome: u < 0.03 ? "rejected" : u < 0.03 + correctedShare ? "corrected" : "approved",
        review_output_id: rng.hex(12),
      });
    } else {
      push(s, {});
    }
  }
  if (isException) {
    push({ step: "handle-exception", actor: "human", minutes: rng.between(6, 25), classification: "internal" }, {
      intervention: 1,
      intervention_reason: reason,
    });
  }
  const end = new Date(start.getTime() + cycleMs);
  const run: RunRow = {
    tenant_id: o.tenantId,
    workflow: w.workflow,
    run_id: runId,
    trace_id: traceId,
    span_id: runSpan,
    phase,
    start_time: start,
    end_time: end,
    outcome: isException && rng.chance(0.6) ? "exception" : failed ? "failed" : "completed",
    exception_reason: reason,
    subject_hash: rng.hex(32),
    // The effort is on the steps; a run-level figure would add to it (docs/conventions.md).
    human_minutes: null,
    origin: "demo",
  };
  return { batch: { runs: [run], steps, dataAccess: access }, actions: live && isException ? queueActions(rng, o, w, runId, end, anchorMs) : [] };
}

/** Older exceptions were worked by the ops team; the last few days' are still open in the queue. */
function queueActions(rng: Random, o: DemoOptions, w: DemoWorkflow, runId: string, raised: Date, anchorMs: number): ExceptionActionRow[] {
  const ageDays = (anchorMs - raised.getTime()) / DAY;
  if (ageDays < 4 && rng.chance(0.7)) return [];
  const people = ["dana.ops@harborlane.example", "li.ops@harborlane.example", "sam.ops@harborlane.example"];
  const who = rng.pick(people);
  const ack = new Date(raised.getTime() + rng.between(5, 90) * MINUTE);
  const out: ExceptionActionRow[] = [
    { tenant_id: o.tenantId, workflow: w.workflow, run_id: runId, action_id: rng.hex(16), action: "acknowledge", actor_id: who, actor_email: who, assignee: who, note: "", at: ack },
  ];
  if (ageDays >= 2 || rng.chance(0.5)) {
    // Most are resolved within the SLA; some take longer, as real queues do.
    const minutes = rng.chance(0.85) ? rng.between(15, w.exceptionSlaMinutes * 0.9) : rng.between(w.exceptionSlaMinutes, w.exceptionSlaMinutes * 3);
    const at = new Date(Math.min(raised.getTime() + minutes * MINUTE, anchorMs - MINUTE));
    out.push({ tenant_id: o.tenantId, workflow: w.workflow, run_id: runId, action_id: rng.hex(16), action: "resolve", actor_id: who, actor_email: who, assignee: who, note: "Handled: see matter notes", at });
  }
  return out;
}

function* workflowChunks(rng: Random, o: DemoOptions, w: DemoWorkflow): Generator<DemoChunk> {
  const anchorMs = dayStart(o.anchor, 0).getTime();
  const firstDay = w.goLiveDaysAgo + w.baselineDays;
  let chunk: DemoChunk = { batch: { runs: [], steps: [], dataAccess: [] }, actions: [] };
  for (let ago = firstDay; ago >= 1; ago--) {
    const day = dayStart(o.anchor, ago);
    const phase = ago > w.goLiveDaysAgo ? "baseline" : "live";
    const weekday = day.getUTCDay() !== 0 && day.getUTCDay() !== 6;
    const n = rng.poisson(w.runsPerWeekday * (weekday ? 1 : 0.12));
    for (let seq = 0; seq < n; seq++) {
      // Office hours 08:00-18:00 US Eastern (13:00-23:00 UTC).
      const start = new Date(day.getTime() + rng.between(13, 23) * 3_600_000);
      const one = buildRun(rng, o, { w, phase, start, seq, daysLive: w.goLiveDaysAgo - ago }, anchorMs);
      chunk.batch.runs?.push(...(one.batch.runs ?? []));
      chunk.batch.steps?.push(...(one.batch.steps ?? []));
      chunk.batch.dataAccess?.push(...(one.batch.dataAccess ?? []));
      chunk.actions.push(...one.actions);
    }
    if ((chunk.batch.steps?.length ?? 0) > 20_000) {
      yield chunk;
      chunk = { batch: { runs: [], steps: [], dataAccess: [] }, actions: [] };
    }
  }
  yield chunk;
}

function inOutage(s: DemoSource, anchorMs: number, t: number): boolean {
  return s.outages.some(([daysAgo, hours]) => {
    const from = anchorMs - daysAgo * DAY;
    return t >= from && t < from + hours * 3_600_000;
  });
}

function sourceSyncs(rng: Random, o: DemoOptions, s: DemoSource, fromDaysAgo: number, anchorMs: number): SourceSyncRow[] {
  const rows: SourceSyncRow[] = [];
  const step = s.syncEveryMinutes * MINUTE;
  for (let t = anchorMs - fromDaysAgo * DAY; t < anchorMs; t += step) {
    if (inOutage(s, anchorMs, t)) {
      // During an outage the job still runs now and then but fails: no watermark, nothing pulled.
      if (rng.chance(0.3)) rows.push({ tenant_id: o.tenantId, source: s.source, span_id: rng.hex(16), start_time: new Date(t), end_time: new Date(t + 30_000), status: "error", origin: "demo" });
      continue;
    }
    const records = rng.poisson(40);
    const invalid = Math.min(records, rng.poisson(records * s.invalidShare));
    const end = t + rng.between(10, 120) * 1000;
    rows.push({
      tenant_id: o.tenantId,
      source: s.source,
      span_id: rng.hex(16),
      start_time: new Date(t),
      end_time: new Date(end),
      status: "ok",
      watermark: new Date(t - rng.between(1, 10) * MINUTE),
      records,
      invalid,
      origin: "demo",
    });
  }
  return rows;
}

/**
 * Generates a firm's telemetry as chunks of rows, deterministic for (seed, anchor, tenant): the same
 * inputs give the same rows on every machine.
 */
export function* generateFirm(firm: DemoFirm, o: DemoOptions): Generator<DemoChunk> {
  const rng = new Random(o.seed);
  const anchorMs = dayStart(o.anchor, 0).getTime();
  for (const w of firm.workflows) yield* workflowChunks(rng, o, w);
  const horizon = Math.max(...firm.workflows.map((w) => w.goLiveDaysAgo + w.baselineDays));
  for (const s of firm.sources) {
    // Sync history is kept for the raw-retention window only (older rows would expire on insert).
    yield { batch: { sourceSyncs: sourceSyncs(rng, o, s, Math.min(horizon, 399), anchorMs) }, actions: [] };
  }
  yield* pilotTrapChunks(firm, o);
}
