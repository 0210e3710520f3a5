#!/usr/bin/env bash
# The matching benchmark in one script (bench/README.md, "Matching listings to people"):
# generates the people and listings once (fixed seed, real national tiles and ROME
# codes), runs the index (vivrovert_bench_matching) and DuckDB (one thread, one SQL query
# for the batch) on the same files, checks that both found exactly the same
# (listing, person) pairs, and prints the timings and the ratio.
#
#   bench/compare_matching.sh --grid FRANCE.grid [--people 1000000] [--listings 10000]
#                             [--runs 5] [--build DIR] [--work DIR] [--data-dir DIR]
#
#   --grid      the real national grid (vivrovert grid build)
#   --data-dir  the open data (default: ../shared/data from the repository root)
#   --work      where the data, both sides' answers and timings go
#               (default: var/bench/matching-<people>)
# Exit status: 0 when the pairs are identical, 1 on a mismatch.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
grid="" people=1000000 listings=10000 runs=5 build="$root/build" work="" data_dir="$root/../shared/data"
while [ $# -gt 0 ]; do
  case "$1" in
    --grid) grid=$2 ;;
    --people) people=$2 ;;
    --listings) listings=$2 ;;
    --runs) runs=$2 ;;
    --build) build=$2 ;;
    --work) work=$2 ;;
    --data-dir) data_dir=$2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "compare_matching.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
[ -n "$grid" ] && [ -f "$grid" ] || { echo "usage: bench/compare_matching.sh --grid FRANCE.grid [...]" >&2; exit 2; }
[ -n "$work" ] || work="$root/var/bench/matching-$people"
program="$build/bench/vivrovert_bench_matching"
[ -x "$program" ] || { echo "compare_matching.sh: $program is not built" >&2; exit 2; }
mkdir -p "$work"

data="$work/data"
if [ ! -s "$data/listings.csv" ]; then
  echo "generating $people people and $listings listings into $data"
  "$program" generate --grid "$grid" --rome "$data_dir/rome/rome_fiches.csv" --out "$data" \
    --people "$people" --listings "$listings" | tee "$work/generator.json"
fi

echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== index (one thread)"
taskset -c 0 "$program" run --data "$data" --out "$work/index" --runs "$runs"
echo "== DuckDB (threads = 1)"
node "$root/bench/duckdb/run_matching.mjs" --data "$data" --out "$work/duckdb" --runs "$runs"
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"

if cmp -s "$work/index/pairs.csv" "$work/duckdb/pairs.csv"; then
  verdict="identical"
else
  verdict="DIFFERENT"
fi
node -e '
  const fs = require("fs");
  const index = JSON.parse(fs.readFileSync(process.argv[1] + "/index/timings.json"));
  const duck = JSON.parse(fs.readFileSync(process.argv[1] + "/duckdb/timings.json"));
  console.log(`pairs: index ${index.pairs}, DuckDB ${duck.pairs}: ${process.argv[2]}`);
  console.log(`one listing: median ${index.single_median_us.toFixed(1)} µs (CPU ${index.single_cpu_median_us.toFixed(1)} µs), p90 ${index.single_p90_us.toFixed(1)} µs, p99 ${index.single_p99_us.toFixed(1)} µs`);
  console.log(`batch of ${index.listings}, wall: index ${index.batch_median_ms.toFixed(1)} ms, DuckDB ${duck.batch_median_ms.toFixed(1)} ms, ratio ${(duck.batch_median_ms / index.batch_median_ms).toFixed(1)}×`);
  console.log(`batch of ${index.listings}, CPU: index ${index.batch_cpu_median_ms.toFixed(1)} ms, DuckDB ${duck.batch_cpu_median_ms.toFixed(1)} ms, ratio ${(duck.batch_cpu_median_ms / index.batch_cpu_median_ms).toFixed(1)}×`);
  console.log(`index build ${index.build_s.toFixed(1)} s (CPU ${index.build_cpu_s.toFixed(1)} s) for ${index.people_indexed} people, ${index.postings} postings, about ${index.index_mib.toFixed(0)} MiB`);
' "$work" "$verdict"
[ "$verdict" = identical ] || { echo "MISMATCH: diff $work/index/pairs.csv $work/duckdb/pairs.csv" >&2; exit 1; }
