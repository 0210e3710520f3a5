#!/usr/bin/env bash
# `vivrovert data update` end to end against the local fixture server
# (tests/data_update/fixture_server.py on a free loopback port; never the network), on a
# grid of the Lot: the comparateur, zipped behind a redirect, is imported and the grid
# rebuilt; a source answering 404 is said and makes the command fail without touching the
# rest; a second run finds nothing changed and leaves the grid file as it is; a changed
# file is imported again. Usage: data_update_test.sh VIVROVERT_BIN SOURCE_ROOT
set -uo pipefail
bin="$1"
root="$2"
work=$(mktemp -d /tmp/vivrovert-data-update.XXXXXX)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
export VIVROVERT_PATHS_VAR_DIR="$work/var"
export VIVROVERT_DATABASE_URL="sqlite:$work/vivrovert.db"
failed=0
check() {  # check DESCRIPTION COMMAND…
  local description=$1
  shift
  if "$@"; then echo "ok: $description"; else echo "FAILED: $description"; failed=1; fi
}
zip_comparateur() {  # zip_comparateur CSV: the published layout, one member in a folder
  /usr/bin/python3 - "$1" "$work/site/files/comparateur.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as archive:
    archive.write(sys.argv[1], "base_cc_comparateur_csv/base_cc_comparateur.csv")
PY
}

mkdir -p "$work/site/files"
fixture="$root/tests/importers/fixtures/insee-comparateur/base_cc_comparateur_46.csv"
zip_comparateur "$fixture"
/usr/bin/python3 "$root/tests/data_update/fixture_server.py" "$work/site" >"$work/port" &
server=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(head -1 "$work/port")
cat >"$work/sources.json" <<JSON
{"sources": [
  {"id": "insee", "files": [{"url": "http://127.0.0.1:$port/redirect/comparateur.zip",
    "unpack": "zip", "member": "base_cc_comparateur\\\\.csv"}]},
  {"id": "arcep", "files": [{"url": "http://127.0.0.1:$port/files/arcep.csv"}]}
]}
JSON

"$bin" grid build --departements 46 --threads 2 >/dev/null 2>&1
check "the grid of the Lot is built" test -s "$work/var/grid/vivrovert.grid"

"$bin" data update --sources-file "$work/sources.json" >"$work/first.out" 2>"$work/first.err"
rc=$?
check "a failing source makes the command fail" test "$rc" = 1
check "the comparateur is imported" grep -q "insee: imported" "$work/first.out"
check "its layer is written" test -s "$work/var/imports/insee.json"
check "the 404 is said, and that the previous layer stays" \
  grep -q "arcep: FAILED — http://127.0.0.1:$port/files/arcep.csv: HTTP 404 Not Found; the previous files and layer stay in force" "$work/first.out"
check "the grid is rebuilt" grep -q "grid written to" "$work/first.out"
check "one progress line for the file, with bytes and rate" \
  grep -Eq "^  comparateur.zip: [0-9.]+ k?B of [0-9.]+ k?B, [0-9.]+ [kM]?B/s, [0-9]+ s$" "$work/first.err"
check "the layer holds the median incomes" grep -q "median_income_eur" "$work/var/imports/insee.json"

before=$(stat -c %Y.%s "$work/var/grid/vivrovert.grid")
sleep 1
"$bin" data update --sources-file "$work/sources.json" --sources insee >"$work/second.out" 2>"$work/second.err"
rc=$?
check "nothing failing, nothing changed: success" test "$rc" = 0
check "the server said the file is unchanged" grep -q "comparateur.zip: unchanged" "$work/second.err"
check "nothing is imported" grep -q "insee: unchanged" "$work/second.out"
check "the grid is not rebuilt" grep -q "no source changed: the grid stays as it is" "$work/second.out"
check "the grid file is untouched" test "$(stat -c %Y.%s "$work/var/grid/vivrovert.grid")" = "$before"

sed 's/;20110;/;20240;/' "$fixture" >"$work/changed.csv"
zip_comparateur "$work/changed.csv"
"$bin" data update --sources-file "$work/sources.json" --sources insee >"$work/third.out" 2>"$work/third.err"
check "a changed file is imported again" grep -q "insee: imported" "$work/third.out"
check "with its new figure" grep -q "20240" "$work/var/imports/insee.json"
check "and the grid rebuilt" grep -q "grid written to" "$work/third.out"

"$bin" data update --sources-file "$work/sources.json" --sources nope >"$work/bad.out" 2>&1
check "an unknown source is refused, naming the known ones" grep -q "unknown source 'nope' (insee, arcep)" "$work/bad.out"

[ "$failed" = 0 ] && echo "data update: all checks passed"
exit "$failed"
