#!/usr/bin/env python3
"""The helpdesk a sysadmin would write in an afternoon: the peer of the end-to-end benchmark.

    python_helpdesk.py --imap-port P --smtp-port P --db FILE [--password-file F] [--once | --poll 1] [--verbose]

Python stdlib only: imaplib fetches every message in INBOX, email parses it, sqlite3 stores a ticket
(or threads a reply into one by In-Reply-To or the [HD-nnnnnn] in the subject), smtplib sends an
acknowledgement to the sender unless the mail is automated, then the message is moved to Processed.
One connection each to IMAP and SMTP, one commit per email (sqlite3's defaults: rollback journal,
synchronous FULL). It does none of helpdeskd's field extraction, attachment storage, rate caps or
crash-safe outbox: it is the baseline of plain, straightforward work.
"""

import argparse
import email
import email.utils
import imaplib
import re
import smtplib
import sqlite3
import sys
import time
from email import policy
from email.message import EmailMessage

HELPDESK = "helpdesk@example.com"
TAG = re.compile(r"\[HD-(\d{6})\]")


def open_db(path):
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE IF NOT EXISTS ticket (id INTEGER PRIMARY KEY, reporter TEXT, subject TEXT, status TEXT,
                                           created REAL);
        CREATE TABLE IF NOT EXISTS message (id INTEGER PRIMARY KEY, ticket INTEGER, message_id TEXT, sender TEXT,
                                            subject TEXT, body TEXT, raw BLOB, received REAL);
        CREATE INDEX IF NOT EXISTS message_mid ON message (message_id);
    """)
    return db


def automated(msg):
    return (msg.get("Auto-Submitted", "no").lower() != "no" or msg.get("Precedence", "").lower() in ("bulk", "list", "junk")
            or "mailer-daemon" in str(msg.get("From", "")).lower() or msg.get("List-Id") is not None)


def body_text(msg):
    part = msg.get_body(preferencelist=("plain", "html"))
    try:
        return part.get_content() if part is not None else ""
    except (LookupError, ValueError):
        return ""


def handle(raw, db, smtp, stored=lambda: None):
    msg = email.message_from_bytes(raw, policy=policy.default)
    sender = email.utils.parseaddr(str(msg.get("From", "")))[1].lower()
    subject = str(msg.get("Subject", ""))
    message_id = str(msg.get("Message-ID", "")).strip()
    ticket = None
    for ref in str(msg.get("In-Reply-To", "")).split() + str(msg.get("References", "")).split():
        row = db.execute("SELECT ticket FROM message WHERE message_id = ? AND ticket IS NOT NULL", (ref,)).fetchone()
        if row:
            ticket = row[0]
            break
    if ticket is None and (m := TAG.search(subject)):
        row = db.execute("SELECT id FROM ticket WHERE id = ?", (int(m.group(1)),)).fetchone()
        ticket = row[0] if row else None
    is_auto = automated(msg)
    if ticket is None and not is_auto:
        ticket = db.execute("INSERT INTO ticket (reporter, subject, status, created) VALUES (?, ?, 'open', ?)",
                            (sender, subject, time.time())).lastrowid
    db.execute("INSERT INTO message (ticket, message_id, sender, subject, body, raw, received) VALUES (?,?,?,?,?,?,?)",
               (ticket, message_id, sender, subject, body_text(msg), raw, time.time()))
    db.commit()
    stored()
    if is_auto or not sender:
        return False
    ack = EmailMessage()
    ack["From"] = f"Example Helpdesk <{HELPDESK}>"
    ack["To"] = sender
    ack["Subject"] = f"[HD-{ticket:06d}] {subject}" if not TAG.search(subject) else subject
    ack["Message-ID"] = email.utils.make_msgid(domain="example.com")
    ack["In-Reply-To"] = message_id
    ack["Auto-Submitted"] = "auto-replied"
    ack.set_content(f"Thank you, we received your message and filed it as HD-{ticket:06d}.\n")
    smtp.send_message(ack, from_addr="", to_addrs=[sender])
    return True


def poll(imap, db, smtp, verbose=False):
    imap.select("INBOX")
    _, data = imap.uid("SEARCH", None, "ALL")
    uids = data[0].split()
    for uid in uids:
        _, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
        raw = parts[0][1]
        handle(raw, db, smtp, lambda: verbose and print(f"stored uid {uid.decode()}", file=sys.stderr, flush=True))
        imap.uid("MOVE", uid, "Processed")
    return len(uids)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--imap-port", type=int, required=True)
    ap.add_argument("--smtp-port", type=int, required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--password-file", default=None)
    ap.add_argument("--once", action="store_true")
    ap.add_argument("--poll", type=float, default=1.0)
    ap.add_argument("--verbose", action="store_true", help="print 'stored uid N' after each commit (before the answer is sent)")
    args = ap.parse_args()
    password = open(args.password_file).read().strip() if args.password_file else "helpdesk-secret"
    db = open_db(args.db)
    imap = imaplib.IMAP4("127.0.0.1", args.imap_port)
    imap.login("helpdesk", password)
    if imap.select("Processed")[0] != "OK":
        imap.create("Processed")
    smtp = smtplib.SMTP("127.0.0.1", args.smtp_port)
    total = 0
    while True:
        n = poll(imap, db, smtp, args.verbose)
        total += n
        if args.once and n == 0:
            break
        if not args.once:
            time.sleep(args.poll)
    smtp.quit()
    imap.logout()
    print(f"python_helpdesk: {total} messages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
