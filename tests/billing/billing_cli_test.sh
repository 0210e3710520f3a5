#!/usr/bin/env bash
# `vivrovert billing quote` as other tools call it: the JSON of the issue's example, and exit
# code 2 with the argument named for every bad input, argument-parsing errors included.
# Needs no database nor configuration file. Usage: billing_cli_test.sh VIVROVERT_BIN.
# Prints "N passed, M failed" and fails if M > 0.
set -uo pipefail
bin="$1"
work=$(mktemp -d /tmp/vivrovert-billing-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
export VIVROVERT_PATHS_VAR_DIR="$work/var"
export VIVROVERT_DATABASE_URL="sqlite:$work/absent/never-opened.db"
passed=0
failed=0
check() {  # check DESCRIPTION COMMAND…
  local description="$1"
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $description"; fi
}

# The issue's example: an EPCI with options 1 and 2 → 1 100 + 250 + 650 = 2 000 € a month.
"$bin" billing quote --type epci --options 1,2 --start 2027-01-01 --format json \
  >"$work/example.json" 2>"$work/example.err"
check "the example exits 0" test $? -eq 0
check "the example prints JSON" python3 - "$work/example.json" <<'PY'
import json, sys
quote = json.load(open(sys.argv[1]))
ok = True
def expect(condition, what):
    global ok
    if not condition:
        print("  not true:", what, file=sys.stderr)
        ok = False
expect(quote["monthly_ht"] == 2000.0, "monthly_ht is 2000.0")
expect(isinstance(quote["monthly_ht"], float), "monthly_ht is a JSON number with a fraction")
codes = [line["code"] for line in quote["lines"]]
expect(codes == ["base", "option1", "option2"], f"lines {codes}")
expect([line["monthly_ht"] for line in quote["lines"]] == [1100.0, 250.0, 650.0], "line prices")
expect(sum(line["monthly_ht"] for line in quote["lines"]) == quote["monthly_ht"], "lines add up")
schedule = quote["schedule"]
expect([item["due"] for item in schedule] == ["2027-01-01", "2027-04-01", "2027-12-01"],
       f"dues {[item['due'] for item in schedule]}")
expect([item["amount_ht"] for item in schedule] == [7200.0, 12000.0, 4800.0], "amounts")
expect(all(isinstance(item["label"], str) and item["label"] for item in schedule), "labels")
expect(round(sum(item["amount_ht"] for item in schedule), 2) == 12 * quote["monthly_ht"], "sum")
expect(any("24 mois" in warning for warning in quote["warnings"]), "the 24-month warning")
sys.exit(0 if ok else 1)
PY

# 13 months and PVD, per option: the schedule adds up to the cent, the last month prorated.
"$bin" billing quote --type epci --options 1,3 --pvd-members 1=4,3=2 --months 13 \
  --start 2027-01-31 --format json >"$work/pvd.json" 2>"$work/pvd.err"
check "a PVD quote exits 0" test $? -eq 0
check "a PVD quote prices each option for its members" python3 - "$work/pvd.json" <<'PY'
import json, sys
quote = json.load(open(sys.argv[1]))
lines = {line["code"]: line for line in quote["lines"]}
ok = lines["option1"]["monthly_ht"] == 500.0 and lines["option3"]["monthly_ht"] == 400.0
ok = ok and lines["option3"]["floor_applied"] is True and quote["monthly_ht"] == 2000.0
cents = sum(round(item["amount_ht"] * 100) for item in quote["schedule"])
ok = ok and cents == round(quote["monthly_ht"] * 100) * 13
last = quote["schedule"][-1]
ok = ok and last["due"] == "2028-01-31" and last["period_months"] == 1 and last["amount_ht"] == 2000.0
ok = ok and quote["service_start"] == "2027-02-28" and quote["warnings"] == []
sys.exit(0 if ok else 1)
PY

"$bin" billing quote --type commune --start 2027-01-01 --format text >"$work/quote.txt" 2>&1
check "--format text prints a French table" grep -q "Total mensuel HT" "$work/quote.txt"

# Bad input: exit 2, the argument named on stderr, nothing on stdout.
expect_refused() {  # expect_refused NAME_ON_STDERR ARGUMENT…
  local name="$1"
  shift
  "$bin" billing quote "$@" >"$work/refused.out" 2>"$work/refused.err"
  local status=$?
  check "exit 2 for: $*" test "$status" -eq 2
  check "'$name' named for: $*" grep -q -- "$name" "$work/refused.err"
  check "nothing printed on stdout for: $*" test ! -s "$work/refused.out"
}
expect_refused --type --type region --start 2027-01-01
expect_refused --type --start 2027-01-01
expect_refused --start --type commune
expect_refused --start --type commune --start 2027-02-30
expect_refused --start --type commune --start demain
expect_refused --options --type commune --start 2027-01-01 --options 4
expect_refused --options --type commune --start 2027-01-01 --options 1,9
expect_refused --months --type commune --start 2027-01-01 --months 11
expect_refused --months --type commune --start 2027-01-01 --months 61
expect_refused --months --type commune --start 2027-01-01 --months douze
expect_refused --service-start --type commune --start 2027-01-01 --service-start 2027-01-32
expect_refused --service-start --type commune --start 2027-01-01 --service-start 2026-12-01
expect_refused --pvd-members --type epci --start 2027-01-01 --options 1 --pvd-members 0
expect_refused --pvd-members --type epci --start 2027-01-01 --options 1 --pvd-members 1=4,3=2
expect_refused --format --type commune --start 2027-01-01 --format xml
# CLI11's own parse errors, under the same promise.
expect_refused --bogus --type commune --start 2027-01-01 --bogus
expect_refused --months --type commune --start 2027-01-01 --months
expect_refused --start --type commune --start
expect_refused --months --type commune --start 2027-01-01 --months 12 --months 24

# The promise is billing's: other subcommands keep CLI11's exit codes.
"$bin" mail list --bogus >/dev/null 2>&1
status=$?
check "another subcommand's parse error keeps CLI11's code (got $status)" test "$status" -ne 2 -a "$status" -ne 0
"$bin" billing quote --help >"$work/help.out" 2>&1
check "--help still exits 0" test $? -eq 0
check "--help names the arguments" grep -q -- "--pvd-members" "$work/help.out"

echo "$passed passed, $failed failed"
test "$failed" -eq 0
