import type { RunRow, StepRow } from "@/ingest/rows";
import { seededRandom } from "@/metrics/stats";

/**
 * A seeded world of nasty data for the property test (docs/metrics.md, "How the numbers are checked").
 * A world is a pure function of its seed and `now`: rerunning a seed reproduces it exactly.
 *
 * Every world shares one delivery SCHEDULE, so the harness can merge many worlds (each its own tenant)
 * into one insert per schedule entry: with one tenant per world, merging changes no figure, and 200
 * worlds cost a dozen inserts instead of a few thousand.
 */

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface Slot {
  runs: RunRow[];
  steps: StepRow[];
}

/**
 * One delivery. `token`: the slot is committed with a dedup token (the same token every time it is
 * sent). `partial`: that table alone is committed first with the token (a partial failure), then the
 * whole slot is retried with it. An entry naming a slot already sent is a retry of the same batch.
 */
export interface ScheduleEntry {
  slot: number;
  token: boolean;
  partial?: "runs" | "steps";
}

export const SCHEDULE: readonly ScheduleEntry[] = [
  { slot: 0, token: true },
  { slot: 1, token: false },
  { slot: 2, token: true, partial: "runs" },
  // Retried after slot 1 changed some of its runs: if the retry landed, they would revert.
  { slot: 0, token: true },
  { slot: 3, token: false },
  { slot: 4, token: true, partial: "steps" },
  { slot: 2, token: true },
  { slot: 5, token: false },
];
export const SLOTS = 6;

/** A lock of `workflow` at `goLive` (a UTC day), taken right after schedule entry `after`. */
export interface LockEvent {
  workflow: string;
  goLive: Date;
  version: number;
  after: number;
}

export interface Window {
  label: string;
  from: Date;
  to: Date;
}

