# The shared part of the command-line tests: a work directory removed at exit, `check`, and
# the summary. Sourced by cli_*_test.sh after setting `bin`.
work=$(mktemp -d /tmp/vivrovert-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
export VIVROVERT_PATHS_VAR_DIR="$work/var"
passed=0
failed=0
check() {  # check DESCRIPTION COMMAND…
  local description="$1"
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $description"; fi
}

column_of() { head -1 "$1" | tr ',' '\n' | grep -n "^$2\$" | cut -d: -f1; }

summary() {  # prints "N passed, M failed" and fails if M > 0
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
