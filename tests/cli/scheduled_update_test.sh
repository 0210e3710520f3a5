#!/usr/bin/env bash
# The server's scheduled `data update` end to end, against the local fixture server
# (tests/data_update/fixture_server.py on a free loopback port; never the network): a
# `vivrovert serve` whose schedule is due at once (data.update_day 0, data.update_hour 0)
# runs `data update` as a child, which imports the comparateur and rebuilds the grid
# aside, and the server then serves the new grid without a restart (/readyz names it).
# The day and hour rules themselves are tested on a manual clock
# (tests/app/data_update_schedule_test.cpp). Usage: scheduled_update_test.sh VIVROVERT_BIN SOURCE_ROOT
set -uo pipefail
bin="$1"
root="$2"
work=$(mktemp -d /tmp/vivrovert-scheduled-update.XXXXXX)
server=""
serve=""
trap '[ -n "$serve" ] && kill "$serve" 2>/dev/null; [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
export VIVROVERT_PATHS_VAR_DIR="$work/var"
export VIVROVERT_DATABASE_URL="sqlite:$work/vivrovert.db"
export VIVROVERT_NIGHTLY_HOUR=-1
export VIVROVERT_SMTP_PORT=9
failed=0
check() {  # check DESCRIPTION COMMAND…
  local description=$1
  shift
  if "$@"; then echo "ok: $description"; else echo "FAILED: $description"; failed=1; fi
}
readyz() { /usr/bin/python3 -c "
import json, sys, urllib.request
try:
    body = json.load(urllib.request.urlopen('http://127.0.0.1:$1/readyz', timeout=5))
    print(body.get('grid_file', {}).get('sha256', ''), body.get('grid_file', {}).get('switches', ''))
except Exception:
    print('- -')"; }

mkdir -p "$work/site/files"
/usr/bin/python3 - "$root/tests/importers/fixtures/insee-comparateur/base_cc_comparateur_46.csv" \
  "$work/site/files/comparateur.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as archive:
    archive.write(sys.argv[1], "base_cc_comparateur_csv/base_cc_comparateur.csv")
PY
/usr/bin/python3 "$root/tests/data_update/fixture_server.py" "$work/site" >"$work/port" &
server=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(head -1 "$work/port")
cat >"$work/sources.json" <<JSON
{"sources": [
  {"id": "insee", "files": [{"url": "http://127.0.0.1:$port/files/comparateur.zip",
    "unpack": "zip", "member": "base_cc_comparateur\\\\.csv"}]}
]}
JSON
export VIVROVERT_DATA_SOURCES_FILE="$work/sources.json"

"$bin" grid build --departements 46 --threads 2 >/dev/null 2>&1
check "the grid of the Lot is built" test -s "$work/var/grid/vivrovert.grid"

http_port=$(/usr/bin/python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
VIVROVERT_HTTP_HOST=127.0.0.1 VIVROVERT_HTTP_PORT="$http_port" \
  VIVROVERT_DATA_UPDATE_DAY=0 VIVROVERT_DATA_UPDATE_HOUR=0 \
  "$bin" serve --no-access-log >"$work/serve.log" 2>&1 &
serve=$!
first=""
for _ in $(seq 1 600); do  # generous: migrations, the grid, the index
  read -r sha switches < <(readyz "$http_port")
  if [ "$sha" != "-" ] && [ -n "$sha" ]; then first=$sha; break; fi
  sleep 0.1
done
check "the server serves the first grid" test -n "$first"
switched=""
for _ in $(seq 1 1800); do  # generous: the child's import and grid build
  read -r sha switches < <(readyz "$http_port")
  if [ "$switches" = "1" ]; then switched=$sha; break; fi
  sleep 0.1
done
check "the server switched to a new grid without a restart" test -n "$switched"
check "the new grid is another file" test "$switched" != "$first"
check "the server's log says the scheduled run started" grep -q "data update: scheduled run starts" "$work/serve.log"
check "the child imported the comparateur from the fixture server" grep -q "insee: imported" "$work/serve.log"
check "the child rebuilt the grid" grep -q "grid written to" "$work/serve.log"
for _ in $(seq 1 100); do grep -q "grid: switched to" "$work/serve.log" && break; sleep 0.1; done
check "the server's log says it switched" grep -q "grid: switched to" "$work/serve.log"
check "once" test "$(grep -c "grid: switched to" "$work/serve.log")" = 1
check "the day of the run is recorded" test -s "$work/var/data-update-last-run"
check "the new file is the one the path names" \
  test "$(sha256sum "$work/var/grid/vivrovert.grid" | cut -d' ' -f1)" = "$switched"
kill "$serve"
wait "$serve"
check "the server then stops cleanly" test "$?" = 0
serve=""
if [ "$failed" != 0 ]; then tail -40 "$work/serve.log"; fi
[ "$failed" = 0 ] && echo "scheduled update: all checks passed"
exit "$failed"
