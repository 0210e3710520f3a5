#!/usr/bin/env bash
# The SMTP relay down under load (docs/RELIABILITY.md, "SMTP relay down"), on the local
# cluster, loopback only, bounded in time:
#   - an SMTP sink (python3-aiosmtpd, a Maildir, as scripts/with-test-services.sh) is the
#     nodes' relay; the cluster starts and the sink is stopped;
#   - under the mixed workload through nginx, BENCH_MAILS sign-ups (each queues a
#     verification mail) are sent to the 3 nodes in turn, each from its own client address
#     (X-Forwarded-For from the trusted loopback: the per-address sign-up limit holds);
#   - the sink comes back; the script waits (at most 6 minutes: the first retry comes a
#     minute after a failed attempt) until the outbox has sent every one of them, then
#     counts what the sink received: every mail once, none missing, none twice.
# Usage: bench/smtp_down.sh [BUILD_DIR]   Environment: BENCH_MAILS (30), BENCH_KEEP.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
bin=$(realpath "$build/vivrovert")
mails=${BENCH_MAILS:-30}
PG_BIN=/usr/lib/postgresql/15/bin
state=${VIVROVERT_CLUSTER_DIR:-var/cluster}
out=$(mktemp -d /tmp/vivrovert-smtp-down.XXXXXX)
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
smtp_port=$(free_port)
sink_pid=""
start_sink() {
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$out/maildir" \
    >>"$out/smtp.log" 2>&1 &
  sink_pid=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null && return 0; sleep 0.1; done
  echo "smtp_down: the sink did not start" >&2
  return 1
}
stop_sink() { [ -z "$sink_pid" ] || { kill "$sink_pid"; wait "$sink_pid" 2>/dev/null || true; sink_pid=""; }; }

start_sink
export VIVROVERT_SMTP_HOST=127.0.0.1 VIVROVERT_SMTP_PORT=$smtp_port VIVROVERT_SMTP_TLS=none \
  VIVROVERT_API_RATE_LIMIT=0 VIVROVERT_API_MAP_RATE_LIMIT=0 VIVROVERT_CLUSTER_RATE=100000r/s \
  VIVROVERT_CLUSTER_BURST=100000
scripts/cluster.sh start "$bin" >"$out/start.log"
trap '[ -n "${BENCH_KEEP:-}" ] && cp -r "$state" "$out" "$BENCH_KEEP"/; stop_sink; scripts/cluster.sh stop >/dev/null; rm -rf "$out"' EXIT
url=$(cat "$state/url")
primary_port=$(cat "$state/pg_primary.port")
sql() { "$PG_BIN/psql" -h 127.0.0.1 -p "$primary_port" -U postgres -d vivrovert -Atq -c "$1"; }
run_id=$(date +%s)
recipients="smtp-down-$run_id-%@example.test"

stop_sink
echo "# relay stopped"
wrk -t2 -c16 -d60s -s bench/http/mixed.lua "$url" >"$out/wrk.txt" 2>&1 &
wrk_pid=$!

jar="$out/cookies.txt"
page=$(curl -skf -c "$jar" -b "$jar" "$url/compte/inscription")
csrf=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -1)
cookie=$(awk '!/^# / && NF >= 7 { printf "%s=%s", $6, $7; exit }' "$jar")
accepted=0
for i in $(seq "$mails"); do
  node=$(((i % 3) + 1))
  status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 -H "Cookie: $cookie" \
    -H "X-Forwarded-For: 10.77.$((i / 200)).$((i % 200 + 1))" \
    --data-urlencode "_csrf=$csrf" --data-urlencode "display_name=Essai $i" \
    --data-urlencode "email=${recipients/\%/$i}" --data-urlencode "password=panne-smtp-$run_id-$i" \
    "http://127.0.0.1:$(cat "$state/node$node.port")/compte/inscription")
  # The page "inscription envoyée" (200), or a redirection.
  case $status in 200 | 303) accepted=$((accepted + 1)) ;; esac
done
like="smtp-down-$run_id-%"
sleep 5
queued=$(sql "SELECT count(*) FROM mail_outbox WHERE to_address LIKE '$like'")
echo "# $accepted of $mails sign-ups answered, $queued mails queued; outbox while the relay is down: $(sql \
  "SELECT status || ' ' || count(*) || ', attempts ' || sum(attempts) FROM mail_outbox WHERE to_address LIKE '$like' GROUP BY status" | tr '\n' ';')"
sleep 15
start_sink
echo "# relay back"
sent=0
for _ in $(seq 360); do
  sent=$(sql "SELECT count(*) FROM mail_outbox WHERE to_address LIKE '$like' AND status = 'sent'")
  [ "$sent" -ge "$queued" ] && break
  sleep 1
done
wait "$wrk_pid" || true
sleep 2
echo "# outbox: $(sql "SELECT status || ' ' || count(*) || ', attempts ' || sum(attempts) FROM mail_outbox WHERE to_address LIKE '$like' GROUP BY status" | tr '\n' ';')"
/usr/bin/python3 tests/mail/maildir_dump.py "$out/maildir" | /usr/bin/python3 -c '
import collections, json, sys
prefix = sys.argv[1]
mails = [m for m in json.load(sys.stdin) if m["rcpt_to"].startswith(prefix)]
by_to = collections.Counter(m["rcpt_to"] for m in mails)
ids = collections.Counter(m["message_id"] for m in mails)
print(f"== sink: {len(mails)} mails received for {len(by_to)} recipients; "
      f"{sum(1 for n in by_to.values() if n > 1)} recipients got more than one; "
      f"{sum(1 for n in ids.values() if n > 1)} Message-IDs twice")
' "smtp-down-$run_id-"
echo "== mails queued: $queued; sent per the outbox: $sent"
grep -E "Requests/sec|Non-2xx" "$out/wrk.txt" || true
