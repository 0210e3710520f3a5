#!/usr/bin/env bash
# `make bench`: prepares what is missing in var/bench/ and runs bench/compare.sh on the
# SYNTHETIC grid (1 km and 5 km) and on the real national grid (1 km, same query shapes).
# Nothing here runs in `make test`. Environment (the Makefile sets them):
#   BUILD_DIR         Release build directory (build)
#   BENCH_DIR         where grids, queries and results go (var/bench)
#   BENCH_REAL_GRID   the real national grid ($BENCH_DIR/france.grid); built with
#                     `vivrovert grid build` when missing, skipped if that fails
#   BENCH_GRID_SEED, BENCH_QUERY_SEED, BENCH_QUERIES, BENCH_RUNS
# Delete a file or directory of $BENCH_DIR to have it generated again.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${BUILD_DIR:-build}
dir=${BENCH_DIR:-var/bench}
real_grid=${BENCH_REAL_GRID:-$dir/france.grid}
grid_seed=${BENCH_GRID_SEED:-1789}
query_seed=${BENCH_QUERY_SEED:-1792}
count=${BENCH_QUERIES:-100}
runs=${BENCH_RUNS:-5}
mkdir -p "$dir"

if [ ! -f "$real_grid" ]; then
  echo "== building the real national grid into $real_grid (about 30 s)"
  if ! "$build/vivrovert" grid build -o "$real_grid"; then
    echo "NOTE: the real grid could not be built (open data missing?): the synthetic grid uses the procedural outline and the real-grid run is skipped."
  fi
fi

synthetic="$dir/synthetic.grid"
if [ ! -f "$synthetic" ]; then
  echo "== generating $synthetic (seed $grid_seed)"
  tiles_from=()
  [ -f "$real_grid" ] && tiles_from=(--tiles-from "$real_grid")
  "$build/bench/vivrovert_synthetic_grid" -q --seed "$grid_seed" "${tiles_from[@]}" -o "$synthetic" || exit 1
fi

# make_queries GRID LEVEL DIR
make_queries() {
  if [ ! -d "$3" ]; then
    echo "== generating $count $2 queries into $3 (seed $query_seed)"
    "$build/bench/vivrovert_bench_queries" --grid "$1" --level "$2" --count "$count" --seed "$query_seed" \
      --out "$3" || exit 1
  fi
}

status=0
# run GRID LEVEL NAME
run() {
  make_queries "$1" "$2" "$dir/queries-$3-$2"
  bench/compare.sh --build "$build" --grid "$1" --queries "$dir/queries-$3-$2" --runs "$runs" \
    --work "$dir/results/$3-$2" --title "$3 grid, $2, $count queries" || status=1
}

run "$synthetic" 1km synthetic
run "$synthetic" 5km synthetic
if [ -f "$real_grid" ]; then
  run "$real_grid" 1km france
fi

echo
echo "== summary (details and per-query tables above; JSON in $dir/results/*/summary.json)"
for summary in "$dir"/results/*/summary.json; do
  [ -f "$summary" ] && node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const f = (v, d = 2) => (typeof v === "number" ? v.toFixed(d) : "-");
    console.log(`${s.title}: DuckDB count ${f(s.duckdb_count_median_ms)} ms, top-500 ${f(s.duckdb_top500_median_ms)} ms` +
      (s.engine ? `; engine count ${f(s.engine_count_median_ms, 3)} ms (${f(s.count_ratio_median, 1)}x), ` +
        `top-500 ${f(s.engine_top500_median_ms, 3)} ms (${f(s.top500_ratio_median, 1)}x), ${s.mismatches} mismatches` :
        "; engine absent") + `; floor count ${f(s.floor_count_median_ms, 3)} ms`);' "$summary"
done
exit $status
