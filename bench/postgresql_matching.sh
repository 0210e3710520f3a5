#!/usr/bin/env bash
# The PostgreSQL side of the matching benchmark (bench/README.md): loads the generator's
# CSV files into PostgreSQL 15, then runs bench/matching_batch.sql, the same query DuckDB
# runs, with parallel workers off (one core): one warm-up, then --runs timed runs (wall
# clock of the whole COPY of the answer, median), and writes <out>/pairs.csv and
# <out>/timings.json.
#
#   scripts/with-test-services.sh bench/postgresql_matching.sh --data DIR --out DIR [--runs 3]
#
# It uses the database of VIVROVERT_TEST_POSTGRES_URL (the throw-away cluster that
# scripts/with-test-services.sh starts) or --url.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
data="" out="" runs=3 url="${VIVROVERT_TEST_POSTGRES_URL:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2 ;;
    --out) out=$2 ;;
    --runs) runs=$2 ;;
    --url) url=$2 ;;
    *) echo "postgresql_matching.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
[ -n "$data" ] && [ -n "$out" ] && [ -n "$url" ] || { echo "usage: postgresql_matching.sh --data DIR --out DIR [--url URL]" >&2; exit 2; }
mkdir -p "$out"
psql_run() { psql "$url" -v ON_ERROR_STOP=1 -q "$@"; }

started=$(date +%s.%N)
psql_run <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS persons, person_skills, person_tiles, person_communes, search_runs, listings;
CREATE TABLE persons (user_id BIGINT PRIMARY KEY, notification INTEGER, kinds INTEGER, tenure INTEGER,
  property_type INTEGER, rooms_min BIGINT, surface_min DOUBLE PRECISION, price_max DOUBLE PRECISION,
  business_sector TEXT, business_budget DOUBLE PRECISION, skill_count INTEGER);
CREATE TABLE person_skills (user_id BIGINT, rome INTEGER);
CREATE TABLE person_tiles (user_id BIGINT, tile BIGINT);
CREATE TABLE person_communes (user_id BIGINT, commune TEXT);
CREATE TABLE search_runs (user_id BIGINT, north INTEGER, east_lo INTEGER, east_hi INTEGER);
CREATE TABLE listings (listing_id BIGINT PRIMARY KEY, kind INTEGER, tile1 BIGINT, tile5 BIGINT, north INTEGER,
  east INTEGER, commune TEXT, is_rent INTEGER, property_type INTEGER, rooms BIGINT, surface DOUBLE PRECISION,
  price DOUBLE PRECISION, rome INTEGER, sector TEXT);
SQL
for table in persons person_skills person_tiles person_communes search_runs listings; do
  psql_run -c "\\copy $table FROM '$data/$table.csv' WITH (FORMAT csv, HEADER true)"
done
# The indexes a database would have for this query (the tables' join keys).
psql_run <<'SQL'
CREATE INDEX ON person_tiles (tile);
CREATE INDEX ON person_communes (commune);
CREATE INDEX ON search_runs (north, east_lo);
CREATE INDEX ON person_skills (user_id, rome);
VACUUM ANALYZE;
SQL
load_s=$(echo "$(date +%s.%N) - $started" | bc)

query=$(grep -v '^--' "$root/bench/matching_batch.sql")
times=()
for run in $(seq 0 "$runs"); do
  started=$(date +%s.%N)
  psql "$url" -v ON_ERROR_STOP=1 -q -c "SET max_parallel_workers_per_gather = 0" \
    -c "COPY ($query) TO STDOUT WITH (FORMAT csv, HEADER true)" > "$out/pairs.run.csv"
  elapsed=$(echo "($(date +%s.%N) - $started) * 1000" | bc)
  if [ "$run" = 0 ]; then mv "$out/pairs.run.csv" "$out/pairs.csv"; else times+=("$elapsed"); rm -f "$out/pairs.run.csv"; fi
done
median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
pairs=$(($(wc -l < "$out/pairs.csv") - 1))
printf '{\n  "pairs": %s,\n  "load_and_index_s": %s,\n  "batch_median_ms": %s,\n  "batch_runs_ms": [%s],\n  "parallel_workers": 0\n}\n' \
  "$pairs" "$load_s" "$median" "$(IFS=,; echo "${times[*]}")" | tee "$out/timings.json"
