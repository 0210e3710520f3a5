#!/usr/bin/env bash
# Primary failover under load (docs/RELIABILITY.md, "Failover"), on the local cluster
# (`make cluster`'s layout), loopback only, every load bounded in time:
#   - the nodes' database URL names both servers with target_session_attrs=read-write
#     (VIVROVERT_CLUSTER_DB_FAILOVER=1 of scripts/cluster.sh): libpq connects to whichever
#     accepts writes, so the nodes follow the promotion without a restart;
#   - the mixed workload (bench/http/mixed.lua, sign-ins and partner writes included) through
#     nginx, and pgbench committing numbered rows (client, seq) straight to the primary, its
#     per-transaction log listing every commit PostgreSQL acknowledged;
#   - a third into the run, the primary is killed (kill -9 of the postmaster and all its
#     processes: the machine lost), then the standby promoted (pg_ctl promote);
#   - counted: the commits acknowledged by the old primary that the promoted standby does
#     not have (lost), the requests that failed through nginx, and a partner write after.
# MODE "async" (the default of deploy/postgresql/primary.conf) or "sync"
# (synchronous_standby_names = '*' set on the primary first; the run then also shows a
# commit waiting while the standby is stopped, and going through once it is back).
# Usage: bench/failover.sh [async|sync] [BUILD_DIR]
# Environment: BENCH_SECONDS (30), BENCH_CONNECTIONS (16), BENCH_PGBENCH_CLIENTS (8),
# BENCH_STANDBY_LAG (0; seconds the standby is held back before the kill, see below),
# BENCH_KEEP (a folder: the cluster's logs and the pgbench logs are copied there).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-async}
build=${2:-build}
[ "$mode" = async ] || [ "$mode" = sync ] || { echo "usage: $0 [async|sync] [BUILD_DIR]" >&2; exit 2; }
bin=$(realpath "$build/vivrovert")
duration=${BENCH_SECONDS:-30}
connections=${BENCH_CONNECTIONS:-16}
pg_clients=${BENCH_PGBENCH_CLIENTS:-8}
PG_BIN=/usr/lib/postgresql/15/bin
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
state=${VIVROVERT_CLUSTER_DIR:-var/cluster}
out=$(mktemp -d /tmp/vivrovert-failover.XXXXXX)
chmod 777 "$out"

export VIVROVERT_API_RATE_LIMIT=0 VIVROVERT_API_MAP_RATE_LIMIT=0 VIVROVERT_CLUSTER_RATE=100000r/s \
  VIVROVERT_CLUSTER_BURST=100000 VIVROVERT_CLUSTER_DB_FAILOVER=1
scripts/cluster.sh start "$bin" >"$out/start.log"
trap '[ -n "${BENCH_KEEP:-}" ] && cp -r "$state" "$out" "$BENCH_KEEP"/; scripts/cluster.sh stop >/dev/null; rm -rf "$out"' EXIT
url=$(cat "$state/url")
pg_dir=$(cat "$state/pg_dir")
primary_port=$(cat "$state/pg_primary.port")
standby_port=$(cat "$state/pg_standby.port")
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
sql() {  # sql PORT STATEMENT: one value
  "$PG_BIN/psql" -h 127.0.0.1 -p "$1" -U postgres -d vivrovert -Atq -c "$2"
}

# The writes of the mix, as bench/cluster_load.sh makes them.
jar="$out/cookies.txt"
csrf_of() { sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1; }
login_page=$(curl -skf -c "$jar" -b "$jar" "$url/compte/connexion")
export WRK_LOGIN_CSRF WRK_LOGIN_COOKIE WRK_API_KEY
WRK_LOGIN_CSRF=$(csrf_of <<<"$login_page")
WRK_LOGIN_COOKIE=$(awk '!/^# / && NF >= 7 { printf "%s=%s", $6, $7; exit }' "$jar")
export WRK_LOGIN_EMAILS=demo@vivrovert.localhost,operateur@vivrovert.localhost,partenaire@vivrovert.localhost
export WRK_PASSWORD=demo-vivrovert
curl -skf -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$WRK_LOGIN_CSRF" \
  --data-urlencode email=partenaire@vivrovert.localhost --data-urlencode "password=$WRK_PASSWORD" \
  "$url/compte/connexion"
keys_page=$(curl -skf -c "$jar" -b "$jar" "$url/partenaire/grand-cahors-demo/cles")
WRK_API_KEY=$(curl -skf -c "$jar" -b "$jar" --data-urlencode "_csrf=$(csrf_of <<<"$keys_page")" \
  --data-urlencode scope=write --data-urlencode label=bench "$url/partenaire/grand-cahors-demo/cles" |
  sed -n 's/.*id="api-key-secret">\(vvk_[^<]*\)<.*/\1/p')
[ -n "$WRK_API_KEY" ] || { echo "failover: could not make the partner key" >&2; exit 1; }
partner_write() {  # the HTTP status of one partner API write through nginx
  curl -sk -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $WRK_API_KEY" \
    -H 'Content-Type: application/json' --max-time 30 \
    --data '{"kind":"housing","external_id":"after-failover","title":"Maison après bascule","commune_code":"46042","transaction":"vente","property_type":"house","rooms":"3","surface_m2":"90","price_eur":"120000"}' \
    "$url/api/v1/partner/listings" || true
}