export interface World {
  seed: number;
  tenant: string;
  now: Date;
  workflows: string[];
  slots: Slot[];
  locks: LockEvent[];
  windows: Window[];
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    // The metrics' own mulberry32: a PRNG, not a definition, so the model stays independent of the engine.
    this.next = seededRandom(seed * 2654435761 + 17);
  }
  float(): number {
    return this.next();
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  /** A standard normal draw (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
}

/** A few seeds carry a side of more than 8,192 runs (the old reservoir size); they are slow, so rare. */
export const isBig = (seed: number): boolean => seed % 100 === 7;

export const startOfUtcDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** The windows every world is checked over: the last 30 and 90 days, and a two-week window in the past. */
export function worldWindows(today: number, rng: Rng): Window[] {
  const e = rng.int(1, 60);
  return [
    { label: "last-30", from: new Date(today - 29 * DAY_MS), to: new Date(today) },
    { label: "last-90", from: new Date(today - 89 * DAY_MS), to: new Date(today) },
    { label: `edge-${e}`, from: new Date(today - (e + 13) * DAY_MS), to: new Date(today - e * DAY_MS) },
  ];
}

/**
 * A start time that often sits on an edge: the first or last millisecond of a UTC day (one of the
 * windows' edges when the day is one), otherwise anywhere in the day.
 */
export function startOn(rng: Rng, day: number): number {
  const r = rng.float();
  if (r < 0.06) return day;
  if (r < 0.12) return day + DAY_MS - 1;
  return day + rng.int(0, DAY_MS - 1);
}

/** A cycle time in ms: log-normal around `medianHours`, sometimes over several days, never under a second. */
export function durationMs(rng: Rng, medianHours: number): number {
  const ms = Math.round(medianHours * HOUR_MS * Math.exp(0.9 * rng.normal()));
  return Math.max(1000, rng.chance(0.03) ? ms * rng.int(3, 20) : ms);
}

export { HOUR_MS };

interface Ctx {
  seed: number;
  /** Nothing happens after now: a finished run ended by then. */
  latest: number;
  rng: Rng;
  tenant: string;
  today: number;
  slots: Slot[];
  locks: LockEvent[];
  windows: Window[];
  /** Imported logs number their cases 1, 2, …: the same run ids then recur across workflows and phases. */
  sharedIds: boolean;
}

const NAMES = ["intake", "billing", "claims", "refunds"];

export function generateWorld(seed: number, tenant: string, now: Date): World {
  const rng = new Rng(seed);
  const today = startOfUtcDay(now.getTime());
  const slots: Slot[] = Array.from({ length: SLOTS }, () => ({ runs: [], steps: [] }));
  const ctx: Ctx = { seed, latest: now.getTime() - 60_000, rng, tenant, today, slots, locks: [], windows: worldWindows(today, rng), sharedIds: rng.chance(0.4) };
  // Up to three workflows a world: a lock costs the engine about half a second, so worlds stay small.
  const workflows = NAMES.slice(0, rng.int(1, 3));
  const big = isBig(seed) ? rng.int(0, workflows.length - 1) : -1;
  workflows.forEach((wf, i) => genWorkflow(ctx, wf, i === big));
  return { seed, tenant, now, workflows, slots, locks: ctx.locks, windows: ctx.windows };
}

/** Sides small (under 30 runs) a quarter of the time; the big side of a big seed over 8,192. */
function sideSize(rng: Rng, big: boolean): number {
  if (big) return rng.int(8_193, 8_800);
  return rng.chance(0.25) ? rng.int(2, 29) : rng.int(30, 90);
}

function genWorkflow(ctx: Ctx, wf: string, big: boolean): void {
  const { rng, today } = ctx;
  const hasBaseline = rng.chance(0.8);
  const hasLive = rng.chance(0.85);
  const goLive = today - rng.int(35, 200) * DAY_MS;
  const baseMedian = rng.int(4, 40);
  // Big seeds alternate: a locked baseline of 8,193+ runs (7, 207, …), then a live side of as many (107, …).
  const bigLive = big && Math.floor(ctx.seed / 100) % 2 === 1;
  // A log without an outcome column or without resources: every run's status is unknown.
  const unknownOutcomes = rng.chance(0.3);
  const unknownActors = rng.chance(0.25);
  if (hasBaseline || big) {
    // About 77% of baseline runs start before go-live: a big baseline needs 11,000 for 8,192+ in its lock.
    const n = big && !bigLive ? rng.int(11_000, 11_500) : sideSize(rng, false);
    for (let k = 0; k < n; k++) {
      const r = rng.float();
      // Most before go-live, some on its eve (the last day a lock takes), some on or after it (never locked).
      const day = r < 0.15 ? goLive - DAY_MS : r < 0.23 ? goLive + rng.int(0, 20) * DAY_MS : goLive - rng.int(1, 90) * DAY_MS;
      genRun(ctx, { wf, phase: "baseline", k, day, median: baseMedian, unknownOutcomes, unknownActors });
    }
  }
  if (hasLive || bigLive) {
    const n = sideSize(rng, bigLive);
    const liveMedian = baseMedian * (0.3 + rng.float() * 0.9);
    for (let k = 0; k < n; k++) genRun(ctx, { wf, phase: "live", k, day: liveDay(ctx), median: liveMedian, unknownOutcomes: false, unknownActors: false });
    // Runs still done by hand beside the live ones (phase `manual`, issue 27): they count in no figure.
    for (let k = 0; k < rng.int(0, 12); k++) genRun(ctx, { wf, phase: "manual", k, day: liveDay(ctx), median: baseMedian, unknownOutcomes: false, unknownActors: false });
  }
  for (const phase of ["baseline", "live"] as const) {
    for (let k = 0; k < rng.int(0, 3); k++) genInFlight(ctx, wf, phase, phase === "live" ? liveDay(ctx) : goLive - rng.int(1, 100) * DAY_MS);
  }
  // A big baseline is locked once everything has arrived, so the lock itself stands on 8,192+ runs.
  if (big && !bigLive) ctx.locks.push({ workflow: wf, goLive: new Date(goLive), version: 1, after: SCHEDULE.length - 1 });
  else if (hasBaseline ? rng.chance(0.6) : rng.chance(0.05)) genLocks(ctx, wf, goLive);
}

/** A live run's day: mostly recent, often on a window's first or last day. */
function liveDay(ctx: Ctx): number {
  const { rng, today } = ctx;
  if (rng.chance(0.15)) {
    const w = rng.pick(ctx.windows);
    return startOfUtcDay(rng.chance(0.5) ? w.from.getTime() : w.to.getTime()) + rng.int(-1, 1) * DAY_MS;
  }
  return today - (rng.chance(0.7) ? rng.int(0, 35) : rng.int(0, 120)) * DAY_MS;
}

function genLocks(ctx: Ctx, wf: string, goLive: number): void {
  const { rng } = ctx;
  const after = rng.int(0, SCHEDULE.length - 1);
  ctx.locks.push({ workflow: wf, goLive: new Date(goLive), version: 1, after });
  // A new version after a later import, sometimes at another go-live day.
  if (rng.chance(0.15)) {
    const again = rng.chance(0.3) ? goLive + rng.int(-20, 20) * DAY_MS : goLive;
    ctx.locks.push({ workflow: wf, goLive: new Date(again), version: 2, after: rng.int(after, SCHEDULE.length - 1) });
  }
}

interface RunSpec {
  wf: string;
  phase: RunRow["phase"];
  k: number;
  day: number;
  median: number;
  unknownOutcomes: boolean;
  unknownActors: boolean;
}

const runId = (ctx: Ctx, s: { wf: string; phase: string; k: number }) => (ctx.sharedIds ? `case-${s.k}` : `${s.wf}-${s.phase[0]}-${s.k}`);

function outcomeOf(rng: Rng, unknown: boolean): RunRow["outcome"] {
  if (unknown) return "unknown";
  const r = rng.float();
  return r < 0.1 ? "exception" : r < 0.15 ? "failed" : r < 0.18 ? "cancelled" : r < 0.21 ? "unknown" : "completed";
}

const minutesOf = (rng: Rng): number | null => (rng.chance(0.55) ? null : rng.chance(0.2) ? 0 : rng.int(1, 600) / 10);

function genRun(ctx: Ctx, s: RunSpec): void {
  const { rng } = ctx;
  const span = finished(ctx, startOn(rng, s.day), durationMs(rng, s.median));
  const run: RunRow = {
    tenant_id: ctx.tenant,
    workflow: s.wf,
    run_id: runId(ctx, s),
    phase: s.phase,
    start_time: span.start,
    end_time: span.end,
    outcome: outcomeOf(rng, s.unknownOutcomes),
    human_minutes: minutesOf(rng),
    origin: s.phase === "baseline" ? "import" : "otlp",
  };
  const slot = rng.int(0, SLOTS - 1);
  ctx.slots[slot]!.runs.push(run);
  if (rng.chance(0.15)) ctx.slots[otherSlot(rng, slot)]!.runs.push(redeliveredRun(ctx, run, s.median));
  const steps = rng.int(0, 4);
  for (let j = 0; j < steps; j++) genStep(ctx, run, j, s.unknownActors);
}

const otherSlot = (rng: Rng, slot: number) => (slot + rng.int(1, SLOTS - 1)) % SLOTS;

/** A run that ended by now: one that would end later is moved back as a whole. */
function finished(ctx: Ctx, start: number, duration: number): { start: number; end: number } {
  const back = Math.max(0, start + duration - ctx.latest);
  return { start: start - back, end: start + duration - back };
}

/** The same run sent again in another batch; sometimes its fields changed (a corrected record). */
function redeliveredRun(ctx: Ctx, run: RunRow, median: number): RunRow {
  const { rng } = ctx;
  if (!rng.chance(0.3)) return { ...run };
  // A corrected start often moves the run to the next or previous UTC day, across a window edge or go-live.
  const was = run.start_time as number;
  const moved = rng.chance(0.3) ? startOfUtcDay(was) + rng.pick([-1, 1]) * DAY_MS + rng.int(0, DAY_MS - 1) : was;
  const span = finished(ctx, moved, durationMs(rng, median));
  return { ...run, start_time: span.start, end_time: span.end, outcome: outcomeOf(rng, run.outcome === "unknown" && rng.chance(0.5)), human_minutes: minutesOf(rng) };
}

function actorOf(rng: Rng, unknownActors: boolean): StepRow["actor"] {
  if (unknownActors) return rng.chance(0.9) ? "unknown" : "human";
  const r = rng.float();
  return r < 0.4 ? "ai" : r < 0.6 ? "system" : r < 0.8 ? "human" : "unknown";
}

/**
 * A step near its run: inside it, or up to 20 hours outside (a clock a little off, across midnight),
 * rarely three days off (a clock off by days, which no metric sees).
 */
function stepStart(rng: Rng, start: number, end: number): number {
  const r = rng.float();
  if (r < 0.01) return start - 3 * DAY_MS;
  if (r < 0.06) return Math.max(startOfUtcDay(start) - DAY_MS, start - rng.int(0, 20 * HOUR_MS));
  if (r < 0.1) return Math.min(startOfUtcDay(end) + 2 * DAY_MS - 1, end + rng.int(0, 20 * HOUR_MS));
  return start + rng.int(0, Math.max(0, end - start));
}

function genStep(ctx: Ctx, run: { workflow: string; run_id: string; phase: RunRow["phase"]; start_time: unknown; end_time: unknown }, j: number, unknownActors: boolean): void {
  const { rng } = ctx;
  const at = Math.min(ctx.latest, stepStart(rng, run.start_time as number, run.end_time as number));
  const actor = actorOf(rng, unknownActors);
  const step: StepRow = {
    tenant_id: ctx.tenant,
    workflow: run.workflow,
    run_id: run.run_id,
    span_id: `${run.workflow}.${run.phase}.${run.run_id}.${j}`,
    step: rng.pick(["draft", "review", "check", "send"]),
    actor,
    phase: run.phase,
    start_time: at,
    end_time: at + rng.int(0, HOUR_MS),
    human_minutes: actor === "human" && rng.chance(0.5) ? rng.int(1, 300) / 10 : rng.chance(0.03) ? rng.int(1, 50) / 10 : 0,
    intervention: rng.chance(0.05) ? 1 : 0,
  };
  Object.assign(step, stepDetails(step, false, ctx.latest));
  const slot = rng.int(0, SLOTS - 1);
  ctx.slots[slot]!.steps.push(step);
  if (rng.chance(0.15)) {
    const changed = rng.chance(0.25);
    const again: StepRow = changed ? { ...step, actor: actorOf(rng, false), intervention: rng.chance(0.1) ? 1 : 0, human_minutes: rng.chance(0.2) ? 2 : 0 } : { ...step };
    if (changed) Object.assign(again, stepDetails(step, true, ctx.latest));
    ctx.slots[otherSlot(rng, slot)]!.steps.push(again);
  }
}

/** FNV-1a of a string: a hash for fields drawn without the world's generator. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * What the step figures by day read (models, tokens, classes, versions, reviews), from the span id
 * alone: drawing them from the world's generator would change every run after the first step, and with
 * them the worlds the other checks were written against. A changed redelivery (`again`) gets other
 * fields, and one in five moves a day later (a corrected clock), so a step leaves the day it was on.
 */
function stepDetails(step: StepRow, again: boolean, latest: number): Partial<StepRow> {
  const h = hashOf(`${step.span_id}${again ? "#again" : ""}`);
  const at = step.start_time as number;
  const moved = again && (h >>> 22) % 5 === 0 ? Math.min(latest, at + DAY_MS) : at;
  return {
    request_model: ["m-a", "m-b", ""][h % 3]!,
    response_model: (h >>> 3) % 4 === 0 ? "m-c" : "",
    input_tokens: (h >>> 5) % 2000,
    output_tokens: (h >>> 9) % 300,
    data_classification: ["", "phi", "privileged", "public"][(h >>> 13) % 4]!,
    prompt_version: ["p1", "p2", ""][(h >>> 15) % 3]!,
    model_version: ["v1", ""][(h >>> 17) % 2]!,
    review_required: (h >>> 18) % 3 === 0 ? 1 : 0,
    review_outcome: step.step === "review" ? (["approved", "corrected", "rejected", ""] as const)[(h >>> 20) % 4]! : "",
    // A draft is an AI output; a review names one of its run's steps' outputs, which may be no draft or no step.
    output_id: step.step === "draft" ? `out-${step.span_id}` : "",
    review_output_id: step.step === "review" ? `out-${step.span_id.replace(/\.\d+$/, `.${hashOf(`${step.span_id}#ref`) % 5}`)}` : "",
    start_time: moved,
    end_time: moved + ((step.end_time as number) - at),
  };
}

/** Steps of a run whose run span never arrives: an in-flight run, counted nowhere. */
function genInFlight(ctx: Ctx, wf: string, phase: "baseline" | "live", day: number): void {
  const { rng } = ctx;
  const start = Math.min(ctx.latest - HOUR_MS, startOn(rng, day));
  const run = { workflow: wf, run_id: `${wf}-${phase[0]}-inflight-${rng.int(0, 1e9)}`, phase, start_time: start, end_time: start + HOUR_MS };
  for (let j = 0; j < rng.int(1, 3); j++) genStep(ctx, run, j, false);
}
