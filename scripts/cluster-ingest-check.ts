import { readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { openServer } from "@/clickhouse/server-client";
import { postTraces, runSpansRequest } from "./otlp-load";

/**
 * The ingest half of scripts/cluster-check.sh (a cluster from docker-compose.cluster.yml):
 *
 *   load   --otlp <url> --key <secret> --seconds <n> --out <file>
 *          four clients send 50-run requests for n seconds (the script kills a replica meanwhile),
 *          then resend every request that was not acknowledged until it is, as an OTLP exporter
 *          would; writes every request's run ids and whether its first answer was a 200.
 *   verify --in <file> --tenant <id>   (CLICKHOUSE_URL, _USER, _PASSWORD, _DATABASE, _CLUSTER)
 *          after SYSTEM SYNC REPLICA on every node: on every replica, each run sent is stored exactly
 *          once in the raw rows (no FINAL, so an unmerged duplicate would count twice).
 * Exits 1 with the counts when a run is missing or doubled.
 */

const args = new Map<string, string>();
for (let i = 3; i < process.argv.length; i += 2) args.set(process.argv[i]?.replace(/^--/, "") ?? "", process.argv[i + 1] ?? "");
const need = (name: string) => {
  const v = args.get(name);
  if (!v) throw new Error(`--${name} is required`);
  return v;
};

const sentFile = z.array(z.object({ ids: z.array(z.string()), firstAck: z.boolean() }));

async function load(): Promise<void> {
  const otlp = need("otlp");
  const key = need("key");
  const until = Date.now() + Number(need("seconds")) * 1000;
  const sent: { ids: string[]; body: string; firstAck: boolean; acked: boolean }[] = [];
  const client = async (c: number) => {
    for (let n = 0; Date.now() < until; n++) {
      const ids = Array.from({ length: 50 }, (_, i) => `c${c}-r${n}-${i}`);
      const body = runSpansRequest(ids);
      const ok = (await postTraces(otlp, key, body)).status === 200;
      sent.push({ ids, body, firstAck: ok, acked: ok });
    }
  };
  await Promise.all([0, 1, 2, 3].map(client));
  // Exporters retry what was refused or lost, the same body, until it is taken.
  for (const r of sent) {
    for (let tries = 0; !r.acked; tries++) {
      if (tries > 120) throw new Error("a request was refused for two minutes after the replica came back");
      r.acked = (await postTraces(otlp, key, r.body)).status === 200;
      if (!r.acked) await new Promise((res) => setTimeout(res, 1000));
    }
  }
  writeFileSync(need("out"), JSON.stringify(sent.map(({ ids, firstAck }) => ({ ids, firstAck }))));
  console.log(`sent ${sent.length} requests, ${sent.filter((r) => r.firstAck).length} acknowledged at once, the rest after retries`);
}

async function verify(): Promise<void> {
  const sent = sentFile.parse(JSON.parse(readFileSync(need("in"), "utf8")));
  const env = process.env;
  const cluster = env.CLICKHOUSE_CLUSTER;
  if (!env.CLICKHOUSE_URL || !cluster) throw new Error("CLICKHOUSE_URL and CLICKHOUSE_CLUSTER are required");
  const db = openServer({ url: env.CLICKHOUSE_URL, username: env.CLICKHOUSE_USER, password: env.CLICKHOUSE_PASSWORD, database: env.CLICKHOUSE_DATABASE, cluster });
  try {
    await db.command(`SYSTEM SYNC REPLICA ON CLUSTER \`${cluster}\` runs_local`);
    const rows = await db.query(
      `SELECT hostName() AS host, count() AS raw, uniqExact(run_id) AS runs
       FROM clusterAllReplicas({c:String}, currentDatabase(), runs_local) WHERE tenant_id = {t:String} GROUP BY host ORDER BY host`,
      { c: cluster, t: need("tenant") },
      z.object({ host: z.string(), raw: z.coerce.number(), runs: z.coerce.number() }),
    );
    const expected = sent.reduce((a, r) => a + r.ids.length, 0);
    console.log(JSON.stringify({ expected, replicas: rows }));
    // The tenant's rows live on one shard: both of its replicas hold every run, once.
    const holders = rows.filter((r) => r.raw > 0);
    const ok = holders.length >= 2 && holders.every((r) => r.raw === expected && r.runs === expected);
    if (!ok) {
      console.error(`FAIL: expected ${expected} runs once on each replica of the tenant's shard`);
      process.exit(1);
    }
    console.log("ok: every acknowledged run is stored exactly once on every replica of its shard");
  } finally {
    await db.close();
  }
}

const mode = process.argv[2];
(mode === "load" ? load() : mode === "verify" ? verify() : Promise.reject(new Error("usage: cluster-ingest-check.ts load|verify …"))).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