sql "$primary_port" "CREATE TABLE failover_probe (client integer, seq integer, PRIMARY KEY (client, seq))"
if [ "$mode" = sync ]; then
  sql "$primary_port" "ALTER SYSTEM SET synchronous_standby_names = '*'" >/dev/null
  sql "$primary_port" "SELECT pg_reload_conf()" >/dev/null
  for _ in $(seq 100); do
    [ "$(sql "$primary_port" "SELECT sync_state FROM pg_stat_replication LIMIT 1")" = sync ] && break
    sleep 0.2
  done
  echo "# sync: standby $(sql "$primary_port" "SELECT application_name || ' ' || sync_state FROM pg_stat_replication")"
  # A commit while the standby is stopped waits for it (wait event SyncRep), and goes
  # through once it is back.
  as_postgres "$PG_BIN/pg_ctl" -D "$pg_dir/standby" -m fast stop >/dev/null
  sql "$primary_port" "INSERT INTO failover_probe VALUES (0, 1)" >"$out/waiting-commit.txt" 2>&1 &
  waiting=$!
  sleep 3
  echo "# sync, standby stopped: commits waiting after 3 s: $(sql "$primary_port" \
    "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'") (wait event SyncRep);" \
    "the insert's client still waiting: $(kill -0 "$waiting" 2>/dev/null && echo yes || echo no)"
  as_postgres "$PG_BIN/pg_ctl" -D "$pg_dir/standby" -l "$pg_dir/standby.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $standby_port -k $pg_dir" start >/dev/null
  wait "$waiting"
  echo "# sync, standby back: the waiting insert returned ($(cat "$out/waiting-commit.txt")); rows: $(sql "$primary_port" "SELECT count(*) FROM failover_probe")"
fi
for _ in $(seq 100); do
  [ "$(sql "$standby_port" "SELECT to_regclass('failover_probe') IS NOT NULL" 2>/dev/null)" = t ] && break
  sleep 0.2
done

cat >"$out/probe.sql" <<'SQL'
\set seq :seq + 1
INSERT INTO failover_probe VALUES (:client_id + 1, :seq);
SQL
access_from=$(($(wc -l <"$state/nginx/nginx-access.log") + 1))
wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/http/mixed.lua "$url" >"$out/wrk.txt" 2>&1 &
wrk_pid=$!
(cd "$out" && as_postgres "$PG_BIN/pgbench" -h 127.0.0.1 -p "$primary_port" -U postgres -n \
  -c "$pg_clients" -j 2 -T "$duration" -D seq=0 -f probe.sql -l --log-prefix=pgbench_log vivrovert \
  >"$out/pgbench-report.txt" 2>&1 || true) &
pgbench_pid=$!

sleep $((duration / 3))
# A standby that lags (BENCH_STANDBY_LAG seconds, default 0: its WAL receiver paused, as a
# slow or cut network link would): asynchronous commits go on meanwhile, synchronous ones
# wait. On loopback the standby otherwise trails the primary by well under a millisecond.
lag=${BENCH_STANDBY_LAG:-0}
walreceiver=""
if [ "$lag" != 0 ]; then
  for pid in $(pgrep -P "$(head -1 "$pg_dir/standby/postmaster.pid")"); do
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q walreceiver && walreceiver=$pid
  done
  [ -n "$walreceiver" ] || { echo "failover: no WAL receiver on the standby" >&2; exit 1; }
  kill -STOP "$walreceiver"
  echo "# $mode: standby's WAL receiver paused for $lag s before the kill"
  sleep "$lag"
fi
postmaster=$(head -1 "$pg_dir/primary/postmaster.pid")
children=$(pgrep -P "$postmaster" | tr '\n' ' ')
# shellcheck disable=SC2086  # one pid per word
kill -KILL "$postmaster" $children
killed_at=$(date +%s.%N)
echo "# $mode: primary killed (postmaster $postmaster and its processes) a third into the run"
[ -z "$walreceiver" ] || kill -CONT "$walreceiver"
as_postgres "$PG_BIN/pg_ctl" -D "$pg_dir/standby" -w -t 60 promote >/dev/null
promoted_at=$(date +%s.%N)
echo "# $mode: standby promoted $(awk -v a="$promoted_at" -v b="$killed_at" 'BEGIN { printf "%.1f", a - b }') s after the kill"
wait "$pgbench_pid" || true
wait "$wrk_pid" || true

# The commits pgbench saw acknowledged: its log has one line per transaction (client,
# the number of transactions it has finished, time in µs or "failed"/"skipped"): row seq = number.
cat "$out"/pgbench_log.* 2>/dev/null | awk '$3 ~ /^[0-9]+$/ { print $1 + 1 "|" $2 }' | sort -u >"$out/acknowledged.txt"
sql "$standby_port" "SELECT client || '|' || seq FROM failover_probe WHERE client > 0" | sort -u >"$out/present.txt"
acknowledged=$(wc -l <"$out/acknowledged.txt")
lost=$(comm -23 "$out/acknowledged.txt" "$out/present.txt" | wc -l)
unacknowledged_present=$(comm -13 "$out/acknowledged.txt" "$out/present.txt" | wc -l)
echo "== $mode: $acknowledged commits acknowledged by the old primary; on the promoted standby:" \
  "$lost of them missing (lost), $unacknowledged_present more rows whose commit was in flight"
echo "== requests through nginx during the run:"
grep -E "Requests/sec|Non-2xx" "$out/wrk.txt" || true
tail -n +"$access_from" "$state/nginx/nginx-access.log" | bench/http/nginx_failures.py
echo "== after the failover: a partner API write answers $(partner_write); nodes ready:" \
  "$(for i in 1 2 3; do curl -s -o /dev/null -w '%{http_code} ' "http://127.0.0.1:$(cat "$state/node$i.port")/readyz"; done)"
