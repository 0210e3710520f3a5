#!/usr/bin/env bash
# clang-tidy, with a reduced set of checks, on the C++ files a change touches: those changed
# since BASE (default: the main branch's merge base) plus uncommitted ones, or the FILES
# given. Too slow for CI on 2 cores (~50 s a file with every check), so run it before a
# commit: `make lint`. Needs a configured build tree (compile_commands.json in BUILD_DIR).
# Usage: scripts/lint.sh [-b BUILD_DIR] [--base REF] [FILES…]
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
base=""
while [ $# -gt 0 ]; do
  case "$1" in
    -b) build=$2; shift 2 ;;
    --base) base=$2; shift 2 ;;
    *) break ;;
  esac
done
# Bugs and performance only: naming and modernisation are left to review.
checks='-*,bugprone-*,-bugprone-easily-swappable-parameters,performance-*,cert-err58-cpp,misc-redundant-expression,misc-unused-using-decls,readability-container-size-empty,readability-redundant-string-cstr'
if [ $# -gt 0 ]; then
  files=("$@")
else
  [ -n "$base" ] || base=$(git merge-base HEAD main 2>/dev/null || echo HEAD)
  mapfile -t files < <( (git diff --name-only "$base"; git diff --name-only; git ls-files --others --exclude-standard) \
    | grep -E '^src/.*\.cpp$' | sort -u | while read -r f; do [ -f "$f" ] && echo "$f"; done)
fi
if [ ${#files[@]} -eq 0 ]; then echo "lint: no changed file under src/"; exit 0; fi
[ -f "$build/compile_commands.json" ] || { echo "lint: no $build/compile_commands.json (make build first)" >&2; exit 2; }
echo "lint: ${#files[@]} file(s): ${files[*]}"
clang-tidy -p "$build" --quiet --checks="$checks" --warnings-as-errors='*' "${files[@]}"
