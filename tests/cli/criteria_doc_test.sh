#!/usr/bin/env bash
# docs/CRITERIA.md's catalogue table against the grid (scripts/criteria-doc.py): the document
# agrees with `grid info --markdown` of the reference build; on a copy, --write-doc rewrites
# the table alone from a grid of the Lot, and --check-doc then fails when the table says
# altitude_m is not available while that grid has altitudes around Cahors.
# Usage: criteria_doc_test.sh VIVROVERT_BIN SOURCE_ROOT
set -euo pipefail
bin=$1
root=$2
script="$root/scripts/criteria-doc.py"
work=$(mktemp -d /tmp/vivrovert-criteria-doc.XXXXXX)
trap 'rm -rf "$work"' EXIT
export VIVROVERT_PATHS_VAR_DIR="$work/var"
failures=0
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

if /usr/bin/python3 "$script" --bin "$bin" --check-doc "$root/docs/CRITERIA.md"; then
  echo "ok: docs/CRITERIA.md agrees with the reference build"
else
  fail "docs/CRITERIA.md is stale"
fi

"$bin" grid build --departements 46 -o "$work/lot.grid" >/dev/null
cp "$root/docs/CRITERIA.md" "$work/CRITERIA.md"
/usr/bin/python3 "$script" --bin "$bin" --grid "$work/lot.grid" --write-doc "$work/CRITERIA.md" >/dev/null
outside() { sed '/coverage:begin/,/coverage:end/d' "$1"; }
if /usr/bin/python3 "$script" --bin "$bin" --grid "$work/lot.grid" --check-doc "$work/CRITERIA.md" >/dev/null &&
  grep -q '^Coverage: share of the [0-9,]* 1 km tiles (départements 46)' "$work/CRITERIA.md" &&
  grep -Eq '^\| `altitude_m` \| .* \| [0-9.]+ % \(Lot [0-9.]+ %\) \|$' "$work/CRITERIA.md" &&
  cmp -s <(outside "$root/docs/CRITERIA.md") <(outside "$work/CRITERIA.md"); then
  echo "ok: --write-doc rewrites the table alone, from the grid's header, and the result passes"
else
  fail "--write-doc"
fi

# The table's word against the grid: altitude_m said not available where the grid has some.
sed -i 's/^\(| `altitude_m` | .* | \)[^|]* |$/\1not available |/' "$work/CRITERIA.md"
set +e
output=$(/usr/bin/python3 "$script" --bin "$bin" --grid "$work/lot.grid" --check-doc "$work/CRITERIA.md")
rc=$?
set -e
if [ $rc -eq 1 ] && grep -q '^-| `altitude_m` | .* | not available |$' <<<"$output" &&
  grep -Eq '^\+\| `altitude_m` \| .* \| [0-9.]+ % \(Lot' <<<"$output" &&
  [ "$(grep -c '^[-+]|' <<<"$output")" -eq 2 ]; then
  echo "ok: a table saying altitude_m is not available is refused, with the one line differing"
else
  echo "$output"
  fail "the checker answered $rc to a stale altitude_m row"
fi
exit $failures
