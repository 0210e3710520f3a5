#!/usr/bin/env bash
# Load and fault figures of docs/PERFORMANCE.md and docs/RELIABILITY.md, on the local
# cluster (`make cluster`), loopback only, every wrk run bounded in time. Never in `make test`.
#   1. the mixed workload (bench/http/mixed.lua) through nginx on 3 nodes, then on one node
#      directly (same wrk settings): requests/s, p50, p99 side by side;
#   2. kill -9 of one node under GET load through nginx: the failed requests (goal 0);
#   3. a rolling restart of every node under the mixed load (scripts/cluster.sh restart-nodes);
#   4. the standby stopped under load: listing pages fall back to the primary.
# Usage: bench/cluster_load.sh [BUILD_DIR]   (starts the cluster itself, stops it at the end)
# Environment: BENCH_SECONDS (20, per wrk run), BENCH_CONNECTIONS (32), BENCH_PARTS ("1 2 3 4"),
# VIVROVERT_CLUSTER_RESTART for part 3 (see scripts/cluster.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bin=$(realpath "$build/vivrovert")
duration=${BENCH_SECONDS:-20}
connections=${BENCH_CONNECTIONS:-32}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
state=${VIVROVERT_CLUSTER_DIR:-var/cluster}
out=$(mktemp -d /tmp/vivrovert-cluster-bench.XXXXXX)
quarter=$((duration / 4))   # when a fault is injected into a run
long_run=$((duration * 3))  # the rolling restart's run

# Limits off for the load (the edge's and the nodes' own per-address limits would answer
# 429 to a single client sending thousands of requests per second).
export VIVROVERT_API_RATE_LIMIT=0 VIVROVERT_API_MAP_RATE_LIMIT=0 VIVROVERT_CLUSTER_RATE=100000r/s \
  VIVROVERT_CLUSTER_BURST=100000
scripts/cluster.sh start "$bin" >"$out/start.log"
trap 'scripts/cluster.sh stop >/dev/null; rm -rf "$out"' EXIT
url=$(cat "$state/url")
node1="http://127.0.0.1:$(cat "$state/node1.port")"

run() {  # run NAME URL [ENV…]: one wrk run, its summary lines
  local name=$1 target=$2
  shift 2
  env "$@" wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/http/mixed.lua "$target" >"$out/$name.txt" 2>&1 || true
  echo "== $name ($target)"
  grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx|Socket errors" "$out/$name.txt" || true
}

parts="${BENCH_PARTS:-1 2 3 4}"
want() { [[ " $parts " == *" $1 "* ]]; }

if want 1; then
echo "# 1. mixed workload: nginx + 3 nodes vs one node"
run three-nodes "$url"
run one-node "$node1"

fi

if want 2; then
echo "# 2. kill -9 of node 2 under GET load through nginx"
( sleep "$quarter"; scripts/cluster.sh kill-node 2 ) &
run kill-node "$url" WRK_GET_ONLY=1
wait
scripts/cluster.sh start-node "$bin" 2

echo "# 2b. the same with the mixed workload (POST searches are not retried once sent)"
( sleep "$quarter"; scripts/cluster.sh kill-node 2 ) &
run kill-node-mixed "$url"
wait
scripts/cluster.sh start-node "$bin" 2

fi

if want 3; then
echo "# 3. rolling restart of the 3 nodes under the mixed load"
( sleep 2; scripts/cluster.sh restart-nodes "$bin" >"$out/restart.log" 2>&1 ) &
duration=$long_run run rolling-restart "$url"
wait

fi

if want 4; then
echo "# 4. standby stopped under load: listing pages fall back to the primary"
pg_dir=$(cat "$state/pg_dir")
( sleep "$quarter"; if [ "$(id -u)" = 0 ]; then runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$pg_dir/standby" -m fast stop; else /usr/lib/postgresql/15/bin/pg_ctl -D "$pg_dir/standby" -m fast stop; fi >/dev/null ) &
run standby-down "$url" WRK_GET_ONLY=1
wait
for i in 1 2 3; do
  printf 'node %s: ' "$i"
  curl -s "http://127.0.0.1:$(cat "$state/node$i.port")/metrics" | grep -E "^vivrovert_replica_fallbacks" || echo "(no replica metric)"
done
fi
