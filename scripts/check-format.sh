#!/usr/bin/env bash
# Fails when a C++ file of the repository is not as clang-format (.clang-format) writes it.
# Run by .ci/run; `clang-format -i FILE` fixes one.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' | grep -v '^frontend/')
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/vivrovert-format.$$; then
  grep -E '^[^ ].*(warning|error):' /tmp/vivrovert-format.$$ | cut -d: -f1 | sort -u | sed 's/^/not formatted: /'
  rm -f /tmp/vivrovert-format.$$
  echo "check-format: run clang-format -i on the files above" >&2
  exit 1
fi
rm -f /tmp/vivrovert-format.$$
echo "check-format: ${#files[@]} files formatted"
