#!/usr/bin/env bash
# `make demo`: helpdeskd's main job, end to end, on this machine.
#  1. starts a throwaway Dovecot (IMAP) and an SMTP sink on 127.0.0.1,
#  2. puts the sample emails of this folder into the helpdesk mailbox,
#  3. runs the daemon until the mailbox and the outbox are drained (helpdeskd run --once),
#  4. shows the tickets it opened and the answers the sink received, then stops everything.
set -euo pipefail
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
servers="$here/../Tests/Servers"
work="$(mktemp -d /tmp/helpdeskd-demo.XXXXXX)"
chmod 755 "$work"
sink_pid=""
cleanup() {
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null && wait "$sink_pid" 2>/dev/null || true
  "$servers/dovecot.sh" stop "$work/dovecot" --now >/dev/null 2>&1 || true
  [ -n "${HELPDESKD_KEEP_DEMO:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
imap_port=$(free_port)
smtp_port=$(free_port)

echo "== helpdeskd $("$bin" --version): demo in $work"
echo "== Starting Dovecot on 127.0.0.1:$imap_port and an SMTP sink on 127.0.0.1:$smtp_port"
mkdir -p "$work/dovecot" && chmod 755 "$work/dovecot"
"$servers/dovecot.sh" start "$work/dovecot" "$imap_port" >/dev/null
/usr/bin/python3 "$servers/smtp_sink.py" --dir "$work/sink" --port "$smtp_port" >"$work/sink.log" 2>&1 &
sink_pid=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null && break
  sleep 0.1
done

echo "== Delivering the $(ls "$here"/*.eml | wc -l) sample emails to helpdesk@example.com's inbox"
maildir="$work/dovecot/home/Maildir/new"
mkdir -p "$maildir"
n=0
for mail in "$here"/*.eml; do
  n=$((n + 1))
  cp "$mail" "$maildir/$(printf '%010d' "$n").demo:2,"
done
chown -R nobody:nogroup "$work/dovecot/home"

mkdir -p "$work/etc" && chmod 700 "$work/etc"
printf '%s' "helpdesk-secret" > "$work/etc/imap.secret" && chmod 600 "$work/etc/imap.secret"
cat > "$work/etc/helpdeskd.toml" <<TOML
[helpdesk]
address = "helpdesk@example.com"
name = "Example Helpdesk"
state_directory = "$work/state"
[imap]
url = "imap://127.0.0.1:$imap_port/INBOX"
user = "helpdesk"
password_file = "$work/etc/imap.secret"
allow_plaintext = true
poll_interval = "1s"
[smtp]
url = "smtp://127.0.0.1:$smtp_port"
tls = "none"
[password_reset]
url = "https://proctor.example.edu/reset-password"
TOML

echo "== helpdeskd run --once (log lines below are what journald would show)"
start=$(date +%s.%N)
"$bin" run --once --config "$work/etc/helpdeskd.toml" 2>&1 | sed 's/^/   /'
end=$(date +%s.%N)
echo "== Done in $(python3 -c "print(round($end - $start, 2))") s"
echo
echo "== helpdeskd tickets list"
"$bin" tickets list --config "$work/etc/helpdeskd.toml"
echo
echo "== Answers received by the SMTP sink"
for file in "$work"/sink/maildir/new/*; do
  [ -e "$file" ] || continue
  python3 - "$file" <<'PY'
import email, sys
from email import policy
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default)
print(f"   To {m['To']}: {m['Subject']}")
PY
done
echo
left=$(find "$work/dovecot/home/Maildir/new" "$work/dovecot/home/Maildir/cur" -type f 2>/dev/null | wc -l)
processed=$(find "$work/dovecot/home/Maildir/.Processed" -type f -path '*/cur/*' -o -type f -path '*/.Processed/new/*' 2>/dev/null | wc -l)
echo "== Mailbox afterwards: $left message(s) left in INBOX, $processed moved to Processed"
echo
echo "Try next: helpdeskd extract --pretty Samples/02-missing-session-and-screenshot.eml"
