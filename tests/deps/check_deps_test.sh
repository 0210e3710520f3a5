#!/usr/bin/env bash
# The guard of scripts/install-deps.sh (scripts/check-deps.py):
#  1. the real list covers every header, library, program and module the project uses;
#  2. the guard fails, naming the package, when a package is dropped from a copy of the list:
#     libosmium2-dev (headers of src/data/importers/osm.cpp), postgresql (pg_ctl of the test
#     services), python3-aiosmtpd (the test SMTP server), wrk (bench/http_load.sh).
# Usage: check_deps_test.sh SOURCE_ROOT BUILD_DIR
set -euo pipefail
source_root=$1
build_dir=$2
check="$source_root/scripts/check-deps.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 "$check" --build-dir "$build_dir" --source-root "$source_root"

failures=0
# DROPPED:REPORTED — the package removed from the copy, and the package the guard must name
# (postgresql is a metapackage: pg_ctl belongs to postgresql-15, which it depends on).
for pair in libosmium2-dev:libosmium2-dev postgresql:postgresql-15 python3-aiosmtpd:python3-aiosmtpd wrk:wrk; do
  package=${pair%%:*}
  reported=${pair#*:}
  copy="$work/install-deps-without-$package.sh"
  sed -E "s/(^|[[:space:]])$package([[:space:]]|\$)/\1\2/" "$source_root/scripts/install-deps.sh" >"$copy"
  if grep -qE "(^|[[:space:]])$package([[:space:]]|\$)" "$copy"; then
    echo "FAIL: could not remove $package from the copy"; failures=$((failures + 1)); continue
  fi
  set +e
  output=$(/usr/bin/python3 "$check" --build-dir "$build_dir" --source-root "$source_root" --deps-file "$copy" 2>&1)
  rc=$?
  set -e
  if [ $rc -ne 1 ] || ! grep -q "package $reported is not installed by" <<<"$output"; then
    echo "FAIL: without $package the guard answered $rc:"; echo "$output"
    failures=$((failures + 1))
  else
    echo "ok: without $package: $(grep -m1 "package $reported " <<<"$output" | cut -c1-160)"
  fi
done
exit $failures
