#!/usr/bin/env bash
# Runs a command with the services the tests need, then stops them, even on failure:
#  - a throw-away PostgreSQL 15 cluster on 127.0.0.1 and a free port, run as user postgres;
#  - an SMTP server (Debian's python3-aiosmtpd) writing every received mail to a Maildir.
# The command sees:
#   VIVROVERT_TEST_POSTGRES_URL  libpq URI of an empty database (tests create schemas in it)
#   VIVROVERT_TEST_SMTP_PORT     port of the SMTP server on 127.0.0.1
#   VIVROVERT_TEST_MAILDIR       the Maildir where received mail lands
# Usage: scripts/with-test-services.sh COMMAND [ARGS…]
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/vivrovert-services.XXXXXX)
chmod 755 "$work"
pgdata="$work/pgdata"
pg_started=0
smtp_pid=""

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  local rc=$?
  if [ -n "$smtp_pid" ]; then kill "$smtp_pid" 2>/dev/null || true; wait "$smtp_pid" 2>/dev/null || true; fi
  if [ "$pg_started" = 1 ]; then as_postgres "$PG_BIN/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT INT TERM

# PostgreSQL.
pg_port=$(free_port)
mkdir -p "$pgdata"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$pgdata"
as_postgres "$PG_BIN/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log"; exit 1; }
as_postgres "$PG_BIN/pg_ctl" -D "$pgdata" -l "$pgdata/postgres.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pgdata -c fsync=off -c max_connections=200" start >/dev/null \
  || { cat "$pgdata/postgres.log"; exit 1; }
pg_started=1
"$PG_BIN/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -q -c "CREATE DATABASE vivrovert_test"
export VIVROVERT_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$pg_port/vivrovert_test"

# SMTP.
smtp_port=$(free_port)
export VIVROVERT_TEST_MAILDIR="$work/maildir"   # aiosmtpd creates it; it must not exist yet
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$VIVROVERT_TEST_MAILDIR" \
  >"$work/smtp.log" 2>&1 &
smtp_pid=$!
for _ in $(seq 50); do
  (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null && break
  sleep 0.1
done
export VIVROVERT_TEST_SMTP_PORT="$smtp_port"

echo "test services: PostgreSQL on 127.0.0.1:$pg_port, SMTP on 127.0.0.1:$smtp_port"
"$@"
