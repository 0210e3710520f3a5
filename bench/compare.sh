#!/usr/bin/env bash
# The search benchmark in one script (bench/README.md): runs the same query files on the
# engine (vivrovert_bench_search) and on DuckDB (bench/duckdb, one thread, in memory),
# checks that both return the same green tiles and the same top-500, measures the
# memory bandwidth, and prints per-query medians, ratios and floors.
#
#   bench/compare.sh --grid FILE --queries DIR [--runs 5] [--build DIR] [--work DIR]
#                    [--engine PATH] [--title TEXT]
#
#   --grid     grid file the queries run on (both sides read it: the engine maps it,
#              DuckDB loads its `vivrovert grid export` CSV, cached in the work dir)
#   --queries  directory of request JSON files (vivrovert_bench_queries output)
#   --runs     timed runs per query and side (median reported), after one warm-up
#   --build    CMake build directory (default: build) holding vivrovert and bench/*
#   --work     where the CSV, both sides' answers and timings go
#              (default: var/bench/results/<grid name>-<query dir name>)
#   --engine   the engine's timing program (default: <build>/bench/vivrovert_bench_search)
# Exit status: 0 when every check passed (or the engine side is absent), 1 on a mismatch.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
grid="" queries="" runs=5 build="$root/build" work="" engine="" title=""
while [ $# -gt 0 ]; do
  case "$1" in
    --grid) grid=$2 ;;
    --queries) queries=$2 ;;
    --runs) runs=$2 ;;
    --build) build=$2 ;;
    --work) work=$2 ;;
    --engine) engine=$2 ;;
    --title) title=$2 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
if [ -z "$grid" ] || [ -z "$queries" ]; then
  echo "usage: bench/compare.sh --grid FILE --queries DIR [--runs N] [--build DIR] [--work DIR] [--engine PATH]" >&2
  exit 2
fi
[ -f "$grid" ] || { echo "compare.sh: no grid file $grid" >&2; exit 2; }
first_query=$(find "$queries" -maxdepth 1 -name '*.json' | sort | head -n 1)
[ -n "$first_query" ] || { echo "compare.sh: no *.json query in $queries" >&2; exit 2; }
[ -n "$work" ] || work="$root/var/bench/results/$(basename "$grid" .grid)-$(basename "$queries")"
[ -n "$engine" ] || engine="$build/bench/vivrovert_bench_search"
[ -n "$title" ] || title="$(basename "$grid") / $(basename "$queries")"
vivrovert="$build/vivrovert"
bandwidth_probe="$build/bench/vivrovert_bench_bandwidth"
for program in "$vivrovert" "$bandwidth_probe"; do
  [ -x "$program" ] || { echo "compare.sh: $program is not built (make build, or --build DIR)" >&2; exit 2; }
done
mkdir -p "$work"

level=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).level)' "$first_query")
csv="$work/grid-$level.csv"
if [ ! -s "$csv" ] || [ "$grid" -nt "$csv" ]; then
  echo "exporting the $level level of $grid to $csv"
  "$vivrovert" grid export --grid "$grid" --format csv --level "$level" > "$csv.tmp"
  mv "$csv.tmp" "$csv"
fi

# The floor uses the rate from memory (a buffer far larger than the caches). A level's
# columns (~35 MB at 1 km) may stay partly cached between runs, so the rate over a buffer
# of that size is reported beside it.
echo "measuring memory bandwidth"
"$bandwidth_probe" --mib 512 --runs 15 > "$work/bandwidth.json"
"$bandwidth_probe" --mib 32 --runs 60 > "$work/bandwidth-32mib.json"
cat "$work/bandwidth.json" "$work/bandwidth-32mib.json"

if [ ! -d "$root/bench/duckdb/node_modules/@duckdb/node-api" ]; then
  (cd "$root/bench/duckdb" && npm ci --no-audit --no-fund --loglevel=error)
fi

engine_args=()
rm -rf "$work/engine"
if [ -x "$engine" ]; then
  echo "engine side: $engine"
  "$engine" --grid "$grid" --queries "$queries" --out "$work/engine" --runs "$runs"
  engine_args=(--engine "$work/engine")
else
  echo "ENGINE SIDE ABSENT: $engine is not built; running the DuckDB side only (no comparison)."
fi

echo "DuckDB side"
rm -rf "$work/duckdb"
node "$root/bench/duckdb/run_queries.mjs" --csv "$csv" --queries "$queries" --out "$work/duckdb" --runs "$runs"

node "$root/bench/compare_results.mjs" --queries "$queries" --duckdb "$work/duckdb" "${engine_args[@]}" \
  --bandwidth "$work/bandwidth.json" --bandwidth-cached "$work/bandwidth-32mib.json" --title "$title" --summary "$work/summary.json"
