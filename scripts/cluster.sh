#!/usr/bin/env bash
# `make cluster` / `make cluster-stop`: VivroVert as a production cluster, on one machine and
# free ports, from the files of deploy/ that docs/DEPLOY.md uses for several machines:
#   - a PostgreSQL 15 primary (WAL archiving on) and a streaming hot standby made from it
#     with pg_basebackup, run as user postgres when root (like scripts/with-test-services.sh);
#   - 3 `vivrovert serve` nodes on 127.0.0.1, sharing the primary, the grid and var/;
#   - nginx in front (deploy/nginx.conf.template): TLS with a generated local certificate,
#     load balancing with retries, static assets, gzip, body-size and rate limits.
# Usage:
#   scripts/cluster.sh start BIN     start everything, print the URL (idempotent: stops first)
#   scripts/cluster.sh stop          stop everything started by `start`
#   scripts/cluster.sh status        each part's state (nodes' /readyz, replication)
#   scripts/cluster.sh restart-nodes BIN   rolling restart: each node in turn is taken out of
#                                    nginx, drained (SIGTERM), started again, put back once ready
#   scripts/cluster.sh start-node BIN I / kill-node I   one node (fault tests: kill-node is kill -9)
# Environment: VIVROVERT_CLUSTER_DIR (state, default var/cluster), VIVROVERT_CLUSTER_NODES (3),
# VIVROVERT_CLUSTER_PORT (nginx's HTTPS port, default a free one), VIVROVERT_CLUSTER_RATE and
# VIVROVERT_CLUSTER_BURST (nginx's limit per client address, default 50r/s and 100),
# VIVROVERT_CLUSTER_DB_FAILOVER=1 (the nodes' database URL names both PostgreSQL servers,
# see start_postgres), and the
# usual VIVROVERT_* of the nodes (e.g. VIVROVERT_API_RATE_LIMIT=0 for load tests), which the
# nodes inherit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
PG_BIN=/usr/lib/postgresql/15/bin
state=${VIVROVERT_CLUSTER_DIR:-$root/var/cluster}
nodes=${VIVROVERT_CLUSTER_NODES:-3}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
# wait_for DESCRIPTION SECONDS COMMAND…: polls COMMAND every 0.2 s.
wait_for() {
  local description=$1 seconds=$2
  shift 2
  local rounds=$((seconds * 5))
  for _ in $(seq "$rounds"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "cluster: $description did not happen within $seconds s" >&2
  return 1
}
ready() { curl -sf "http://127.0.0.1:$1/readyz" >/dev/null; }
get() { cat "$state/$1"; }

# The upstream block's servers, with node $1 (1-based) marked down (0: none).
upstream_servers() {
  local down=$1 i
  for i in $(seq "$nodes"); do
    printf '    server 127.0.0.1:%s max_fails=1 fail_timeout=5s%s;\n' "$(get "node$i.port")" \
      "$([ "$i" = "$down" ] && echo ' down')"
  done
}
write_nginx_conf() {
  local down=$1 user_directive="" servers
  [ "$(id -u)" = 0 ] && user_directive="user root;"
  servers=$(upstream_servers "$down")
  sed -e "s|@USER_DIRECTIVE@|$user_directive|" \
      -e "s|@RUN_DIR@|$state/nginx|g" \
      -e "s|@MAX_BODY@|11m|" -e "s|@RATE@|${VIVROVERT_CLUSTER_RATE:-50r/s}|" \
      -e "s|@BURST@|${VIVROVERT_CLUSTER_BURST:-100}|" \
      -e "s|@LISTEN@|127.0.0.1:$(get nginx.port)|" -e "s|@SERVER_NAME@|localhost|" \
      -e "s|@CERT@|$state/tls/cert.pem|" -e "s|@CERT_KEY@|$state/tls/key.pem|" \
      -e "s|@STATIC_ROOT@|$root/frontend/dist|g" \
      deploy/nginx.conf.template | awk -v servers="$servers" '$1 == "@UPSTREAM_SERVERS@" { print servers; next } { print }' \
      >"$state/nginx/nginx.conf"
}
nginx_ctl() { /usr/sbin/nginx -p "$state/nginx" -c "$state/nginx/nginx.conf" "$@"; }

node_env() {  # node_env I: the environment of node I
  if [ "${VIVROVERT_CLUSTER_DB_FAILOVER:-0}" = 1 ]; then
    echo "VIVROVERT_DATABASE_URL=$(get failover_url)"
  else
    echo "VIVROVERT_DATABASE_URL=$(get database_url)"
  fi
  echo "VIVROVERT_DATABASE_REPLICA_URL=$(get replica_url)"
  echo "VIVROVERT_HTTP_HOST=127.0.0.1"
  echo "VIVROVERT_HTTP_PORT=$(get "node$1.port")"
  echo "VIVROVERT_HTTP_TRUSTED_PROXIES=127.0.0.1"
  echo "VIVROVERT_HTTP_PUBLIC_BASE_URL=$(get url)"
}
start_node() {  # start_node BIN I
  local bin=$1 i=$2
  env $(node_env "$i") "$bin" serve --no-migrate >>"$state/node$i.log" 2>&1 &
  echo $! >"$state/node$i.pid"
  wait_for "node $i ready" 120 ready "$(get "node$i.port")"
}
stop_node() {  # stop_node I: SIGTERM (the node drains), then wait for it
  local pid
  pid=$(cat "$state/node$1.pid" 2>/dev/null || true)
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$state/node$1.pid"
}

start_postgres() {
  local pg_dir primary standby primary_port standby_port
  pg_dir=$(mktemp -d /tmp/vivrovert-cluster-pg.XXXXXX)
  chmod 755 "$pg_dir"
  echo "$pg_dir" >"$state/pg_dir"
  primary="$pg_dir/primary"
  standby="$pg_dir/standby"
  mkdir -p "$primary" "$pg_dir/wal-archive"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$pg_dir" "$primary" "$pg_dir/wal-archive"; fi
  primary_port=$(free_port)
  standby_port=$(free_port)
  echo "$primary_port" >"$state/pg_primary.port"
  echo "$standby_port" >"$state/pg_standby.port"
  as_postgres "$PG_BIN/initdb" -D "$primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$state/initdb.log" 2>&1 || { cat "$state/initdb.log"; exit 1; }
  # deploy/postgresql/primary.conf, with this machine's paths.
  sed -e "s|@WAL_ARCHIVE@|$pg_dir/wal-archive|g" deploy/postgresql/primary.conf >>"$primary/postgresql.conf"
  as_postgres "$PG_BIN/pg_ctl" -D "$primary" -l "$pg_dir/primary.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $primary_port -k $pg_dir" start >/dev/null \
    || { cat "$pg_dir/primary.log"; exit 1; }
  "$PG_BIN/psql" -h 127.0.0.1 -p "$primary_port" -U postgres -q -c "CREATE DATABASE vivrovert"
  # The standby: a base backup of the primary, told to follow it (-R writes
  # primary_conninfo and standby.signal).
  as_postgres "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$standby" \
    -R -X stream -c fast >"$state/basebackup.log" 2>&1 || { cat "$state/basebackup.log"; exit 1; }
  cat deploy/postgresql/standby.conf | as_postgres tee -a "$standby/postgresql.conf" >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$standby" -l "$pg_dir/standby.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $standby_port -k $pg_dir" start >/dev/null \
    || { cat "$pg_dir/standby.log"; exit 1; }
  echo "postgresql://postgres@127.0.0.1:$primary_port/vivrovert" >"$state/database_url"
  # With VIVROVERT_CLUSTER_DB_FAILOVER=1 the nodes get a libpq multi-host URL naming both
  # servers, of which libpq picks the one accepting writes: after the standby's promotion
  # they reconnect to it without a restart (bench/failover.sh, docs/DEPLOY.md "Failover").
  echo "postgresql://postgres@127.0.0.1:$primary_port,127.0.0.1:$standby_port/vivrovert?target_session_attrs=read-write" \
    >"$state/failover_url"
  echo "postgresql://postgres@127.0.0.1:$standby_port/vivrovert" >"$state/replica_url"
}

stop_all() {
  local i pg_dir
  [ -d "$state" ] || return 0
  if [ -f "$state/nginx/nginx.pid" ]; then nginx_ctl -s quit 2>/dev/null || true; fi
  for i in $(seq 9); do [ -f "$state/node$i.pid" ] && stop_node "$i"; done
  pg_dir=$(cat "$state/pg_dir" 2>/dev/null || true)
  if [ -n "$pg_dir" ] && [ -d "$pg_dir" ]; then
    for db in standby primary; do
      [ -d "$pg_dir/$db" ] && as_postgres "$PG_BIN/pg_ctl" -D "$pg_dir/$db" -m fast stop >/dev/null 2>&1 || true
    done
    rm -rf "$pg_dir"
  fi
  rm -rf "$state"
}

start_all() {
  local bin=$1 i
  stop_all
  mkdir -p "$state/nginx/tmp" "$state/tls"
  local nginx_port=${VIVROVERT_CLUSTER_PORT:-$(free_port)}
  echo "$nginx_port" >"$state/nginx.port"
  echo "https://localhost:$nginx_port" >"$state/url"
  for i in $(seq "$nodes"); do free_port >"$state/node$i.port"; done

  echo "cluster: PostgreSQL primary and hot standby"
  start_postgres
  export VIVROVERT_DATABASE_URL
  VIVROVERT_DATABASE_URL=$(get database_url)
  "$bin" migrate >/dev/null
  grid_file=${VIVROVERT_PATHS_GRID_FILE:-var/grid/vivrovert.grid}
  if [ ! -f "$grid_file" ]; then
    echo "cluster: no grid at $grid_file, building it (the first build takes a while)"
    "$bin" grid build >/dev/null
  fi
  accounts=$(VIVROVERT_DEMO_ENABLED=true "$bin" admin seed-demo)

  echo "cluster: local TLS certificate"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$state/tls/key.pem" -out "$state/tls/cert.pem" >/dev/null 2>&1

  for i in $(seq "$nodes"); do
    echo "cluster: node $i on 127.0.0.1:$(get "node$i.port")"
    start_node "$bin" "$i"
  done
  echo "cluster: nginx on 127.0.0.1:$nginx_port"
  write_nginx_conf 0
  nginx_ctl -t -q
  nginx_ctl
  wait_for "nginx answering" 30 curl -skf "$(get url)/readyz"
  cat <<BANNER

VivroVert cluster: $(get url)   (local certificate: $state/tls/cert.pem)
  nodes:      $(for i in $(seq "$nodes"); do printf 'http://127.0.0.1:%s ' "$(get "node$i.port")"; done)(each: /readyz, /metrics)
  PostgreSQL: primary $(get database_url), hot standby $(get replica_url)
  logs:       $state/node*.log, $state/nginx/nginx-access.log, $(get pg_dir)/*.log
Demo accounts (role, e-mail, password):
$accounts
Stop: make cluster-stop

BANNER
}

status_all() {
  local i
  [ -f "$state/url" ] || { echo "cluster: not running"; return 1; }
  echo "url: $(get url)"
  for i in $(seq "$nodes"); do
    printf 'node %s (port %s): %s\n' "$i" "$(get "node$i.port")" \
      "$(curl -s "http://127.0.0.1:$(get "node$i.port")/readyz" || echo down)"
  done
  "$PG_BIN/psql" -h 127.0.0.1 -p "$(get pg_primary.port)" -U postgres -Atc \
    "SELECT 'standby ' || application_name || ': ' || state || ', replay lag ' || COALESCE(replay_lag::text, '0') FROM pg_stat_replication" || true
}

# Two ways (VIVROVERT_CLUSTER_RESTART): "drain" (default) stops each node with SIGTERM and
# lets nginx find it refusing connections (it retries them on the others, whatever the
# method) until it is back; "reload" first marks it down in nginx and reloads nginx, whose
# old workers then close their clients' idle keep-alive connections (browsers retry those;
# load tools count them as errors).
restart_nodes() {
  local bin=$1 i mode=${VIVROVERT_CLUSTER_RESTART:-drain}
  for i in $(seq "$nodes"); do
    echo "cluster: rolling restart of node $i ($mode)"
    if [ "$mode" = reload ]; then
      write_nginx_conf "$i"
      nginx_ctl -s reload
      # nginx's old workers finish their requests; new ones no longer pick node i.
      sleep 1
    fi
    stop_node "$i"
    start_node "$bin" "$i"
    if [ "$mode" = reload ]; then
      write_nginx_conf 0
      nginx_ctl -s reload
    fi
  done
}

case "${1:-}" in
  start) [ $# -eq 2 ] || { echo "usage: $0 start BIN" >&2; exit 2; }; start_all "$(realpath "$2")" ;;
  stop) stop_all; echo "cluster: stopped" ;;
  status) status_all ;;
  start-node) [ $# -eq 3 ] || { echo "usage: $0 start-node BIN I" >&2; exit 2; }; start_node "$(realpath "$2")" "$3" ;;
  kill-node) [ $# -eq 2 ] || { echo "usage: $0 kill-node I" >&2; exit 2; }
    kill -KILL "$(cat "$state/node$2.pid")"; rm -f "$state/node$2.pid" ;;
  restart-nodes) [ $# -eq 2 ] || { echo "usage: $0 restart-nodes BIN" >&2; exit 2; }; restart_nodes "$(realpath "$2")" ;;
  *) echo "usage: $0 start BIN | stop | status | restart-nodes BIN" >&2; exit 2 ;;
esac
