#!/usr/bin/env bash
# The PostgreSQL restore drill of docs/DEPLOY.md, on a throw-away cluster configured with
# deploy/postgresql/primary.conf (WAL archiving): write, take a base backup, write more,
# note the time, write after it, destroy the data directory, restore the base backup and
# replay the archived WAL up to the noted time; every row committed before it must be back,
# none after. Runs as user postgres when root. Usage: restore_drill_test.sh SOURCE_ROOT
set -euo pipefail
source_root=$1
PG_BIN=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/vivrovert-drill.XXXXXX)
chmod 755 "$work"
data="$work/data"
archive="$work/wal-archive"
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
cleanup() {
  as_postgres "$PG_BIN/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$data" "$archive"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$data" "$archive" "$work"
pg_start() {
  as_postgres "$PG_BIN/pg_ctl" -D "$data" -l "$work/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $work" start >/dev/null || { cat "$work/postgres.log"; exit 1; }
}
sql() { "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d drill -qAtX -v ON_ERROR_STOP=1 -c "$1"; }

as_postgres "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
sed -e "s|@WAL_ARCHIVE@|$archive|g" "$source_root/deploy/postgresql/primary.conf" | as_postgres tee -a "$data/postgresql.conf" >/dev/null
pg_start
"$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE drill"
sql "CREATE TABLE drill_rows (id INTEGER PRIMARY KEY, phase TEXT NOT NULL)"
sql "INSERT INTO drill_rows SELECT g, 'before backup' FROM generate_series(1, 100) g"

# The base backup, as the nightly timer of deploy/systemd takes it.
as_postgres "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres -D "$work/base" -X fetch -c fast >/dev/null

sql "INSERT INTO drill_rows SELECT g, 'after backup' FROM generate_series(101, 150) g"
target=$(sql "SELECT clock_timestamp()")
sleep 1
sql "INSERT INTO drill_rows SELECT g, 'after target' FROM generate_series(151, 170) g"
# Close the WAL segment and wait for it to be archived.
segment=$(sql "SELECT pg_walfile_name(pg_switch_wal())")
for _ in $(seq 300); do
  [ -f "$archive/$segment" ] && break
  sleep 0.1
done
[ -f "$archive/$segment" ] || { echo "FAILED: WAL segment $segment was never archived"; exit 1; }

# The disaster: the data directory is gone.
as_postgres "$PG_BIN/pg_ctl" -D "$data" -m immediate stop >/dev/null
rm -rf "$data"

# The restore: the base backup, then the archived WAL up to the target time.
as_postgres cp -a "$work/base" "$data"
chmod 700 "$data"
cat <<CONF | as_postgres tee -a "$data/postgresql.conf" >/dev/null
restore_command = 'cp $archive/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
CONF
as_postgres touch "$data/recovery.signal"
pg_start
for _ in $(seq 300); do
  [ "$(sql "SELECT pg_is_in_recovery()")" = f ] && break
  sleep 0.1
done

failed=0
check() {  # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAILED: $1 (expected $2, got $3)"; failed=1; fi
}
check "the restored server accepts writes (promoted)" f "$(sql "SELECT pg_is_in_recovery()")"
check "rows written before the base backup are back" 100 "$(sql "SELECT count(*) FROM drill_rows WHERE phase = 'before backup'")"
check "rows written after the base backup, before the target, are back" 50 "$(sql "SELECT count(*) FROM drill_rows WHERE phase = 'after backup'")"
check "no row written after the target time" 0 "$(sql "SELECT count(*) FROM drill_rows WHERE phase = 'after target'")"
exit $failed
