#!/usr/bin/env bash
# `vivrovert backup` on SQLite: a copy taken while another process writes is a consistent
# database with every row committed before it; a PostgreSQL URL is refused with a pointer to
# its own tools. Usage: backup_test.sh VIVROVERT_BIN
set -uo pipefail
bin="$1"
work=$(mktemp -d /tmp/vivrovert-backup.XXXXXX)
writer=""
trap '[ -n "$writer" ] && kill "$writer" 2>/dev/null; rm -rf "$work"' EXIT
export VIVROVERT_PATHS_VAR_DIR="$work/var"
export VIVROVERT_DATABASE_URL="sqlite:$work/vivrovert.db"
failed=0
check() {  # check DESCRIPTION COMMAND…
  local description=$1
  shift
  if "$@"; then echo "ok: $description"; else echo "FAILED: $description"; failed=1; fi
}

"$bin" migrate >/dev/null
# A writer on the live database while the backup runs (SQLite's WAL: it is not blocked).
/usr/bin/python3 - "$work/vivrovert.db" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=10)
db.execute("CREATE TABLE IF NOT EXISTS backup_probe (id INTEGER PRIMARY KEY, at REAL)")
for i in range(1, 2001):
    db.execute("INSERT INTO backup_probe (id, at) VALUES (?, ?)", (i, time.time()))
    db.commit()
PY
writer=$!
sleep 0.5
"$bin" backup --to "$work/copy.db" >"$work/backup.out" 2>&1
rc=$?
wait "$writer"
writer=""
check "backup succeeds while a writer is busy" test "$rc" = 0
check "backup reports pages and bytes" grep -Eq "backed up .* \([0-9]+ pages, [0-9]+ bytes\)" "$work/backup.out"
check "no partial file is left" test ! -e "$work/copy.db.partial"
/usr/bin/python3 - "$work/copy.db" >"$work/check.out" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("PRAGMA integrity_check").fetchone()[0])
print(db.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0])
ids = [row[0] for row in db.execute("SELECT id FROM backup_probe ORDER BY id")]
# Every row up to the last copied is there: a snapshot, not a torn copy.
print("contiguous" if ids == list(range(1, len(ids) + 1)) else "holes")
PY
check "the copy passes SQLite's integrity check" test "$(sed -n 1p "$work/check.out")" = ok
check "the copy has the schema" test "$(sed -n 2p "$work/check.out")" -gt 0
check "the copy is a snapshot of committed rows, without holes" test "$(sed -n 3p "$work/check.out")" = contiguous

VIVROVERT_DATABASE_URL="postgresql://nobody@127.0.0.1:1/none" "$bin" backup --to "$work/pg.db" >"$work/pg.out" 2>&1
rc=$?
check "a PostgreSQL database is refused as bad input (exit 2)" test "$rc" = 2
check "the refusal names PostgreSQL's own tools" grep -q "pg_basebackup" "$work/pg.out"
exit $failed
