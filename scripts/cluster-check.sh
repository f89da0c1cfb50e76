#!/usr/bin/env bash
# Checks Plumbline on a real ClickHouse cluster (docker-compose.cluster.yml: 2 shards x 2 replicas,
# 3 Keeper nodes). Needs Docker with the compose plugin, Node 20 and this checkout's node_modules.
#
#   scripts/cluster-check.sh            # KEEP_CLUSTER=1 leaves the cluster running afterwards
#
# 1. Starts the cluster, the web process (which migrates it: ON CLUSTER DDL, Replicated tables,
#    Distributed fronts) and the ingest process.
# 2. Runs the unit test suite against it (CLICKHOUSE_URL, CLICKHOUSE_CLUSTER set): every query, insert
#    and migration of the suite on Distributed tables under the cluster's default settings.
# 3. Sends OTLP load for 40 s and kills (SIGKILL) the replica that takes the tenant's writes after 10 s,
#    restarting it 15 s later; unacknowledged requests are resent as an exporter would. Then checks
#    that every run is stored exactly once on both replicas of the tenant's shard.
# What it proves and what the static test (clickhouse/cluster-safety.test.ts) does not:
# docs/operations.md, "Cluster mode".
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
COMPOSE_FILE=docker-compose.cluster.yml
compose() { docker compose -f "$COMPOSE_FILE" "$@"; }

command -v docker >/dev/null 2>&1 || { echo "cluster-check: Docker is required" >&2; exit 2; }

export CLICKHOUSE_PASSWORD="${CLICKHOUSE_PASSWORD:-plumbline-change-me}"
export AUTH_SECRET="${AUTH_SECRET:-$(openssl rand -hex 32)}"
export PLUMBLINE_SECRET="${PLUMBLINE_SECRET:-$(openssl rand -hex 32)}"
export PLUMBLINE_DEMO=0

work="$(mktemp -d)"
cleanup() {
  if [[ "${KEEP_CLUSTER:-0}" != "1" ]]; then compose down --volumes --remove-orphans || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== starting the cluster (build, migrate, health checks)"
compose up --detach --build --wait

# ch-s1r1 publishes its HTTP port on loopback (docker-compose.cluster.yml).
export CLICKHOUSE_URL=http://127.0.0.1:8123
export CLICKHOUSE_USER=plumbline
export CLICKHOUSE_DATABASE=plumbline
export CLICKHOUSE_CLUSTER=plumbline

sql() {
  curl --silent --show-error --fail-with-body --user "$CLICKHOUSE_USER:$CLICKHOUSE_PASSWORD" \
    "$CLICKHOUSE_URL/?database=$CLICKHOUSE_DATABASE" --data-binary "$1"
}
cli() { compose exec -T web node dist/plumbline.mjs "$@" --json; }
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }

echo "== the unit test suite against the cluster"
suite=0
npx vitest run --project unit || suite=$?

echo "== a replica killed mid-ingest"
# A tenant on shard 2 (cityHash64(tenant_id) % 2 = 1), so the replica killed is not the node
# Plumbline connects to. ch-s2r1 is the replica in_order load balancing prefers for that shard.
tenant="" slug=""
for i in $(seq 1 20); do
  slug="cluster-check-$RANDOM-$i"
  tenant="$(cli tenants create "$slug" | field tenant_id)"
  [[ "$(sql "SELECT cityHash64('$tenant') % 2")" == "1" ]] && break
  tenant=""
done
[[ -n "$tenant" ]] || { echo "cluster-check: no tenant landed on shard 2 in 20 tries" >&2; exit 1; }
key="$(cli keys create --tenant "$slug" --name cluster-check | field secret)"

npx tsx scripts/cluster-ingest-check.ts load --otlp http://127.0.0.1:4318 --key "$key" --seconds 40 --out "$work/sent.json" &
load=$!
sleep 10
echo "killing ch-s2r1"
compose kill --signal SIGKILL ch-s2r1
sleep 15
echo "restarting ch-s2r1"
compose start ch-s2r1
wait "$load"

ingest=0
npx tsx scripts/cluster-ingest-check.ts verify --in "$work/sent.json" --tenant "$tenant" || ingest=$?

echo "== results: test suite exit $suite, replica-kill check exit $ingest"
[[ "$suite" == "0" && "$ingest" == "0" ]]
