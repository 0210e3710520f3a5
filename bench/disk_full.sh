#!/usr/bin/env bash
# Disk full on the outbox's volume (docs/RELIABILITY.md, "Disk full"), through a real
# `vivrovert serve` on SQLite whose database lives on a small tmpfs (root only: mount),
# loopback only, bounded in count:
#   - the node starts on an 8 MB tmpfs, then the tmpfs is shrunk to what it uses plus
#     BENCH_FREE_KB (200);
#   - sign-ups (each writes an account and queues a verification mail) until BENCH_SIGNUPS
#     (60) or until one fails: its HTTP status and the node's log line are shown;
#   - the database is checked (PRAGMA integrity_check, accounts against mails);
#   - space comes back (tmpfs grown): one more sign-up must succeed, and the check again.
# Usage: sudo bench/disk_full.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "disk_full: needs root (mount -t tmpfs)" >&2; exit 1; }
bin=$(realpath "${1:-build}/vivrovert")
free_kb=${BENCH_FREE_KB:-200}
signups=${BENCH_SIGNUPS:-60}
out=$(mktemp -d /tmp/vivrovert-disk-full.XXXXXX)
mnt="$out/volume"
mkdir "$mnt"
mount -t tmpfs -o size=8m tmpfs "$mnt"
node=""
trap '[ -z "$node" ] || { kill "$node"; wait "$node" 2>/dev/null || true; }; umount "$mnt"; rm -rf "$out"' EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
db="$mnt/vivrovert.db"
export VIVROVERT_DATABASE_URL="sqlite:$db" VIVROVERT_HTTP_HOST=127.0.0.1 VIVROVERT_HTTP_PORT=$port \
  VIVROVERT_HTTP_TRUSTED_PROXIES=127.0.0.1 VIVROVERT_SMTP_PORT=1
"$bin" serve >"$out/node.log" 2>&1 &
node=$!
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "disk_full: the node never got ready" >&2; tail "$out/node.log" >&2; exit 1; }
used_kb=$(df -k --output=used "$mnt" | tail -1 | tr -d ' ')
size_kb=$((used_kb + free_kb))
mount -o "remount,size=${size_kb}k" "$mnt"
echo "# database volume: $((used_kb + free_kb)) KB, $used_kb used ($(ls -s --block-size=K "$mnt" | tr '\n' ' '))"

check() {  # the database's soundness, accounts and their mails
  echo "  integrity: $(sqlite3 "file:$db?mode=ro" 'PRAGMA integrity_check')," \
    "test accounts: $(sqlite3 "file:$db?mode=ro" "SELECT count(*) FROM users WHERE email LIKE 'plein-%'")," \
    "their mails queued: $(sqlite3 "file:$db?mode=ro" "SELECT count(*) FROM mail_outbox WHERE to_address LIKE 'plein-%'")"
}
jar="$out/cookies.txt"
page=$(curl -sf -c "$jar" -b "$jar" "http://127.0.0.1:$port/compte/inscription")
csrf=$(sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -1)
cookie=$(awk '!/^# / && NF >= 7 { printf "%s=%s", $6, $7; exit }' "$jar")
signup() {  # signup I: the HTTP status
  curl -s -o "$out/answer.html" -w '%{http_code}' --max-time 60 -H "Cookie: $cookie" \
    -H "X-Forwarded-For: 10.78.$(($1 / 200)).$(($1 % 200 + 1))" \
    --data-urlencode "_csrf=$csrf" --data-urlencode "display_name=Essai $1" \
    --data-urlencode "email=plein-$1@example.test" --data-urlencode "password=disque-plein-$1-x" \
    "http://127.0.0.1:$port/compte/inscription"
}
ok=0
status=200
for i in $(seq "$signups"); do
  status=$(signup "$i")
  [ "$status" = 200 ] || break
  ok=$((ok + 1))
done
echo "== $ok sign-ups answered 200, then: $status ($(sed -n 's/.*<h1[^>]*>\([^<]*\)<.*/\1/p' "$out/answer.html" | head -1))"
grep -v '^{' "$out/node.log" | grep -i -E "full|space|disk" | sort | uniq -c | head -5 | sed 's/^/  node: /'
check
mount -o remount,size=8m "$mnt"
echo "== space back: one more sign-up answers $(signup 9999)"
check
