#!/usr/bin/env bash
# The nightly run on generated people (bench/README.md, "The nightly run"): the people of a
# matching-benchmark data folder (vivrovert_bench_matching generate) and N of its SYNTHETIC
# listings written into a new SQLite database and a new PostgreSQL database, then the run
# (matcher rebuild, matching pass, digests) timed on each, one after the other in this
# script. Never part of `make test`.
#
#   bench/nightly.sh --data DIR [--listings 10000] [--grid FILE] [--build DIR] [--work DIR]
#                    [--compare] [--backends "sqlite postgresql"]
#
# PostgreSQL is the throw-away cluster of scripts/with-test-services.sh, started here.
# --compare (issue 25) also runs, on each backend and into a database of its own, the paths
# before issue 25 (vivrovert_bench_nightly --before) right before the current ones, checks
# that both give the same counts and prints the ratio of their times.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
data="" listings=10000 grid="" build="$root/build" work="" compare=0 backends="sqlite postgresql"
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2 ;;
    --listings) listings=$2 ;;
    --grid) grid=$2 ;;
    --build) build=$2 ;;
    --work) work=$2 ;;
    --backends) backends=$2 ;;
    --compare) compare=1; shift; continue ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
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

variants=(current)
[ "$compare" = 1 ] && variants=(before current)
flag_of() { [ "$1" = before ] && echo --before || true; }

for variant in "${variants[@]}"; do
  case " $backends " in *" sqlite "*) ;; *) continue ;; esac
  echo "== SQLite ($variant) — load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  rm -f "$work/nightly-$variant.db" "$work/nightly-$variant.db-wal" "$work/nightly-$variant.db-shm"
  "$program" --data "$data" --db "sqlite:$work/nightly-$variant.db" --out "$work/sqlite-$variant" \
    --listings "$listings" "${grid_args[@]}" $(flag_of "$variant")
done

case " $backends " in
  *" postgresql "*)
    "$root/scripts/with-test-services.sh" bash -c '
      set -euo pipefail
      url="$VIVROVERT_TEST_POSTGRES_URL"
      program=$1 data=$2 work=$3 listings=$4 variants=$5
      shift 5
      for variant in $variants; do
        echo "== PostgreSQL ($variant) — load average: $(cut -d" " -f1-3 /proc/loadavg)"
        flag=""
        [ "$variant" = before ] && flag=--before
        psql "$url" -q -c "DROP DATABASE IF EXISTS vivrovert_nightly_bench" -c "CREATE DATABASE vivrovert_nightly_bench"
        "$program" --data "$data" --db "${url%/*}/vivrovert_nightly_bench" --out "$work/postgresql-$variant" \
          --listings "$listings" "$@" $flag
      done
    ' bash "$program" "$data" "$work" "$listings" "${variants[*]}" "${grid_args[@]}"
    ;;
esac

echo "== summary (seconds)"
for backend in $backends; do
  for variant in "${variants[@]}"; do
    node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      console.log(`${r.backend} (${process.argv[2]}): rebuild ${r.rebuild_s.toFixed(1)} + pass ${r.pass_s.toFixed(1)} + digests ${r.digests_s.toFixed(1)} = ${r.rebuild_and_run_s.toFixed(1)} s; ` +
        `${r.people_indexed} people indexed, ${r.pass_listings} listings matched, ${r.notifications} notifications, ` +
        `${r.instant_mails} instant mails, ${r.digests_queued} digests queued (${r.digest_tasks} tasks)`);
    ' "$work/$backend-$variant/nightly.json" "$variant"
  done
  if [ "$compare" = 1 ]; then
    node -e '
      const fs = require("fs");
      const [b, c] = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
      const counts = ["people_indexed", "pass_listings", "notifications", "instant_mails", "digest_tasks", "digests_queued", "news_told"];
      const differ = counts.filter((k) => b[k] !== c[k]);
      const ratio = (k) => (c[k] / b[k]).toFixed(2);
      console.log(`${c.backend}: current / before: pass ${ratio("pass_s")}, digests ${ratio("digests_s")}, run ${ratio("run_s")}; ` +
        (differ.length ? `COUNTS DIFFER: ${differ.join(", ")}` : "same counts"));
      if (differ.length) process.exit(1);
    ' "$work/$backend-before/nightly.json" "$work/$backend-current/nightly.json"
  fi
done
