#!/usr/bin/env bash
# The layers of src/ (scripts/check-layers.py): the real tree passes, docs/ARCHITECTURE.md
# holds its current tables, and the checker fails on a copy given a cycle, an upward include,
# a side entrance into the engine, a table read behind its owner's back and a second writer.
# Usage: check_layers_test.sh SOURCE_ROOT
set -euo pipefail
root=$1
check="$root/scripts/check-layers.py"
/usr/bin/python3 "$check" --src "$root/src" --check-doc "$root/docs/ARCHITECTURE.md"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
expect_failure() {  # NAME EXPECTED-TEXT: the copy in $work/src must fail, saying EXPECTED-TEXT
  set +e
  output=$(/usr/bin/python3 "$check" --src "$work/src" 2>&1)
  rc=$?
  set -e
  if [ $rc -ne 1 ] || ! grep -qF "$2" <<<"$output"; then
    echo "FAIL: $1: the checker answered $rc:"; echo "$output"; failures=$((failures + 1))
  else
    echo "ok: $1: $(grep -F -m1 "$2" <<<"$output" | cut -c1-160)"
  fi
}
fresh_copy() { rm -rf "$work/src"; cp -r "$root/src" "$work/src"; }

fresh_copy
echo '#include "domain/leads/lead_store.hpp"' >>"$work/src/domain/listings/listing_store.hpp"
expect_failure "a cycle" "include cycle between"

fresh_copy
echo '#include "web/http/app.hpp"' >>"$work/src/domain/listings/listing_store.cpp"
expect_failure "an upward include" "layer domain may not include the higher layer web"

fresh_copy
echo '#include "engine/scan_kernels.hpp"' >>"$work/src/domain/matching/matcher.cpp"
expect_failure "a side entrance" "enter engine through engine/engine.hpp"
fresh_copy
cat >>"$work/src/domain/matching/matcher.cpp" <<'CPP'
int CountPeople(vivrovert::storage::Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM users")->Int(0); }
CPP
expect_failure "a table read by another part" "table users: read directly by domain/matching"

fresh_copy
cat >>"$work/src/domain/notifications/notification_store.cpp" <<'CPP'
void Forget(vivrovert::storage::Connection& c) { c.Execute("DELETE FROM listing_match_queue"); }
CPP
expect_failure "a second writer" "table listing_match_queue: written by domain/listings, domain/notifications"
exit $failures
