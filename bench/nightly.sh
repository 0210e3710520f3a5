#!/usr/bin/env bash
# The nightly run on generated people (bench/README.md, "The nightly run"): the people of a
# matching-benchmark data folder (vivrovert_bench_matching generate) and N of its SYNTHETIC
# listings written into a new SQLite database and a new PostgreSQL database, then the run
# (matcher rebuild, matching pass, digests) timed on each, one after the other in this
# script. Never part of `make test`.
#
#   bench/nightly.sh --data DIR [--listings 10000] [--grid FILE] [--build DIR] [--work DIR]
#
# PostgreSQL is the throw-away cluster of scripts/with-test-services.sh, started here.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
data="" listings=10000 grid="" build="$root/build" work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2 ;;
    --listings) listings=$2 ;;
    --grid) grid=$2 ;;
    --build) build=$2 ;;
    --work) work=$2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "nightly.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
[ -n "$data" ] && [ -f "$data/persons.csv" ] || { echo "usage: bench/nightly.sh --data DIR (a vivrovert_bench_matching generate folder)" >&2; exit 2; }
program="$build/bench/vivrovert_bench_nightly"
[ -x "$program" ] || { echo "nightly.sh: $program is not built" >&2; exit 2; }
[ -n "$work" ] || work="$root/var/bench/nightly-$(basename "$data")"
mkdir -p "$work"
grid_args=()
[ -n "$grid" ] && grid_args=(--grid "$grid")

echo "== SQLite"
rm -f "$work/nightly.db" "$work/nightly.db-wal" "$work/nightly.db-shm"
"$program" --data "$data" --db "sqlite:$work/nightly.db" --out "$work/sqlite" --listings "$listings" "${grid_args[@]}"

echo "== PostgreSQL"
"$root/scripts/with-test-services.sh" bash -c '
  set -euo pipefail
  url="$VIVROVERT_TEST_POSTGRES_URL"
  psql "$url" -q -c "DROP DATABASE IF EXISTS vivrovert_nightly_bench" -c "CREATE DATABASE vivrovert_nightly_bench"
  "$0" --data "$1" --db "${url%/*}/vivrovert_nightly_bench" --out "$2/postgresql" --listings "$3" "${@:4}"
' "$program" "$data" "$work" "$listings" "${grid_args[@]}"

echo "== summary (seconds)"
for backend in sqlite postgresql; do
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`${r.backend}: rebuild ${r.rebuild_s.toFixed(1)} + run ${r.run_s.toFixed(1)} = ${r.rebuild_and_run_s.toFixed(1)} s; ` +
      `${r.people_indexed} people indexed, ${r.pass_listings} listings matched, ${r.notifications} notifications, ` +
      `${r.instant_mails} instant mails, ${r.digests_queued} digests queued (${r.digest_tasks} tasks)`);
  ' "$work/$backend/nightly.json"
done
