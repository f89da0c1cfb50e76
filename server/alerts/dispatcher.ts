import { randomUUID } from "node:crypto";
import type { Db } from "@/clickhouse/client";
import { audit } from "@/server/audit";
import { DeliveryError } from "./webhook";

export interface DeliveryJob {
  tenantId: string;
  ruleId: string;
  episodeId: string;
  event: "fire" | "resolve" | "test" | "digest";
  channel: "webhook" | "email";
  /** For the log: a display URL or an e-mail address. */
  target: string;
  /** One attempt; resolves with the HTTP status (0 for e-mail) or throws (DeliveryError says if retryable). */
  send: (deliveryId: string, now: Date) => Promise<number>;
}

export interface DispatcherOptions {
  db: Db;
  concurrency?: number;
  /** Deliveries queued, in flight or waiting to retry; beyond it new ones are dropped (and logged). */
  maxPending?: number;
  maxAttempts?: number;
  /** Back-off before retry n (1-based) is base × 2^(n-1), capped, with ±20% jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  now?: () => Date;
  log?: (line: string) => void;
}

/** The error recorded for work a stopping dispatcher did not finish; a restarted evaluator resumes it. */
export const STOPPED = "dispatcher stopped";

interface Pending {
  job: DeliveryJob;
  deliveryId: string;
  attempt: number;
}

/**
 * Runs deliveries off the evaluator's path: `enqueue` never waits for a receiver. Bounded concurrency,
 * a bounded number of pending deliveries, retries with exponential back-off, and one delivery-log row
 * per attempt so a receiver that is down is visible.
 */
export class Dispatcher {
  private readonly queue: Pending[] = [];
  private readonly timers = new Map<NodeJS.Timeout, Pending>();
  private inFlight = 0;
  private waiting = 0;
  private idle: (() => void)[] = [];
  private stopped = false;
  private readonly o: Required<Omit<DispatcherOptions, "db">> & { db: Db };

  constructor(options: DispatcherOptions) {
    this.o = {
      concurrency: 4,
      maxPending: 1000,
      maxAttempts: 5,
      baseDelayMs: 2_000,
      maxDelayMs: 5 * 60_000,
      now: () => new Date(),
      log: (line) => console.error(`[alerts] ${line}`),
      ...options,
    };
  }

  get pending(): number {
    return this.queue.length + this.inFlight + this.waiting;
  }

  /** Accepts a delivery, or drops it (logged as `dropped`) when the dispatcher is full or stopped. */
  enqueue(job: DeliveryJob): boolean {
    const deliveryId = randomUUID();
    if (this.stopped || this.pending >= this.o.maxPending) {
      void this.record({ job, deliveryId, attempt: 0 }, "dropped", 0, this.stopped ? STOPPED : "delivery queue full");
      return false;
    }
    this.queue.push({ job, deliveryId, attempt: 1 });
    this.pump();
    return true;
  }

  /** Resolves when nothing is queued, in flight or waiting to retry (or after `timeoutMs`). */
  async drain(timeoutMs = 30_000): Promise<void> {
    if (this.pending === 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.idle.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Stops accepting work, waits for in-flight attempts up to `timeoutMs`; pending retries are logged as dropped. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopped = true;
    const waiting = [...this.timers].map(([t, p]) => {
      clearTimeout(t);
      return { ...p, attempt: p.attempt + 1 };
    });
    this.timers.clear();
    this.waiting = 0;
    for (const p of [...waiting, ...this.queue.splice(0)]) await this.record(p, "dropped", 0, STOPPED);
    await this.drain(timeoutMs);
  }

  private pump(): void {
    while (!this.stopped && this.inFlight < this.o.concurrency && this.queue.length > 0) {
      const p = this.queue.shift();
      if (!p) break;
      this.inFlight++;
      void this.attempt(p).finally(() => {
        this.inFlight--;
        this.pump();
        this.notifyIdle();
      });
    }
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.pending > 0) return;
    for (const f of this.idle.splice(0)) f();
  }

  private async attempt(p: Pending): Promise<void> {
    let status = 0;
    try {
      status = await p.job.send(p.deliveryId, this.o.now());
    } catch (err) {
      const de = err instanceof DeliveryError ? err : undefined;
      const message = err instanceof Error ? err.message : String(err);
      const retryable = (de ? de.retryable : true) && p.attempt < this.o.maxAttempts;
      if (retryable && this.stopped) {
        // Logged so the next evaluator process resumes it (interrupted-deliveries.ts).
        await this.record(p, "dropped", de?.httpStatus ?? 0, STOPPED);
        return;
      }
      const retry = retryable;
      await this.record(p, retry ? "retrying" : "failed", de?.httpStatus ?? 0, message);
      if (retry) await this.retryLater(p);
      else await this.auditOutcome(p, false, message);
      return;
    }
    await this.record(p, "sent", status, "");
    await this.auditOutcome(p, true, "");
  }

  private async retryLater(p: Pending): Promise<void> {
    // Stopped while this attempt was being logged: the retry is dropped, and logged so, as stop() does
    // with the retries already waiting (and no timer outlives the dispatcher).
    if (this.stopped) {
      await this.record({ ...p, attempt: p.attempt + 1 }, "dropped", 0, STOPPED);
      return;
    }
    const exp = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (p.attempt - 1));
    const delay = Math.round(exp * (0.8 + Math.random() * 0.4));
    this.waiting++;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.waiting--;
      this.queue.push({ ...p, attempt: p.attempt + 1 });
      this.pump();
    }, delay);
    this.timers.set(t, p);
  }

  private async record(p: Pending, status: "sent" | "retrying" | "failed" | "dropped", httpStatus: number, error: string): Promise<void> {
    if (status !== "sent") this.o.log(`${p.job.event} via ${p.job.channel} to ${p.job.target}: ${status} (attempt ${p.attempt}) ${error}`);
    try {
      await this.o.db.insert("alert_deliveries", [
        {
          tenant_id: p.job.tenantId,
          at: this.o.now(),
          delivery_id: p.deliveryId,
          attempt: p.attempt,
          rule_id: p.job.ruleId,
          episode_id: p.job.episodeId,
          event: p.job.event,
          channel: p.job.channel,
          target: p.job.target,
          status,
          http_status: httpStatus,
          error: error.slice(0, 1000),
        },
      ]);
    } catch (err) {
      this.o.log(`could not write the delivery log: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async auditOutcome(p: Pending, ok: boolean, error: string): Promise<void> {
    try {
      await audit(this.o.db, {
        tenantId: p.job.tenantId,
        actorId: "system:alerts",
        kind: "system",
        action: `alerts.deliver.${p.job.event}`,
        inputSummary: `rule ${p.job.ruleId} episode ${p.job.episodeId} ${p.job.channel} ${p.job.target} after ${p.attempt} attempt(s)`,
        result: ok ? "ok" : "error",
        detail: error,
      });
    } catch (err) {
      this.o.log(`could not audit a delivery: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
