#!/usr/bin/env bash
# HTTP load on the search API at 5 km, on loopback, bounded in time: starts
# `vivrovert serve` on a free port with the per-IP limit off (api.rate_limit=0) and a
# throw-away SQLite database, runs wrk (1 thread, 16 connections, 20 s, latency
# distribution), then stops the server.
# Usage: bench/http_load.sh [GRID_FILE] [BUILD_DIR]   (defaults: var/grid/vivrovert.grid, build)
set -euo pipefail
cd "$(dirname "$0")/.."
grid="${1:-var/grid/vivrovert.grid}"
build="${2:-build}"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -f "$grid" ] || { echo "no grid at $grid: run make run or vivrovert grid build" >&2; exit 1; }
work=$(mktemp -d /tmp/vivrovert-http.XXXXXX)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
VIVROVERT_DATABASE_URL="sqlite:$work/db.sqlite" VIVROVERT_PATHS_VAR_DIR="$work" VIVROVERT_PATHS_GRID_FILE="$grid" \
  VIVROVERT_HTTP_PORT="$port" VIVROVERT_API_RATE_LIMIT=0 VIVROVERT_HTTP_THREADS=2 \
  "$build/vivrovert" serve --no-access-log >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
wrk -t1 -c16 -d20s --latency -s bench/http/search_5km.lua "http://127.0.0.1:$port"
