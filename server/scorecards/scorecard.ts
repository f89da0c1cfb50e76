import type { Db } from "@/clickhouse/client";
import { runMetric, type MetricInput, type MetricKey, type MetricResult } from "@/metrics/registry";
import { inputsKey, readScorecard, tenantFingerprint, writeScorecard } from "./store";

/** A metric result with the time it was computed (ISO 8601, UTC). */
export type Scored<R extends MetricResult = MetricResult> = R & { computedAt: string };

/**
 * Metrics computed ahead: each takes longer than a page should wait on a year of a busy firm's data
 * (docs/benchmarks.md). The others are computed when asked and shared for a minute (cached-metric.ts).
 */
export const SCORECARD_KEYS: ReadonlySet<MetricKey> = new Set<MetricKey>(["milestones", "cycle-time", "exception-rate", "labor-hours", "compliance", "rework", "business-milestones", "progress", "pilot-trap"]);

/** The scheduler recomputes a scorecard in use once it is this old (and at once after a settings, lock or import change). */
export const REFRESH_MS = 5 * 60_000;
/** Never served older than this: past it a page computes afresh, as it would without scorecards. */
export const MAX_AGE_MS = 10 * 60_000;
/** A scorecard stays in use (refreshed by the scheduler) for this long after a page last read it. */
export const IN_USE_MS = 60 * 60_000;
const MAX_REMEMBERED = 500;

interface Remembered {
  fingerprint: string;
  computedAt: number;
  value: Scored;
}

export interface InUse {
  key: MetricKey;
  input: MetricInput;
  readAt: number;
}

/**
 * Per process, on `globalThis`: the Next.js bundle and the server's own modules are separate module
 * instances in one process, and the scheduler (server/main.ts) must see what pages read and computed.
 */
interface Shared {
  remembered: Map<string, Remembered>;
  inflight: Map<string, Promise<Scored>>;
  inUse: Map<string, InUse>;
  /** The build computing the scorecards (setScorecardVersion); part of every fingerprint. */
  version: string;
}
const KEY = Symbol.for("plumbline.scorecards");
const g = globalThis as typeof globalThis & { [KEY]?: Shared };
export function shared(): Shared {
  return (g[KEY] ??= { remembered: new Map(), inflight: new Map(), inUse: new Map(), version: "" });
}

/**
 * Names the build of the code that computes scorecards (the web process passes Next's build id). A
 * result stored by another build may have another shape, so it is not served: it is recomputed, while
 * a restart of the same build serves what it stored before at once.
 */
export function setScorecardVersion(version: string): void {
  shared().version = version;
}

/** What a scorecard must have been computed from to be served: this build, and the tenant's current settings. */
export async function currentFingerprint(db: Db, tenantId: string): Promise<string> {
  return `${shared().version}|${await tenantFingerprint(db, tenantId)}`;
}

export const scorecardId = (key: MetricKey, input: MetricInput) => JSON.stringify([key, input.tenantId, inputsKey(input)]);

function remember(id: string, entry: Remembered, now: number): void {
  const { remembered } = shared();
  remembered.set(id, entry);
  if (remembered.size <= MAX_REMEMBERED) return;
  for (const [k, e] of remembered) if (now - e.computedAt >= MAX_AGE_MS || remembered.size > MAX_REMEMBERED) remembered.delete(k);
}

/**
 * Computes the scorecard now and stores it with the time and the tenant's fingerprint; a computation
 * of the same inputs already running is joined instead of started again. The fingerprint is read
 * before the metric, so a change made during the computation leaves the result stale, not wrongly fresh.
 */
export function computeScorecard(db: Db, key: MetricKey, input: MetricInput, now = Date.now()): Promise<Scored> {
  const { inflight } = shared();
  const id = scorecardId(key, input);
  const running = inflight.get(id);
  if (running) return running;
  const work = (async () => {
    const fingerprint = await currentFingerprint(db, input.tenantId);
    const t0 = performance.now();
    const result = await runMetric(db, key, input);
    const computedAt = new Date(now);
    const value: Scored = { ...result, computedAt: computedAt.toISOString() };
    remember(id, { fingerprint, computedAt: now, value }, now);
    try {
      await writeScorecard(db, input.tenantId, key, inputsKey(input), { result, fingerprint, computedAt, computeMs: performance.now() - t0 });
    } catch (err) {
      // The page still gets its result; the next read or scheduler tick computes and stores it again.
      console.error(`[scorecards] could not store ${key} for ${input.tenantId}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return value;
  })();
  inflight.set(id, work);
  const done = () => inflight.delete(id);
  work.then(done, done);
  return work;
}

/** The freshest scorecard this process or the store holds for these inputs, or null. */
export async function latestScorecard(db: Db, key: MetricKey, input: MetricInput): Promise<Remembered | null> {
  const id = scorecardId(key, input);
  const mine = shared().remembered.get(id);
  const stored = await readScorecard(db, input.tenantId, key, inputsKey(input));
  if (!stored || (mine && mine.computedAt >= stored.computedAt.getTime())) return mine ?? null;
  const entry = { fingerprint: stored.fingerprint, computedAt: stored.computedAt.getTime(), value: { ...stored.result, computedAt: stored.computedAt.toISOString() } };
  remember(id, entry, entry.computedAt);
  return entry;
}

/**
 * A page's read: the stored scorecard when it was computed from the tenant's current settings, locks
 * and imports and is younger than MAX_AGE_MS (refreshed in the background once older than
 * REFRESH_MS); otherwise computed now, so a page never waits longer than the computation itself.
 * `now` is the clock (tests pass their own).
 */
export async function scorecard(db: Db, key: MetricKey, input: MetricInput, now = Date.now()): Promise<Scored> {
  const id = scorecardId(key, input);
  shared().inUse.set(id, { key, input, readAt: now });
  const mine = shared().remembered.get(id);
  // The fingerprint and (when this process has none) the stored scorecard are read side by side.
  const [fingerprint, stored] = await Promise.all([currentFingerprint(db, input.tenantId), mine ? undefined : latestScorecard(db, key, input)]);
  const usable = (e: Remembered | null | undefined): e is Remembered => !!e && e.fingerprint === fingerprint && now - e.computedAt < MAX_AGE_MS;
  const found = usable(mine) ? mine : stored !== undefined ? stored : await latestScorecard(db, key, input);
  if (!usable(found)) return computeScorecard(db, key, input, now);
  if (now - found.computedAt >= REFRESH_MS) {
    computeScorecard(db, key, input, now).catch((err: unknown) => console.error(`[scorecards] refresh of ${key} failed: ${err instanceof Error ? err.message : String(err)}`));
  }
  return found.value;
}
