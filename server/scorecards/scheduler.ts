import type { Db } from "@/clickhouse/client";
import type { MetricInput, MetricKey } from "@/metrics/registry";
import { listTenants } from "../tenants";
import { IN_USE_MS, REFRESH_MS, computeScorecard, currentFingerprint, latestScorecard, scorecardId, setScorecardVersion, shared, type InUse } from "./scorecard";

export interface SchedulerOptions {
  /** How often the scheduler looks for scorecards to recompute (and for settings, lock or import changes). */
  pollMs?: number;
  /** Delay before the first look, after start-up. */
  firstMs?: number;
  log?: (line: string) => void;
  /** The tenants whose milestones are always computed (default: every tenant). */
  tenants?: (db: Db) => Promise<string[]>;
  /**
   * Run for every tenant at the end of the first pass: what else a first page would compute (the
   * overview's anomaly markers read a daily series per workflow, each a scorecard once read).
   */
  atStart?: (db: Db, tenantId: string) => Promise<unknown>;
}

export interface Scheduler {
  /** One pass: recomputes what is missing, stale or computed before the tenant's latest change. */
  tick(now?: number): Promise<number>;
  /** Stops the timer and waits for computations in flight (the store closes after them). */
  stop(): Promise<void>;
}

/** Computed for every tenant whether or not a page has asked yet: the executive's first screen. */
const ALWAYS: MetricKey[] = ["milestones"];
/**
 * Also computed for every tenant in the first pass after start: the overview's firm-wide tiles, its
 * lagging checkpoints, its monthly progress and payback curve, and its pilot-trap cards.
 */
const AT_START: MetricKey[] = ["labor-hours", "cycle-time", "exception-rate", "business-milestones", "progress", "pilot-trap"];

const allTenants = async (db: Db) => (await listTenants(db)).map((t) => t.tenant_id);

/** Every tenant's firm-wide `keys`, and every scorecard a page read within IN_USE_MS. */
async function targets(db: Db, now: number, tenants: (db: Db) => Promise<string[]>, keys: MetricKey[]): Promise<InUse[]> {
  const { inUse } = shared();
  for (const [id, u] of inUse) if (now - u.readAt >= IN_USE_MS) inUse.delete(id);
  const out = new Map<string, InUse>();
  for (const tenantId of await tenants(db)) {
    for (const key of keys) {
      const input: MetricInput = { tenantId, workflows: null };
      out.set(scorecardId(key, input), { key, input, readAt: now });
    }
  }
  for (const [id, u] of inUse) out.set(id, u);
  return [...out.values()];
}

/**
 * The scorecard scheduler of the web process (server/main.ts). Each pass recomputes, one at a time so
 * pages keep the other core, every target whose scorecard is missing, older than REFRESH_MS, or
 * computed from settings, locks or imports the tenant has since changed, or by another build. The
 * first pass also computes the overview's firm-wide scorecards (AT_START); startScorecardsAhead runs
 * it before the web process listens. Never started at module load.
 */
export function startScorecards(db: Db, opts: SchedulerOptions = {}): Scheduler {
  const pollMs = opts.pollMs ?? 30_000;
  const log = opts.log ?? ((line: string) => console.log(`[scorecards] ${line}`));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<number> = Promise.resolve(0);
  let first = true;

  async function pass(now: number): Promise<number> {
    const fingerprints = new Map<string, string>();
    let computed = 0;
    // A result stored by another build is not current (its fingerprint names the build), so the
    // first pass after an upgrade recomputes everything, and after a plain restart nothing fresh.
    const atStart = first ? opts.atStart : undefined;
    const keys = first ? [...AT_START, ...ALWAYS] : ALWAYS;
    first = false;
    for (const t of await targets(db, now, opts.tenants ?? allTenants, keys)) {
      if (stopped) break;
      const tenant = t.input.tenantId;
      if (!fingerprints.has(tenant)) fingerprints.set(tenant, await currentFingerprint(db, tenant));
      const card = await latestScorecard(db, t.key, t.input);
      if (card && card.fingerprint === fingerprints.get(tenant) && now - card.computedAt < REFRESH_MS) continue;
      await computeScorecard(db, t.key, t.input, now);
      computed++;
    }
    for (const tenant of atStart ? fingerprints.keys() : []) {
      if (stopped) break;
      await atStart!(db, tenant).catch((err: unknown) => log(`start-up work for ${tenant} failed: ${err instanceof Error ? err.message : String(err)}`));
    }
    return computed;
  }

  const tick = (now = Date.now()): Promise<number> => {
    current = current.catch(() => 0).then(() => pass(now));
    return current;
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      tick()
        .catch((err: unknown) => log(`pass failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => schedule(pollMs));
    }, ms);
    timer.unref();
  };
  schedule(opts.firstMs ?? 1_000);

  return {
    tick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current.catch(() => 0);
      await Promise.allSettled([...shared().inflight.values()]);
    },
  };
}

/** How long start-up waits for the first pass before serving anyway (the pass goes on in the background). */
export const AHEAD_BUDGET_MS = 20_000;

/**
 * The web process's start: names the build (a scorecard stored by another build is recomputed, see
 * setScorecardVersion), starts the scheduler and waits, up to `budgetMs`, for its first pass, so the
 * first pages after a start read stored scorecards instead of computing them beside the scheduler.
 * On a large store after an upgrade the pass may take longer; pages are then served meanwhile.
 */
export async function startScorecardsAhead(db: Db, opts: SchedulerOptions & { version: string; budgetMs?: number }): Promise<Scheduler> {
  setScorecardVersion(opts.version);
  const scheduler = startScorecards(db, opts);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), opts.budgetMs ?? AHEAD_BUDGET_MS);
    timer.unref();
  });
  const first = scheduler.tick().then(
    (n) => `${n} computed`,
    (err: unknown) => `first pass failed: ${err instanceof Error ? err.message : String(err)}`,
  );
  const outcome = await Promise.race([first, late]);
  clearTimeout(timer);
  (opts.log ?? console.log)(outcome === "late" ? "[scorecards] first pass still running; serving meanwhile" : `[scorecards] first pass: ${outcome}`);
  return scheduler;
}
