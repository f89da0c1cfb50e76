import http from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import path from "node:path";
import { migrate } from "@/clickhouse/migrate";
import { closeStore, getStore } from "@/clickhouse/store";
import { freshTenant } from "@/clickhouse/testing";
import { runMetric } from "@/metrics/registry";
import { Dispatcher } from "./dispatcher";
import { AlertEvaluator } from "./evaluator";
import { createRule } from "./rules";

/**
 * `node --import tsx server/alerts/bench.ts [tenants]`: the cost of an evaluation tick over many rules,
 * and that a receiver taking 2 s per request does not lengthen it. Prints numbers; asserts nothing.
 */
const TENANTS = Number(process.argv[2] ?? 20);
const MIN = 60_000;

async function main(): Promise<void> {
  const db = await getStore({ kind: "embedded", dataDir: path.resolve(`bench-data/alerts-${process.pid}`) });
  await migrate(db);
  const slow = http.createServer((_req, res) => setTimeout(() => res.writeHead(200).end(), 2000));
  await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hook`;
  const now = new Date(Math.floor(Date.now() / MIN) * MIN);
  for (let t = 0; t < TENANTS; t++) {
    const tenantId = freshTenant();
    const actor = { tenantId, actorId: "bench" };
    await db.insert("workflows", [{ tenant_id: tenantId, workflow: "intake", exception_sla_minutes: 60 }]);
    await db.insert("sources", [{ tenant_id: tenantId, source: "crm", freshness_sla_minutes: 60 }]);
    await db.insert("runs", Array.from({ length: 200 }, (_, i) => ({
      tenant_id: tenantId, workflow: "intake", run_id: `r${i}`, phase: "live", outcome: i % 4 === 0 ? "exception" : "completed",
      start_time: new Date(now.getTime() - (300 + i) * MIN), end_time: new Date(now.getTime() - (290 + i) * MIN),
    })));
    await db.insert("ingest_stats", [{ tenant_id: tenantId, day: now.toISOString().slice(0, 10), channel: "otlp-traces", accepted: 900, rejected: 300 }]);
    const recipients = [{ kind: "webhook", url }];
    await createRule(db, actor, { kind: "stale-source", name: "stale", recipients });
    await createRule(db, actor, { kind: "exceptions-past-sla", name: "sla", recipients });
    await createRule(db, actor, { kind: "ingest-rejects", name: "rejects", share: 0.1, recipients });
    await createRule(db, actor, { kind: "threshold", name: "rate", metric: "exception-rate", workflow: "intake", op: "gt", value: 0.15, recipients });
    await createRule(db, actor, { kind: "threshold", name: "cycle", metric: "cycle-time", op: "lt", value: 0.1, recipients });
  }
  const dispatcher = new Dispatcher({ db, concurrency: 4, maxPending: 1000, log: () => undefined });
  const evaluator = new AlertEvaluator({ db, runMetric, dispatcher, publicUrl: "http://bench", log: () => undefined });
  const rules = TENANTS * 5;
  let t = performance.now();
  const first = await evaluator.tick(now);
  const firstMs = performance.now() - t;
  console.log(`tick 1 (all due, episodes open): ${rules} rules, ${first.opened} opened, ${first.errors} errors in ${firstMs.toFixed(0)} ms (${(firstMs / rules).toFixed(1)} ms/rule)`);
  console.log(`  deliveries pending after the tick returned: ${dispatcher.pending} (receiver answers in 2 s each, concurrency 4)`);
  t = performance.now();
  const second = await evaluator.tick(new Date(now.getTime() + 10 * MIN));
  const secondMs = performance.now() - t;
  console.log(`tick 2 (all due, nothing changes): ${second.opened} opened, ${second.resolved} resolved in ${secondMs.toFixed(0)} ms`);
  t = performance.now();
  await dispatcher.drain(120_000);
  console.log(`draining ${first.opened} deliveries to the slow receiver took ${((performance.now() - t) / 1000).toFixed(1)} s, off the tick`);
  await dispatcher.stop();
  slow.closeAllConnections();
  slow.close();
  await closeStore();
}

main().catch(async (err: unknown) => {
  console.error(err);
  await closeStore().catch(() => undefined);
  process.exit(1);
});
