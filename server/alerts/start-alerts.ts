import { hostname } from "node:os";
import type { Db } from "@/clickhouse/client";
import { runMetric } from "@/metrics/registry";
import type { Env } from "@/server/env";
import { WeeklyDigest } from "./digest";
import { Dispatcher } from "./dispatcher";
import { type Mailer, smtpMailer } from "./email";
import { EvaluatorLease } from "./evaluator-lease";
import { AlertEvaluator } from "./evaluator";
import type { MetricRunner } from "./metric-runner";

export interface AlertsRuntime {
  /** Stops ticking, waits for the running tick and in-flight deliveries, releases the lease. */
  stop: () => Promise<void>;
}

export function mailerFromEnv(e: Env): Mailer | undefined {
  if (!e.SMTP_HOST) return undefined;
  return smtpMailer({ host: e.SMTP_HOST, port: e.SMTP_PORT, secure: e.SMTP_SECURE, user: e.SMTP_USER, password: e.SMTP_PASSWORD, from: e.SMTP_FROM });
}

export function publicUrlFromEnv(e: Env): string {
  return e.PLUMBLINE_PUBLIC_URL ?? `http://localhost:${e.PORT}`;
}

export interface StartOptions {
  log?: (line: string) => void;
  runMetric?: MetricRunner;
}

/**
 * Runs the evaluator every PLUMBLINE_ALERTS_TICK_SECONDS, in the server process (embedded) or in
 * `npm run alerts`. Ticks never overlap; when several evaluators share a store only the lease holder
 * evaluates. A failing tick is logged and the next one runs as usual.
 */
export function startAlerts(db: Db, e: Env, o: StartOptions = {}): AlertsRuntime {
  const log = o.log ?? ((line: string) => console.log(`[alerts] ${line}`));
  const mailer = mailerFromEnv(e);
  const dispatcher = new Dispatcher({ db, log });
  const holder = `${hostname()}:${process.pid}`;
  const metrics = o.runMetric ?? runMetric;
  const publicUrl = publicUrlFromEnv(e);
  const evaluator = new AlertEvaluator({ db, runMetric: metrics, dispatcher, mailer, publicUrl, evaluatorId: holder, log });
  const digest = new WeeklyDigest({ db, runMetric: metrics, dispatcher, mailer, publicUrl, weekday: e.PLUMBLINE_DIGEST_WEEKDAY, hourUtc: e.PLUMBLINE_DIGEST_HOUR_UTC });
  const tickMs = e.PLUMBLINE_ALERTS_TICK_SECONDS * 1000;
  const lease = new EvaluatorLease(db, holder, tickMs * 3);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let role: "starting" | "active" | "standby" = "starting";

  const tick = async () => {
    const now = new Date();
    try {
      const mine = await lease.acquire(now);
      const next = mine ? "active" : "standby";
      if (next !== role) log(mine ? "evaluating (lease acquired)" : "standing by: another evaluator holds the lease");
      role = next;
      if (!mine) return;
      const r = await evaluator.tick(now);
      if (r.opened || r.resolved || r.errors) log(`tick: ${r.evaluated} rule(s), ${r.opened} opened, ${r.resolved} resolved, ${r.errors} error(s)`);
      const digests = await digest.tick(now);
      if (digests) log(`weekly digest queued for ${digests} subscriber(s)`);
    } catch (err) {
      log(`tick failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(() => schedule(tickMs));
    }, delay);
  };
  schedule(1000);
  log(`evaluator started: every ${e.PLUMBLINE_ALERTS_TICK_SECONDS}s; e-mail ${mailer ? `via ${e.SMTP_HOST}:${e.SMTP_PORT}` : "off (SMTP_HOST unset)"}`);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await dispatcher.stop(10_000);
      mailer?.close();
      await lease.release().catch(() => undefined);
    },
  };
}
