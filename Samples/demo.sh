#!/usr/bin/env bash
# `make demo`: shows what helpdeskd does today with the sample emails in this folder.
# It grows with the product: parsing now; extraction, tickets and the daemon come next.
set -euo pipefail
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
echo "helpdeskd $("$bin" --version) — reading the sample helpdesk emails in Samples/"
echo
for mail in "$here"/*.eml; do
  "$bin" parse "$mail" | python3 -c '
import json, sys
d = json.load(sys.stdin)
sender = d["from"][0]["address"] if d["from"] else "?"
atts = ", ".join((a["detected_type"] or a["content_type"]) + " " + str(a["size"]) + " B" for a in d["attachments"])
text = (d["text"] or "").strip().splitlines()
print(sys.argv[1])
print("  from     " + sender)
print("  subject  " + (d["subject"] or ""))
print("  parts    %d attachment(s)%s" % (len(d["attachments"]), ": " + atts if atts else ""))
print("  text     " + (text[0][:70] if text else "(none)"))
if d["defects"]:
    print("  defects  " + "; ".join(d["defects"]))
' "$(basename "$mail")"
  "$bin" extract "$mail" | python3 -c '
import json, sys
d = json.load(sys.stdin)
if d["automated"]:
    print("  report   machine mail (" + d["automated"] + "): never answered")
else:
    verdict = "complete" if d["complete"] else "missing " + ", ".join(d["missing"])
    print("  report   %s, %s, %s%s" % (d["category"], d["severity"], verdict,
          ", thread " + d["ticket_ref"] if d["ticket_ref"] else ""))
'

done
echo
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
printf '[helpdesk]\naddress = "helpdesk@example.com"\nname = "Example Helpdesk"\nstate_directory = "%s"\n[password_reset]\nurl = "https://proctor.example.edu/reset-password"\n' "$state" > "$state/helpdeskd.toml"
echo "== Ingesting the samples into a fresh ticket store ($state)"
"$bin" ingest --config "$state/helpdeskd.toml" "$here"/*.eml
echo
echo "== helpdeskd tickets list"
"$bin" tickets list --config "$state/helpdeskd.toml"
echo
echo "== helpdeskd outbox list (answers waiting for the SMTP relay)"
"$bin" outbox list --config "$state/helpdeskd.toml"
echo
echo "Try: helpdeskd extract --pretty Samples/02-missing-session-and-screenshot.eml  (binary: $bin)"
