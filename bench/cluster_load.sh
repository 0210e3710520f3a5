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
# VIVROVERT_CLUSTER_RESTART and BENCH_RESTART_ROUNDS (1) for part 3 (see scripts/cluster.sh),
# BENCH_KEEP (below).
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
# BENCH_KEEP=DIR: the cluster's logs (nginx's access and error logs, the nodes') and wrk's
# outputs are copied there before the cluster stops.
trap '[ -n "${BENCH_KEEP:-}" ] && cp -r "$state" "$out" "$BENCH_KEEP"/; scripts/cluster.sh stop >/dev/null; rm -rf "$out"' EXIT
url=$(cat "$state/url")
node1="http://127.0.0.1:$(cat "$state/node1.port")"

# The writes of the mix (bench/http/mixed.lua): an anonymous browser's CSRF pair for the
# sign-ins of the demo accounts, and a write key of the demo partner's API, made through
# its pages as a partner would.
jar="$out/cookies.txt"
demo_password=demo-vivrovert
login_page=$(curl -skf -c "$jar" -b "$jar" "$url/compte/connexion")
csrf_of() { sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1; }
export WRK_LOGIN_CSRF WRK_LOGIN_COOKIE WRK_API_KEY
WRK_LOGIN_CSRF=$(csrf_of <<<"$login_page")
WRK_LOGIN_COOKIE=$(awk '!/^# / && NF >= 7 { printf "%s=%s", $6, $7; exit }' "$jar")
export WRK_LOGIN_EMAILS=demo@vivrovert.localhost,operateur@vivrovert.localhost,partenaire@vivrovert.localhost
export WRK_PASSWORD=$demo_password
curl -skf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$WRK_LOGIN_CSRF" \
  --data-urlencode email=partenaire@vivrovert.localhost --data-urlencode "password=$demo_password" \
  "$url/compte/connexion"
keys_page=$(curl -skf -c "$jar" -b "$jar" "$url/partenaire/grand-cahors-demo/cles")
WRK_API_KEY=$(curl -skf -c "$jar" -b "$jar" --data-urlencode "_csrf=$(csrf_of <<<"$keys_page")" \
  --data-urlencode scope=write --data-urlencode label=bench "$url/partenaire/grand-cahors-demo/cles" |
  sed -n 's/.*id="api-key-secret">\(vvk_[^<]*\)<.*/\1/p')
[ -n "$WRK_LOGIN_CSRF" ] && [ -n "$WRK_LOGIN_COOKIE" ] && [ -n "$WRK_API_KEY" ] || {
  echo "cluster_load: could not prepare the sign-ins and the partner key" >&2
  exit 1
}

access_log="$state/nginx/nginx-access.log"
error_log="$state/nginx/nginx-error.log"
run() {  # run NAME URL [ENV…]: one wrk run, its summary lines
  local name=$1 target=$2 access_from error_from
  shift 2
  access_from=$(($(wc -l <"$access_log") + 1))
  error_from=$(($(wc -l <"$error_log") + 1))
  env "$@" wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/http/mixed.lua "$target" >"$out/$name.txt" 2>&1 || true
  echo "== $name ($target)"
  grep -E "Requests/sec|^ +50%|^ +99%|Non-2xx|Socket errors" "$out/$name.txt" || true
  # wrk's "timeout" counts requests slower than 2 s (they are answered all the same); what
  # failed is in nginx's access log: every answer of 500 or more, with nginx's reason
  # (its error log, other than the refused connections it retried elsewhere).
  if [[ "$target" == "$url" ]]; then
    tail -n +"$access_from" "$access_log" | bench/http/nginx_failures.py ${BENCH_ROUTES:+--routes}
    tail -n +"$error_from" "$error_log" | grep -v -e 'Connection refused' -e 'temporarily disabled' \
      | sed -E 's/^[^ ]+ [^ ]+ \[([a-z]+)\] [0-9#]+: \*[0-9]+ /  nginx \1: /; s/, client: .*request: "([A-Z]+ [^ ]+).*/ (\1)/' \
      | sort | uniq -c | sort -rn | head -20 || true
  fi
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
rounds=${BENCH_RESTART_ROUNDS:-1}
echo "# 3. rolling restart of the 3 nodes under the mixed load ($rounds in a row)"
( sleep 2; for _ in $(seq "$rounds"); do scripts/cluster.sh restart-nodes "$bin"; done >"$out/restart.log" 2>&1 ) &
duration=$((long_run * rounds)) run rolling-restart "$url"
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
