#!/usr/bin/env bash
# The operator's commands: `mail stats` on an outbox, `admin seed-demo` in and out of demo mode.
# Usage: cli_admin_test.sh VIVROVERT_BIN. Prints "N passed, M failed" and fails if M > 0.
set -uo pipefail
bin="$1"
source "$(dirname "$0")/cli_support.sh"

# The mail outbox's counts, as `vivrovert mail stats` prints them, on a database of its own:
# a message due an hour ago and one for tomorrow.
mail_db="$work/mail.db"
VIVROVERT_DATABASE_URL="sqlite:$mail_db" "$bin" migrate >/dev/null 2>&1
python3 - "$mail_db" <<'PY'
import sqlite3, sys, time
now = int(time.time())
db = sqlite3.connect(sys.argv[1])
for key, due in (("cli:1", now - 3600), ("cli:2", now + 86400)):
    db.execute("INSERT INTO mail_outbox (idempotency_key, to_address, subject, body_text, body_html, status, "
               "next_attempt_at, created_at) VALUES (?, 'a@example.test', 's', 't', '', 'pending', ?, ?)",
               (key, due, due))
db.execute("INSERT INTO mail_bounces (address, first_failed_at, last_failed_at, last_error) "
           "VALUES ('b@example.test', ?, ?, '550')", (now, now))
db.commit()
PY
VIVROVERT_DATABASE_URL="sqlite:$mail_db" "$bin" mail stats >"$work/mail-stats.out" 2>&1
check "mail stats counts the pending mail and the due one" grep -qx "pending 2 (due now 1)" "$work/mail-stats.out"
oldest=$(sed -n 's/^oldest due pending \([0-9]*\) s$/\1/p' "$work/mail-stats.out")
check "mail stats gives the age of the oldest due mail, an hour at least ($oldest s)" \
  awk -v v="$oldest" 'BEGIN { exit !(v != "" && v >= 3600) }'
check "mail stats counts the bouncing addresses" grep -qx "bouncing addresses 1" "$work/mail-stats.out"

# seed-demo gives the demo operator the README's password in demo mode only; elsewhere the
# password must come from VIVROVERT_DEMO_PASSWORD.
demo_db="$work/demo.db"
demo_run() {  # demo_run [NAME=VALUE…] ARGS…: the binary on the demo database, neither variable inherited
  env -u VIVROVERT_DEMO_PASSWORD -u VIVROVERT_DEMO_ENABLED VIVROVERT_DATABASE_URL="sqlite:$demo_db" \
    VIVROVERT_PATHS_GRID_FILE="$work/absent.grid" "$@"
}
demo_run "$bin" migrate >/dev/null 2>&1
users() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM users").fetchone()[0])' "$demo_db"; }
demo_run "$bin" admin seed-demo >/dev/null 2>"$work/seed.err"
status=$?
check "seed-demo outside demo mode without a password fails" test "$status" -ne 0
check "and says how to proceed" grep -q "VIVROVERT_DEMO_PASSWORD" "$work/seed.err"
check "and creates no account" test "$(users)" = 0
demo_run VIVROVERT_DEMO_PASSWORD=mot-de-passe-choisi "$bin" admin seed-demo >"$work/seed.out" 2>&1
check "seed-demo with a password from the environment works anywhere" grep -q "operateur@vivrovert.localhost.*password: mot-de-passe-choisi" "$work/seed.out"
demo_run VIVROVERT_DEMO_ENABLED=true "$bin" admin seed-demo >"$work/seed-demo.out" 2>&1
check "seed-demo in demo mode uses the documented password" grep -q "operateur@vivrovert.localhost.*password: demo-vivrovert" "$work/seed-demo.out"

summary
