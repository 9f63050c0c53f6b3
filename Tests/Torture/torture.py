#!/usr/bin/env python3
"""helpdeskd's reliability suites (issue #8): crash consistency, outages, hostile input, abuse.

    Tests/Torture/torture.py --bin PATH/helpdeskd [--short] [--suite crash,outage,hostile,abuse]
                             [--emails N] [--kills N] [--seed S] [--results FILE] [--keep]

Everything runs against real servers on 127.0.0.1 (Tests/Servers: Dovecot and the SMTP sink) and the real
binary; the store is only ever read (read-only SQLite connections), except where a case says it moves time
forward ("time travel": making retries due now instead of in a minute). Needs root (Dovecot, tmpfs).
`--short` is the quick version `make test` runs; the full one is `make torture` (see README.md here).
Exit status 1 when any case failed. Python 3 standard library only.
"""

import argparse
import email.header
import glob
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the checkout
sys.path.insert(0, HERE)
import mailgen  # noqa: E402

SERVERS = os.path.normpath(os.path.join(HERE, "..", "Servers"))
SAMPLE_CONFIG = os.path.normpath(os.path.join(HERE, "..", "..", "Samples", "helpdeskd.toml"))


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample_rate_limits():
    """[rate_limits] from Samples/helpdeskd.toml, so the abuse suite checks the caps we ship."""
    text = open(SAMPLE_CONFIG, encoding="utf-8").read()
    section = text.split("[rate_limits]", 1)[1].split("\n[", 1)[0]
    return {k: int(v) for k, v in re.findall(r"^(\w+)\s*=\s*(\d+)", section, re.M)}


class Result:
    """One suite's line in the summary."""

    def __init__(self, suite):
        self.suite = suite
        self.cases = 0
        self.failures = []
        self.worst_seconds = 0.0
        self.worst_case = ""
        self.worst_rss_kb = 0
        self.worst_rss_case = ""
        self.duplicates = 0
        self.losses = 0
        self.notes = []
        self.started = time.time()

    def check(self, ok, what):
        if not ok:
            self.failures.append(what)
            log("  FAIL", what)
        return ok

    def measure(self, case, seconds, rss_kb):
        if seconds > self.worst_seconds:
            self.worst_seconds, self.worst_case = seconds, case
        if rss_kb > self.worst_rss_kb:
            self.worst_rss_kb, self.worst_rss_case = rss_kb, case

    def note(self, text):
        self.notes.append(text)
        log("  ", text)


def wait_child(proc, timeout=None):
    """Waits for a Popen child and returns (status, rusage) from wait4, which a Popen.wait would discard."""
    deadline = None if timeout is None else time.time() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage
        if deadline is not None and time.time() > deadline:
            return None, None
        time.sleep(0.01)


# ---------------------------------------------------------------------------------------------------------
# Servers and the daemon


class Dovecot:
    def __init__(self, directory):
        self.directory = directory
        self.port = None
        os.makedirs(directory, exist_ok=True)
        os.chmod(directory, 0o755)

    @property
    def maildir(self):
        return os.path.join(self.directory, "home", "Maildir")

    def start(self, port=None):
        for _ in range(3):
            self.port = port or free_port()
            # Output to a file, not a pipe: Dovecot and the watchdog keep inherited descriptors open.
            with open(os.path.join(os.path.dirname(self.directory), "dovecot-start.log"), "ab") as errors:
                status = subprocess.run(
                    ["/bin/bash", os.path.join(SERVERS, "dovecot.sh"), "start", self.directory, str(self.port)],
                    env=dict(os.environ, WATCH_PID=str(os.getpid())), stdout=errors, stderr=errors,
                    stdin=subprocess.DEVNULL).returncode
            if status == 0:
                return
            if port:
                time.sleep(0.5)
        raise RuntimeError("Dovecot did not start in " + self.directory)

    def stop(self):
        subprocess.run(["/bin/bash", os.path.join(SERVERS, "dovecot.sh"), "stop", self.directory, "--now"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    seeded = 0

    def seed(self, raw):
        """Delivers one email the way an MTA does: write in tmp/, rename into new/, owned by nobody."""
        Dovecot.seeded += 1
        name = "%010d.torture:2," % Dovecot.seeded
        tmp = os.path.join(self.maildir, "tmp", name)
        with open(tmp, "wb") as out:
            out.write(raw)
        shutil.chown(tmp, "nobody", "nogroup")
        os.rename(tmp, os.path.join(self.maildir, "new", name))

    def count(self, folder=""):
        base = os.path.join(self.maildir, "." + folder) if folder else self.maildir
        return sum(len(os.listdir(os.path.join(base, sub))) for sub in ("new", "cur") if os.path.isdir(os.path.join(base, sub)))


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(SERVERS, "smtp_sink.py"), "--dir", self.directory, "--port",
             str(self.port), "--watch-pid", str(os.getpid())],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(os.path.dirname(self.directory), "sink.log"), "ab"))
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("SMTP sink did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait()

    def fail(self, line):
        with open(os.path.join(self.directory, "control"), "w") as out:
            out.write(line + "\n")

    def recover(self):
        try:
            os.remove(os.path.join(self.directory, "control"))
        except FileNotFoundError:
            pass

    def message_ids(self):
        ids = []
        for path in sorted(glob.glob(os.path.join(self.directory, "maildir", "new", "*"))):
            head = open(path, "rb").read().split(b"\r\n\r\n", 1)[0]
            found = re.search(rb"^Message-ID:\s*(\S+)", head, re.M | re.I)
            ids.append(found.group(1).decode() if found else "?")
        return ids

    def raw_messages(self):
        return [open(p, "rb").read() for p in sorted(glob.glob(os.path.join(self.directory, "maildir", "new", "*")))]


class Rig:
    """A work directory with a Dovecot, an SMTP sink, a configuration and a state directory."""

    opened = []  # every rig, so one whose case raised is still stopped (no daemon or server left behind)

    def __init__(self, binary, name, keep=False, servers=True, toml_extra=""):
        Rig.opened.append(self)
        self.closed = False
        self.binary = binary
        self.keep = keep
        self.work = tempfile.mkdtemp(prefix="helpdeskd-torture-%s-" % name)
        os.chmod(self.work, 0o755)
        self.state = os.path.join(self.work, "state")
        self.dovecot = Dovecot(os.path.join(self.work, "dovecot"))
        self.sink = Sink(os.path.join(self.work, "sink"))
        self.daemons = []
        self.mounted = False
        if servers:
            self.dovecot.start()
            self.sink.start()
        self.etc = os.path.join(self.work, "etc")
        os.makedirs(self.etc, mode=0o700)
        with open(os.path.join(self.etc, "imap.secret"), "w") as out:
            out.write("helpdesk-secret")
        os.chmod(os.path.join(self.etc, "imap.secret"), 0o600)
        self.config = os.path.join(self.etc, "helpdeskd.toml")
        self.write_config(toml_extra)
        self.log_path = os.path.join(self.work, "daemon.log")

    def write_config(self, extra=""):
        with open(self.config, "w") as out:
            out.write(f"""[helpdesk]
address = "helpdesk@example.com"
name = "Example Helpdesk"
state_directory = "{self.state}"
[imap]
url = "imap://127.0.0.1:{self.dovecot.port or 1}/INBOX"
user = "helpdesk"
password_file = "{self.etc}/imap.secret"
allow_plaintext = true
poll_interval = "1s"
[smtp]
url = "smtp://127.0.0.1:{self.sink.port}"
tls = "none"
[password_reset]
url = "https://proctor.example.edu/reset-password"
{extra}
""")

    def mount_tmpfs(self, size):
        os.makedirs(self.state, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size, "tmpfs", self.state], check=True)
        self.mounted = True

    def resize_tmpfs(self, size):
        subprocess.run(["mount", "-o", "remount,size=%s" % size, self.state], check=True)

    def start_daemon(self, *extra):
        out = open(self.log_path, "ab")
        proc = subprocess.Popen([self.binary, "run", "--config", self.config, *extra], stdout=out, stderr=out,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        out.close()
        self.daemons.append(proc)
        return proc

    def run(self, *args, timeout=120, cwd=None):
        """A helpdeskd command: (exit code, stdout, stderr, seconds)."""
        started = time.time()
        proc = subprocess.Popen([self.binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd=cwd or self.work, stdin=subprocess.DEVNULL)
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err, time.time() - started

    @property
    def db(self):
        return os.path.join(self.state, "helpdeskd.sqlite")

    def query(self, sql, args=()):
        """Read-only, so the harness never writes the store it checks."""
        if not os.path.exists(self.db):
            return []
        connection = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True, timeout=10)
        try:
            return connection.execute(sql, args).fetchall()
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):  # the daemon has not created the schema yet
                return []
            raise
        finally:
            connection.close()

    def scalar(self, sql, args=()):
        rows = self.query(sql, args)
        return rows[0][0] if rows else 0

    def time_travel(self):
        """Makes every pending retry due now (the daemon must not be running). The only store write we do."""
        connection = sqlite3.connect(self.db, timeout=10)
        with connection:
            connection.execute("UPDATE outbox SET nextAttemptAt = 0 WHERE status = 'queued'")
        connection.close()

    def queued(self):
        return self.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'queued'")

    def wait_for(self, predicate, timeout, step=0.2):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return True
            time.sleep(step)
        return predicate()

    def stop_daemons(self):
        for proc in self.daemons:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def close(self, failed=False):
        if self.closed:
            return
        self.closed = True
        self.stop_daemons()
        self.sink.stop()
        self.dovecot.stop()
        if self.mounted:
            subprocess.run(["umount", "-l", self.state])
        if self.keep or failed:
            log("  kept", self.work)
        else:
            shutil.rmtree(self.work, ignore_errors=True)


def integrity(rig):
    return rig.scalar("PRAGMA integrity_check")


def message_ids_in_store(rig):
    """Message-ID -> number of inbound rows, counting quarantined rows by the Message-ID in their raw bytes."""
    counts = {}
    for message_id, raw, defects in rig.query("SELECT messageID, raw, defects FROM message WHERE direction = 'in'"):
        if not message_id:
            found = re.search(rb"^Message-ID:\s*<([^>\r\n]*)>", raw or b"", re.M | re.I)
            message_id = found.group(1).decode("latin-1") if found else "?"
        message_id = message_id.strip("<>")
        counts[message_id] = counts.get(message_id, 0) + 1
    return counts


def check_answers(rig, result, allowed_duplicates):
    """Every answer the store marks sent reached the sink; duplicates (same Message-ID) are counted."""
    rows = rig.query("SELECT messageID, status FROM outbox")
    sink = {}
    for message_id in rig.sink.message_ids():
        sink[message_id] = sink.get(message_id, 0) + 1
    sent = [m for m, s in rows if s == "sent"]
    unfinished = [m for m, s in rows if s not in ("sent", "suppressed")]
    missing = [m for m in sent if ("<%s>" % m) not in sink and m not in sink]
    known = {("<%s>" % m) for m, _ in rows} | {m for m, _ in rows}
    phantom = [m for m in sink if m not in known]
    duplicates = sum(c - 1 for c in sink.values())
    result.check(not unfinished, "%d answers not sent: %s" % (len(unfinished), unfinished[:3]))
    result.check(not missing, "%d answers marked sent never reached the sink: %s" % (len(missing), missing[:3]))
    result.check(not phantom, "%d answers in the sink that the outbox does not know: %s" % (len(phantom), phantom[:3]))
    result.check(duplicates <= allowed_duplicates, "%d duplicate answers > %d allowed" % (duplicates, allowed_duplicates))
    return len(rows), len(sent), duplicates, len(missing)


# ---------------------------------------------------------------------------------------------------------
# 1. Crash consistency


def crash_suite(args, result):
    n, min_kills = args.emails, args.kills
    rng = random.Random(args.seed)
    mails = mailgen.traffic(n, args.seed)
    rig = Rig(args.bin, "crash", args.keep, toml_extra="[rate_limits]\nglobal_per_hour = 100000\nper_domain_per_hour = 100000\n")
    failed = False
    try:
        pending = list(mails)
        per_cycle = max(1, math.ceil(n / min_kills))
        kills = during_ingest = during_send = exited = 0
        max_rss = 0
        started = time.time()
        limit = args.crash_minutes * 60
        while True:
            for _ in range(min(len(pending), rng.randint(0, 2 * per_cycle))):
                rig.dovecot.seed(pending.pop(0).raw)
            proc = rig.start_daemon()
            status, usage = wait_child(proc, rng.uniform(0.05, 1.5))
            if status is not None:
                exited += 1
                result.check(False, "the daemon exited by itself with status %s (see %s)" % (status, rig.log_path))
                max_rss = max(max_rss, usage.ru_maxrss)
            else:
                inbox = rig.dovecot.count()
                os.kill(proc.pid, signal.SIGKILL)
                _, usage = wait_child(proc)
                max_rss = max(max_rss, usage.ru_maxrss)
                kills += 1
                queued = rig.queued()
                during_ingest += inbox > 0
                during_send += queued > 0
            if kills >= min_kills and not pending and rig.dovecot.count() == 0 and rig.queued() == 0:
                break
            if time.time() - started > limit or exited > 3:
                result.check(False, "not drained after %d kills in %.0f s" % (kills, time.time() - started))
                break
        # One last run that is not killed: whatever a kill left half-done must finish by itself.
        proc = rig.start_daemon()
        time.sleep(2)  # past start-up, so SIGTERM meets the graceful-shutdown handler
        drained = rig.wait_for(lambda: rig.dovecot.count() == 0 and rig.queued() == 0 and not pending, 60)
        proc.send_signal(signal.SIGTERM)
        status, usage = wait_child(proc, 30)
        max_rss = max(max_rss, usage.ru_maxrss if usage else 0)
        wall = time.time() - started
        result.check(drained, "the mailbox or the outbox did not drain after the last restart")
        result.check(status == 0, "SIGTERM: the daemon exited with %s" % status)

        # Verification, from the store (read-only), the mailbox and the sink.
        result.cases += 1
        stored = message_ids_in_store(rig)
        expected = {m.message_id.strip("<>"): m for m in mails}
        lost = [i for i in expected if i not in stored]
        duplicated = {i: c for i, c in stored.items() if c > 1}
        quarantined = rig.scalar("SELECT COUNT(*) FROM event WHERE kind = 'quarantined'")
        result.check(not lost, "%d emails lost: %s" % (len(lost), lost[:5]))
        result.check(not duplicated, "%d emails ingested twice: %s" % (len(duplicated), list(duplicated)[:5]))
        result.check(len(stored) == len(expected), "%d stored Message-IDs for %d emails" % (len(stored), len(expected)))

        rows = dict((mid.strip("<>"), tid) for mid, tid in rig.query(
            "SELECT messageID, ticketId FROM message WHERE direction = 'in' AND messageID IS NOT NULL"))
        openers = [m for m in mails if m.opens_ticket]
        ticket_of = {m.message_id: rows.get(m.message_id.strip("<>")) for m in mails}
        no_ticket = [m.message_id for m in openers if ticket_of[m.message_id] is None]
        tickets = rig.scalar("SELECT COUNT(*) FROM ticket")
        orphans = rig.scalar("SELECT COUNT(*) FROM ticket t WHERE NOT EXISTS (SELECT 1 FROM message m WHERE m.ticketId = t.id)")
        shared = len(openers) - len({ticket_of[m.message_id] for m in openers if ticket_of[m.message_id] is not None})
        misthreaded = [m.message_id for m in mails if m.kind == "reply" and ticket_of[m.message_id] != ticket_of[m.parent]]
        result.check(not no_ticket, "%d reports without a ticket: %s" % (len(no_ticket), no_ticket[:3]))
        result.check(tickets == len(openers), "%d tickets for %d reports" % (tickets, len(openers)))
        result.check(orphans == 0, "%d tickets without a message" % orphans)
        result.check(shared == len(no_ticket), "%d reports share a ticket" % (shared - len(no_ticket)))
        result.check(not misthreaded, "%d replies not on their report's ticket: %s" % (len(misthreaded), misthreaded[:3]))
        no_answer = rig.scalar("SELECT COUNT(*) FROM ticket t WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.ticketId = t.id)")
        result.check(no_answer == 0, "%d tickets without any answer" % no_answer)

        answers, sent, duplicates, missing = check_answers(rig, result, kills)
        result.check(integrity(rig) == "ok", "integrity_check: %s" % integrity(rig))
        result.check(rig.dovecot.count() == 0, "%d emails left in INBOX" % rig.dovecot.count())
        processed = rig.dovecot.count("Processed")
        in_quarantine = rig.dovecot.count("Quarantine")
        result.check(processed + in_quarantine >= n, "%d in Processed + %d in Quarantine for %d emails" % (processed, in_quarantine, n))
        result.duplicates += duplicates + len(duplicated)
        result.losses += len(lost) + missing
        result.measure("crash: %d kills" % kills, wall, max_rss)
        result.note("crash: %d emails, %d kills (%d with mail in the inbox, %d with answers queued), %d tickets, "
                    "%d answers (%d sent), %d duplicate answers (allowed <= %d), %d emails lost, %d ingested twice, "
                    "%d quarantined, %d moved to Processed, integrity %s, %.0f s"
                    % (n, kills, during_ingest, during_send, tickets, answers, sent, duplicates, kills, len(lost),
                       len(duplicated), quarantined, processed, integrity(rig), wall))
        failed = bool(result.failures)
    finally:
        rig.close(failed)


# ---------------------------------------------------------------------------------------------------------
# 2. Outages


def outage_suite(args, result):
    traffic = mailgen.traffic(40 if args.short else 120, args.seed + 1)
    reports = [m for m in traffic if m.opens_ticket]

    def verify_all_once(rig, mails, case):
        stored = message_ids_in_store(rig)
        lost = [m.message_id for m in mails if m.message_id.strip("<>") not in stored]
        twice = [i for i, c in stored.items() if c > 1]
        result.check(not lost, "%s: %d emails lost %s" % (case, len(lost), lost[:3]))
        result.check(not twice, "%s: %d emails ingested twice" % (case, len(twice)))
        result.check(rig.dovecot.count() == 0, "%s: %d emails left in INBOX" % (case, rig.dovecot.count()))
        result.check(rig.dovecot.count("Quarantine") == 0, "%s: %d emails quarantined" % (case, rig.dovecot.count("Quarantine")))
        result.check(integrity(rig) == "ok", "%s: integrity_check failed" % case)
        result.losses += len(lost)
        result.duplicates += len(twice)

    def case(name, body):
        result.cases += 1
        log(" outage:", name)
        rig = None
        started = time.time()
        before = len(result.failures)
        try:
            rig = body()
        except Exception as error:  # a harness problem is a failure of the case, not of the run
            result.check(False, "%s: %r" % (name, error))
            for opened in Rig.opened:
                opened.close(failed=True)
        finally:
            if rig is not None:
                rss = 0
                for proc in rig.daemons:
                    if proc.poll() is None:
                        proc.send_signal(signal.SIGTERM)
                    status, usage = wait_child(proc, 20) if proc.returncode is None else (proc.returncode, None)
                    rss = max(rss, usage.ru_maxrss if usage else 0)
                result.measure("outage: " + name, time.time() - started, rss)
                rig.close(len(result.failures) > before)

    def imap_restart():
        rig = Rig(args.bin, "imap")
        mails = traffic[: 30 if args.short else 100]
        for mail in mails:
            rig.dovecot.seed(mail.raw)
        proc = rig.start_daemon()
        outages = 1 if args.short else 3
        for i in range(outages):
            # Stop the server while the daemon is fetching, keep it down a moment, bring it back on the same port.
            rig.wait_for(lambda: rig.scalar("SELECT COUNT(*) FROM message") > 3 + i * 25, 20, step=0.02)
            rig.dovecot.stop()
            time.sleep(1.5)
            result.check(proc.poll() is None, "imap-restart: the daemon died while IMAP was down")
            rig.dovecot.start(rig.dovecot.port)
        drained = rig.wait_for(lambda: rig.dovecot.count() == 0 and rig.queued() == 0, 60)
        result.check(drained, "imap-restart: not drained after IMAP came back")
        verify_all_once(rig, mails, "imap-restart")
        check_answers(rig, result, 0)
        if "mailbox reachable again" not in open(rig.log_path, errors="replace").read():
            result.note("imap-restart: no outage was observed by the daemon (it was not fetching at that moment)")
        return rig

    def smtp_temporary():
        rig = Rig(args.bin, "smtp4xx")
        mails = reports[:5]
        rig.sink.fail("DATA 451 4.3.0 try again later")
        for mail in mails:
            rig.dovecot.seed(mail.raw)
        proc = rig.start_daemon()
        tried = rig.wait_for(lambda: rig.dovecot.count() == 0 and rig.scalar(
            "SELECT COUNT(*) FROM outbox WHERE attempts >= 1 AND lastError IS NOT NULL") == len(mails), 30)
        result.check(tried, "smtp-4xx: answers were not attempted and kept")
        result.check(rig.queued() == len(mails) and not rig.sink.message_ids(), "smtp-4xx: answers not kept queued")
        status = rig.run("status", "--config", rig.config)[1].decode()
        result.check("451" in status, "smtp-4xx: helpdeskd status does not show the SMTP error")
        proc.send_signal(signal.SIGTERM)
        wait_child(proc, 20)
        rig.sink.recover()
        rig.time_travel()  # the first retry is due in a minute; we do not wait for it
        rig.start_daemon()
        result.check(rig.wait_for(lambda: rig.queued() == 0, 30), "smtp-4xx: answers not delivered after recovery")
        verify_all_once(rig, mails, "smtp-4xx")
        check_answers(rig, result, 0)
        result.check(len(rig.sink.message_ids()) == len(mails), "smtp-4xx: not exactly one answer per report")
        return rig

    def smtp_permanent():
        rig = Rig(args.bin, "smtp5xx")
        mails = reports[5:8]
        rig.sink.fail("RCPT 550 5.1.1 no such user")
        for mail in mails:
            rig.dovecot.seed(mail.raw)
        rig.start_daemon()
        done = rig.wait_for(lambda: rig.dovecot.count() == 0 and rig.scalar(
            "SELECT COUNT(*) FROM outbox WHERE status = 'failed'") == len(mails), 30)
        result.check(done, "smtp-5xx: answers not failed for good")
        result.check(rig.scalar("SELECT COUNT(*) FROM event WHERE kind = 'answer-failed'") == len(mails),
                     "smtp-5xx: answer-failed events missing")
        verify_all_once(rig, mails, "smtp-5xx")
        return rig

    def smtp_gone():
        rig = Rig(args.bin, "smtpgone")
        mails = reports[8:12]
        rig.sink.stop()
        for mail in mails:
            rig.dovecot.seed(mail.raw)
        proc = rig.start_daemon()
        tried = rig.wait_for(lambda: rig.dovecot.count() == 0 and rig.scalar(
            "SELECT COUNT(*) FROM outbox WHERE lastError IS NOT NULL") == len(mails), 30)
        result.check(tried and proc.poll() is None, "smtp-gone: answers not kept, or the daemon died")
        proc.send_signal(signal.SIGTERM)
        wait_child(proc, 20)
        rig.sink.start()
        rig.time_travel()
        rig.start_daemon()
        result.check(rig.wait_for(lambda: rig.queued() == 0, 30), "smtp-gone: answers not delivered after recovery")
        verify_all_once(rig, mails, "smtp-gone")
        check_answers(rig, result, 0)
        result.check(len(rig.sink.message_ids()) == len(mails), "smtp-gone: not exactly one answer per report")
        return rig

    def disk_full():
        rig = Rig(args.bin, "diskfull", servers=True)
        rig.mount_tmpfs("2m")
        # Reports with 256 KB screenshots: a handful fill the 2 MB state directory.
        count = 12 if args.short else 30
        mails = [mailgen.report_with_attachment(9000 + i, 256 << 10) for i in range(count)]
        for mail in mails:
            rig.dovecot.seed(mail.raw)
        proc = rig.start_daemon()
        # Wait until the intake stalls: mail left in the inbox and no progress for a few seconds.
        last, still = -1, 0
        for _ in range(150):
            time.sleep(0.2)
            now = rig.dovecot.count()
            still = still + 1 if now == last else 0
            last = now
            if still >= 15:
                break
        left = rig.dovecot.count()
        result.check(proc.poll() is None, "disk-full: the daemon died (status %s)" % proc.poll())
        result.check(0 < left < count, "disk-full: %d of %d emails left in the inbox (expected some, not all)" % (left, count))
        in_quarantine = rig.dovecot.count("Quarantine")
        result.check(in_quarantine == 0, "disk-full: %d emails moved to Quarantine because the disk was full" % in_quarantine)
        stored = message_ids_in_store(rig)
        processed = rig.dovecot.count("Processed")
        result.check(processed == len(stored), "disk-full: %d emails moved out of the inbox, %d stored" % (processed, len(stored)))
        logged = open(rig.log_path, errors="replace").read()
        result.check("full" in logged.lower(), "disk-full: the log does not say the disk is full")
        status = rig.run("status", "--config", rig.config)
        result.check(status[0] == 0 and "full" in status[1].decode().lower(),
                     "disk-full: helpdeskd status does not report it: %s" % (status[1] + status[2]).decode()[-300:])
        result.note("disk-full: %d of %d emails stored before the 2 MB state directory filled, %d left in the inbox"
                    % (len(stored), count, left))
        rig.resize_tmpfs("64m")
        drained = rig.wait_for(lambda: rig.dovecot.count() == 0 and rig.queued() == 0, 120, step=0.5)
        result.check(drained, "disk-full: did not recover by itself within 120 s after space returned")
        verify_all_once(rig, mails, "disk-full")
        check_answers(rig, result, 0)
        return rig

    case("imap-stop-restart-mid-fetch", imap_restart)
    case("smtp-4xx-then-recovery", smtp_temporary)
    case("smtp-5xx", smtp_permanent)
    case("smtp-gone-then-back", smtp_gone)
    case("state-directory-full", disk_full)


# ---------------------------------------------------------------------------------------------------------
# 3. Hostile input

ALLOWED_ANSWER_HEADERS = {
    "from", "to", "subject", "date", "message-id", "in-reply-to", "references", "auto-submitted",
    "x-auto-response-suppress", "precedence", "mime-version", "content-type", "content-transfer-encoding",
    "reply-to", "content-language",
}


def answer_header_problems(raw):
    head = raw.split(b"\r\n\r\n", 1)[0]
    problems = []
    if re.search(rb"\r(?!\n)|(?<!\r)\n", head):
        problems.append("bare CR or LF in the header section")
    if b"\0" in head:
        problems.append("NUL in the header section")
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            continue
        name = line.split(b":", 1)[0].decode("latin-1").lower()
        if name not in ALLOWED_ANSWER_HEADERS:
            problems.append("unexpected header %r" % line[:80])
    if re.search(rb"(?im)^(bcc|x-injected)\s*:", head):
        problems.append("injected header")
    return problems


def hostile_suite(args, result):
    rig = Rig(args.bin, "hostile", args.keep, servers=False)
    sandbox = os.path.join(rig.work, "cwd")
    inputs = os.path.join(rig.work, "inputs")
    os.makedirs(sandbox)
    os.makedirs(inputs)
    marker = time.time()
    outcomes = {}
    try:
        entries = mailgen.hostile(args.seed, args.short)
        for index, (name, factory) in enumerate(entries):
            path = os.path.join(inputs, "%03d-%s.eml" % (index, name))
            raw = factory()
            with open(path, "wb") as out:
                out.write(raw)
            del raw
            result.cases += 1
            started = time.time()
            out_path, err_path = os.path.join(rig.work, "out"), os.path.join(rig.work, "err")
            with open(out_path, "wb") as out, open(err_path, "wb") as errors:
                proc = subprocess.Popen([args.bin, "ingest", "--config", rig.config, "--json", path], cwd=sandbox,
                                        stdout=out, stderr=errors, stdin=subprocess.DEVNULL)
            limit = 60 if args.short else 300
            status, usage = wait_child(proc, limit)
            if status is None:
                proc.kill()
                status, usage = wait_child(proc)
                proc.returncode = None
            out, err = open(out_path, "rb").read(), open(err_path, "rb").read()
            seconds = time.time() - started
            rss = usage.ru_maxrss
            result.measure("hostile: " + name, seconds, rss)
            if proc.returncode == 0:
                outcome = json.loads(out.decode().strip().splitlines()[-1])["outcome"]
            elif proc.returncode is not None and proc.returncode > 0 and err:
                # The pipeline refused it with a reason: the daemon quarantines exactly these.
                outcome = "refused: " + err.decode(errors="replace").strip().splitlines()[-1][:200]
            else:
                outcome = "crashed (status %s): %s" % (proc.returncode, err.decode(errors="replace")[-300:])
                result.check(False, "hostile %s: %s" % (name, outcome))
            if seconds > limit:
                result.check(False, "hostile %s: took %.0f s" % (name, seconds))
            outcomes[name] = outcome
            if os.listdir(sandbox):
                result.check(False, "hostile %s: wrote %s into the working directory" % (name, os.listdir(sandbox)))
                for leftover in os.listdir(sandbox):
                    shutil.rmtree(os.path.join(sandbox, leftover), ignore_errors=True)
            os.remove(path)
        # Answers must carry no injected header.
        injected = 0
        for ref, raw in rig.query("SELECT ticketId, raw FROM outbox"):
            problems = answer_header_problems(raw)
            if problems:
                injected += 1
                result.check(False, "answer on ticket %s: %s" % (ref, "; ".join(problems[:3])))
        answers = rig.scalar("SELECT COUNT(*) FROM outbox")
        # Nothing may leave the state directory: only the store and its key live there.
        state_files = sorted(os.listdir(rig.state))
        allowed = {"helpdeskd.sqlite", "helpdeskd.sqlite-wal", "helpdeskd.sqlite-shm", "hmac.key"}
        result.check(set(state_files) <= allowed, "unexpected files in the state directory: %s" % state_files)
        escaped = []
        for root in ("/tmp", "/etc", "/root", "/var/tmp", os.path.dirname(os.path.dirname(HERE)), rig.work):
            for dirpath, _, files in os.walk(root):
                if "/proc" in dirpath or ".build" in dirpath:
                    continue
                escaped += [os.path.join(dirpath, f) for f in files if mailgen.ESCAPE in f]
        result.check(not escaped, "attachment names escaped into files: %s" % escaped[:5])
        xxe = rig.scalar("SELECT COUNT(*) FROM fieldValue WHERE value LIKE '%root:x:0:0%'") + rig.scalar(
            "SELECT COUNT(*) FROM outbox WHERE CAST(raw AS TEXT) LIKE '%root:x:0:0%'")
        result.check(xxe == 0, "the external entity /etc/passwd was resolved into the store")
        result.check(integrity(rig) == "ok", "hostile: integrity_check failed")
        kinds = {}
        for outcome in outcomes.values():
            key = outcome.split(":")[0].split(" ")[0]
            kinds[key] = kinds.get(key, 0) + 1
        result.note("hostile: %d messages: %s; %d answers, %d with injected headers"
                    % (len(outcomes), ", ".join("%d %s" % (v, k) for k, v in sorted(kinds.items())), answers, injected))
        refused = {k: v for k, v in outcomes.items() if v.startswith("refused")}
        for name, outcome in list(refused.items())[:10]:
            result.note("  %s: %s" % (name, outcome))
        privacy_erasure(rig, args, result)
        scaling_check(args, result, rig, inputs, sandbox)
    finally:
        rig.close(bool(result.failures))


NOISE = 0.05  # seconds a loaded CI machine adds to or takes from one timing


def scaling_check(args, result, rig, inputs, sandbox):
    """Every scan of attacker text must be linear: each scaling input at n, 2n and 4n bytes, timed through
    `helpdeskd ingest` (start-up subtracted). Quadratic work shows as 16x at 4n; linear as 4x."""

    def timed(raw, name):
        path = os.path.join(inputs, name + ".eml")
        with open(path, "wb") as out:
            out.write(raw)
        best = None
        for _ in range(2):  # the better of two runs: a loaded CI machine adds noise, never removes work
            started = time.time()
            proc = subprocess.run([args.bin, "ingest", "--config", rig.config, path], cwd=sandbox,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                  timeout=120)
            seconds = time.time() - started
            best = seconds if best is None else min(best, seconds)
            if proc.returncode != 0:
                result.check(False, "scaling %s: ingest exited %d" % (name, proc.returncode))
        os.remove(path)
        return best

    base = min(timed(mailgen._simple({"id": "base-%d" % i}, "hello"), "base%d" % i) for i in range(3))
    n = (256 << 10) if args.short else (1 << 20)
    rows = []
    for size in (n, 2 * n, 4 * n):
        for name, raw in mailgen.scaling(size):
            rows.append((name, size, max(0.0, timed(raw, "%s-%d" % (name, size)) - base)))
    worst = (None, 0.0)
    # WatchdogSec bounds the release build; the unoptimised build make test uses runs extraction several times
    # slower, so it gets twice the room.
    watchdog = 60 if "/release/" in os.path.realpath(args.bin) else 120
    for name in [entry[0] for entry in mailgen.SCALING]:
        times = [t for (what, _, t) in rows if what == name]
        result.cases += 1
        result.measure("scaling: %s at 4n" % name, times[2], 0)
        # Each time may be off by a loaded machine's ~0.05 s: the ratio takes that noise against growth, so a
        # linear 0.10 s at n read as 0.65 s at 4n (x6.5 raw) passes and a quadratic 0.10 s -> 1.6 s still fails.
        # Under a quarter of a second at 4n is too fast to tell noise from growth, and harmless.
        ratio = max(0.0, times[2] - NOISE) / (times[0] + NOISE)
        if times[2] >= 0.25 and ratio > 6.5:
            result.check(False, "scaling %s: %.2f s at n, %.2f s at 2n, %.2f s at 4n (x%.1f): not linear"
                         % (name, times[0], times[1], times[2], ratio))
        result.check(times[2] < watchdog / 2, "scaling %s: %.1f s at 4n, over half the %d s watchdog"
                     % (name, times[2], watchdog))
        if times[2] > worst[1]:
            worst = (name, times[2])
        result.note("  scaling %-16s n=%d KB: %.3f / %.3f / %.3f s (x%.1f at 4n)"
                    % (name, n >> 10, times[0], times[1], times[2], ratio))
    result.note("scaling: %d inputs at n, 2n, 4n (n = %d KB): slowest %s at %.2f s beyond start-up (%.2f s)"
                % (len(mailgen.SCALING), n >> 10, worst[0], worst[1], base))


def header_texts(raw):
    """A raw message's header section as a reader sees it, by Python's decoders (not helpdeskd's): the
    bytes, each field with its RFC 2047 words decoded, and both with percent escapes decoded."""
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    texts = [head.decode("latin-1")]
    for field in re.split(rb"\r?\n(?![ \t])", head):
        name, _, value = field.partition(b":")
        try:
            text = str(email.header.make_header(email.header.decode_header(value.decode("latin-1"))))
        except Exception:
            text = value.decode("latin-1")
        texts.append(text)
    return texts + [urllib.parse.unquote(t) for t in texts]


def privacy_erasure(rig, args, result):
    """Strangers' reports naming a data subject only in hidden forms, ingested from files named after them;
    `subject erase` must then report clean and leave no header section or value that names them."""
    folder = os.path.join(rig.work, "privacy")
    os.makedirs(folder)
    subject = mailgen.ERASED
    for index, (name, raw) in enumerate(mailgen.privacy(args.short)):
        path = os.path.join(folder, "%03d-about-%s.eml" % (index, subject))
        with open(path, "wb") as out:
            out.write(raw)
        result.cases += 1
        code, _, err, seconds = rig.run("ingest", "--config", rig.config, "--json", path, timeout=300)
        result.measure("hostile: " + name, seconds, 0)
        result.check(code == 0, "privacy %s: ingest exited %d: %s" % (name, code, err[-300:]))
    before = sum(1 for (raw,) in rig.query("SELECT raw FROM message")
                 if any(subject in t.lower() for t in header_texts(raw)))
    code, out, err, seconds = rig.run("subject", "erase", subject, "--config", rig.config, timeout=600)
    result.measure("hostile: privacy erase", seconds, 0)
    result.check(code == 0, "subject erase exited %d (address still found): %s %s"
                 % (code, out.decode(errors="replace")[-600:], err[-300:]))
    left = []
    for table, column in (("message", "raw"), ("outbox", "raw")):
        for rowid, raw in rig.query("SELECT rowid, %s FROM %s" % (column, table)):
            if any(subject in t.lower() for t in header_texts(raw)):
                left.append("%s.%s row %d (header)" % (table, column, rowid))
    for (table,) in rig.query("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in rig.query("PRAGMA table_info(\"%s\")" % table):
            column = row[1]
            # The search index's shadow tables include WITHOUT ROWID ones: scanned as well, as row 0.
            try:
                rows = rig.query("SELECT rowid, \"%s\" FROM \"%s\"" % (column, table))
            except Exception:
                rows = rig.query("SELECT 0, \"%s\" FROM \"%s\"" % (column, table))
            for rowid, value in rows:
                if isinstance(value, str) and subject in urllib.parse.unquote(value).lower():
                    left.append("%s.%s row %d" % (table, column, rowid))
    # Six name them in the header section; Python's decoder does not read the glued encoded word.
    result.check(before >= 5, "privacy: only %d messages named the subject before the erasure" % before)
    result.check(not left, "privacy: still named after subject erase: %s" % left[:5])
    result.note("privacy: %d messages named %s in hidden forms; subject erase took %.1f s and left %d traces"
                % (before, subject, seconds, len(left)))


# ---------------------------------------------------------------------------------------------------------
# 4. Abuse


def forged_report(i, sender):
    return "\r\n".join([
        "Message-ID: <flood-%d@forged.example>" % i,
        "Date: " + mailgen.DATE,
        "From: %s" % sender,
        "To: helpdesk@example.com",
        "Subject: Exam broken %d" % i,
        "Content-Type: text/plain; charset=UTF-8",
        "",
        "The exam does not load. Server: proctor.example.edu",
        "",
    ]).encode()


def abuse_suite(args, result):
    caps = sample_rate_limits()

    def ingest_dir(rig, files, name):
        directory = os.path.join(rig.work, name)
        os.makedirs(directory, exist_ok=True)
        for i, raw in enumerate(files):
            with open(os.path.join(directory, "%06d.eml" % i), "wb") as out:
                out.write(raw)
        started = time.time()
        proc = subprocess.Popen([args.bin, "ingest", "--config", rig.config, directory], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace")
        result.measure("abuse: " + name, time.time() - started, usage.ru_maxrss)
        result.check(proc.returncode == 0, "abuse %s: ingest failed: %s" % (name, err[-300:]))
        shutil.rmtree(directory)
        return err.strip()

    # Forged flood: many addresses (the global cap), and one victim address forged again and again (the per-address cap).
    result.cases += 1
    log(" abuse: forged flood")
    total = 300 if args.short else 10000
    global_cap = 50 if args.short else caps["global_per_hour"]
    limits = "[rate_limits]\n" + "".join("%s = %d\n" % (k, v) for k, v in caps.items() if k != "global_per_hour")
    limits += "global_per_hour = %d\n" % global_cap
    rig = Rig(args.bin, "flood", args.keep, servers=False, toml_extra=limits)
    try:
        victim = "dean@victim.example.edu"
        mails = [forged_report(i, victim if i % 10 == 0 else "forged%d@spoof%d.example" % (i, i % 97)) for i in range(total)]
        summary = ingest_dir(rig, mails, "flood")
        queued = rig.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'queued'")
        to_victim = rig.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'queued' AND recipient = ?", (victim,))
        per_address = rig.scalar("SELECT MAX(c) FROM (SELECT COUNT(*) c FROM outbox WHERE status = 'queued' GROUP BY recipient)")
        tickets = rig.scalar("SELECT COUNT(*) FROM ticket")
        result.check(tickets == total, "flood: %d tickets for %d reports (mail must be kept even when not answered)" % (tickets, total))
        result.check(queued <= global_cap, "flood: %d answers queued > global cap %d" % (queued, global_cap))
        result.check(to_victim <= caps["per_address_per_hour"], "flood: %d answers to the victim > %d" % (to_victim, caps["per_address_per_hour"]))
        result.check(per_address <= caps["per_address_per_hour"], "flood: %d answers to one address" % per_address)
        result.note("flood: %d forged reports -> %d tickets, %d answers queued (cap %d), %d to the forged victim (cap %d); %s"
                    % (total, tickets, queued, global_cap, to_victim, caps["per_address_per_hour"], summary))
    finally:
        rig.close(bool(result.failures))

    # Auto-responder loop: a robot that answers every answer, with and without Auto-Submitted.
    result.cases += 1
    log(" abuse: auto-responder loop")
    rig = Rig(args.bin, "loop", args.keep, servers=False)
    try:
        rounds = 6 if args.short else 25
        for bot, polite in (("robot@loop.example", False), ("polite-robot@loop.example", True)):
            first = forged_report(0, bot).replace(b"flood-0@", ("loop-%s@" % bot.split("@")[0]).encode())
            ingest_dir(rig, [first], "loop0")
            answered_after_first = None
            for r in range(1, rounds + 1):
                last = rig.query("SELECT messageID, subject FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1", (bot,))
                if not last:
                    break
                message_id, subject = last[0]
                reply = "\r\n".join([
                    "Message-ID: <auto-%s-%d@loop.example>" % (bot.split("@")[0], r),
                    "Date: " + mailgen.DATE,
                    "From: Robot <%s>" % bot,
                    "To: helpdesk@example.com",
                    "Subject: Re: %s" % subject,
                    "In-Reply-To: <%s>" % message_id.strip("<>"),
                    "References: <%s>" % message_id.strip("<>"),
                ] + (["Auto-Submitted: auto-replied"] if polite else []) + [
                    "Content-Type: text/plain; charset=UTF-8",
                    "",
                    "Thank you for your email. This mailbox is monitored; we will get back to you.",
                    "",
                ]).encode()
                ingest_dir(rig, [reply], "loop%d" % r)
                if r == 1:
                    answered_after_first = rig.scalar("SELECT COUNT(*) FROM outbox WHERE recipient = ? AND status = 'queued'", (bot,))
            answers = rig.scalar("SELECT COUNT(*) FROM outbox WHERE recipient = ? AND status = 'queued'", (bot,))
            result.check(answers <= 2 and answers == answered_after_first,
                         "loop (%s): %d answers after %d rounds, %s after the first exchange"
                         % ("polite" if polite else "plain", answers, rounds, answered_after_first))
            result.note("auto-responder loop (%s robot): %d rounds, %d answers sent to it"
                        % ("Auto-Submitted" if polite else "plain", rounds, answers))
    finally:
        rig.close(bool(result.failures))

    # Backscatter through +tags and through one domain: the caps count mailboxes and domains, not spellings.
    result.cases += 1
    log(" abuse: +tag and one-domain backscatter")
    rig = Rig(args.bin, "plustag", args.keep, servers=False, toml_extra=limits)
    try:
        tagged = [forged_report(50000 + i, "victim+%d@victim.example.edu" % i) for i in range(40)]
        domain = [forged_report(60000 + i, "user%d@victim.example.edu" % i) for i in range(caps["per_domain_per_hour"] + 50)]
        ingest_dir(rig, tagged + domain, "plustag")
        to_victim = rig.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'queued' AND recipient LIKE 'victim+%'")
        to_domain = rig.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'queued' AND recipient LIKE '%@victim.example.edu'")
        result.check(to_victim <= caps["per_address_per_hour"],
                     "+tag: %d answers reached one mailbox through +tags (cap %d)" % (to_victim, caps["per_address_per_hour"]))
        result.check(to_domain <= caps["per_domain_per_hour"],
                     "domain: %d answers to one domain (cap %d)" % (to_domain, caps["per_domain_per_hour"]))
        result.note("+tag flood: 40 tags of one mailbox -> %d answers (cap %d); %d addresses of one domain -> %d answers (cap %d)"
                    % (to_victim, caps["per_address_per_hour"], len(domain) + 40, to_domain, caps["per_domain_per_hour"]))
    finally:
        rig.close(bool(result.failures))

    # Ambiguous authors: forms that used to pass for the reporter must not touch the reporter's ticket.
    result.cases += 1
    log(" abuse: ambiguous authors")
    rig = Rig(args.bin, "ambiguous", args.keep, servers=False)
    try:
        victim = "kate@victim.example.edu"
        ingest_dir(rig, [forged_report(70000, victim)], "kate")
        ref, subject = rig.query("SELECT ref, subject FROM ticket")[0]
        answer_id = rig.scalar("SELECT messageID FROM outbox ORDER BY id LIMIT 1").strip("<>")
        before = rig.query("SELECT field, value, current FROM fieldValue ORDER BY id")
        forms = ["%s, mallory@evil.example" % victim, "undisclosed-recipients:;", "<@evil.example:%s>" % victim,
                 "\u212aate@victim.example.edu", "Kate <%s>\r\nFrom: <%s>" % (victim, victim)]
        for i, form in enumerate(forms):
            attack = "\r\n".join([
                "Message-ID: <ambiguous-%d@evil.example>" % i, "Date: " + mailgen.DATE, "From: " + form,
                "Sender: " + victim, "To: helpdesk@example.com", "Subject: Re: [%s] %s" % (ref, subject),
                "In-Reply-To: <%s>" % answer_id, "Content-Type: text/plain; charset=UTF-8", "",
                "Session ID: EVIL-SESSION-%d" % i, "Server: https://evil.example", ""]).encode("utf-8")
            ingest_dir(rig, [attack], "ambiguous%d" % i)
        after = rig.query("SELECT field, value, current FROM fieldValue WHERE ticketId = (SELECT id FROM ticket WHERE ref = ?) ORDER BY id", (ref,))
        result.check(after == before, "ambiguous author changed %s: %s" % (ref, after))
        filed = rig.scalar("SELECT COUNT(*) FROM message WHERE messageID LIKE 'ambiguous-%' AND ticketId = (SELECT id FROM ticket WHERE ref = ?)", (ref,))
        result.check(filed == 0, "ambiguous author: %d messages filed on %s" % (filed, ref))
        result.note("ambiguous authors: %d forms (two From mailboxes, empty group + Sender, route, Kelvin sign, two From "
                    "fields) -> %s unchanged, %d tickets of their own" % (len(forms), ref, rig.scalar("SELECT COUNT(*) FROM ticket") - 1))
    finally:
        rig.close(bool(result.failures))

    # A reply quoting another customer's ticket: it must not read or change that ticket.
    result.cases += 1
    log(" abuse: stranger quoting a ticket")
    rig = Rig(args.bin, "stranger", args.keep, servers=False)
    try:
        alice = [m for m in mailgen.traffic(40, 3) if m.kind == "report"][0]
        ingest_dir(rig, [alice.raw], "alice")
        ref, subject = rig.query("SELECT ref, subject FROM ticket")[0]
        before = rig.query("SELECT field, value, current FROM fieldValue ORDER BY id")
        status_before = rig.scalar("SELECT status FROM ticket WHERE ref = ?", (ref,))
        answer_id = rig.scalar("SELECT messageID FROM outbox ORDER BY id LIMIT 1")
        secret = rig.scalar("SELECT value FROM fieldValue WHERE field = 'session_id'")
        evil = "\r\n".join([
            "Message-ID: <stranger-1@evil.example>",
            "Date: " + mailgen.DATE,
            "From: Mallory <mallory@evil.example>",
            "To: helpdesk@example.com",
            "Subject: Re: [%s] %s" % (ref, subject),
            "In-Reply-To: <%s>" % answer_id.strip("<>"),
            "References: %s <%s>" % (alice.message_id, answer_id.strip("<>")),
            "Content-Type: text/plain; charset=UTF-8",
            "",
            "Please correct the data on this ticket and send me everything you have.",
            "Session ID: EVIL-SESSION-0000",
            "User ID: evil",
            "Server: https://evil.example",
            "",
        ]).encode()
        ingest_dir(rig, [evil], "mallory")
        after = rig.query("SELECT field, value, current FROM fieldValue WHERE ticketId = (SELECT id FROM ticket WHERE ref = ?) ORDER BY id", (ref,))
        result.check(after == before, "stranger: %s's fields changed: %s" % (ref, after))
        result.check(rig.scalar("SELECT status FROM ticket WHERE ref = ?", (ref,)) == status_before, "stranger: status changed")
        on_alice = rig.scalar("SELECT COUNT(*) FROM message WHERE messageID = 'stranger-1@evil.example' AND ticketId = (SELECT id FROM ticket WHERE ref = ?)", (ref,))
        result.check(on_alice == 0, "stranger: the stranger's message was filed on %s" % ref)
        to_mallory = rig.query("SELECT raw FROM outbox WHERE recipient = 'mallory@evil.example'")
        # What the stranger wrote comes back in References (their own bytes); the rest must not name the ticket.
        def shown(raw):
            head, _, body = raw.partition(b"\r\n\r\n")
            head = re.sub(rb"\r\n[ \t]", b" ", head)
            return b"\r\n".join(l for l in head.split(b"\r\n") if not l.lower().startswith((b"references:", b"in-reply-to:"))) + body
        leaked = [r for (r,) in to_mallory if ref.encode() in shown(r) or (secret and secret.encode() in r)]
        result.check(not leaked, "stranger: an answer to the stranger names %s or its data" % ref)
        result.check(rig.scalar("SELECT COUNT(*) FROM ticket") == 2, "stranger: no ticket of their own")
        result.note("stranger quoting %s: %s unchanged, own ticket opened, %d answer(s) to the stranger, none naming %s"
                    % (ref, ref, len(to_mallory), ref))
    finally:
        rig.close(bool(result.failures))


# ---------------------------------------------------------------------------------------------------------


SUITES = {"crash": crash_suite, "outage": outage_suite, "hostile": hostile_suite, "abuse": abuse_suite}


def table(results, args, wall):
    lines = [
        "| suite | cases | failures | worst time | worst memory | duplicates | losses |",
        "| --- | ---: | ---: | --- | --- | ---: | ---: |",
    ]
    for r in results:
        lines.append("| %s | %d | %d | %.1f s (%s) | %.0f MB (%s) | %d | %d |" % (
            r.suite, r.cases, len(r.failures), r.worst_seconds, r.worst_case, r.worst_rss_kb / 1024,
            r.worst_rss_case, r.duplicates, r.losses))
    text = "# Torture results (%s)\n\n" % ("short" if args.short else "full")
    text += "`%s`, %s, wall time %.0f s, seed %d.\n\n" % (
        " ".join(["Tests/Torture/torture.py"] + (["--short"] if args.short else [])),
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), wall, args.seed)
    text += "\n".join(lines) + "\n\n## Details\n\n"
    for r in results:
        for n in r.notes:
            text += "- %s: %s\n" % (r.suite, n)
        for f in r.failures:
            text += "- %s: **FAIL** %s\n" % (r.suite, f)
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True, help="the helpdeskd binary (release for the full run)")
    parser.add_argument("--short", action="store_true", help="the quick version for make test")
    parser.add_argument("--suite", default="crash,outage,hostile,abuse")
    parser.add_argument("--emails", type=int)
    parser.add_argument("--kills", type=int)
    parser.add_argument("--crash-minutes", type=float, default=15)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--results", help="write the summary here (default: Tests/Torture/results.md for a full run)")
    parser.add_argument("--keep", action="store_true", help="keep the work directories")
    args = parser.parse_args()
    args.bin = os.path.abspath(args.bin)
    args.emails = args.emails or (30 if args.short else 1000)
    args.kills = args.kills or (10 if args.short else 200)
    if os.geteuid() != 0:
        sys.exit("torture.py: must run as root (Dovecot, tmpfs)")
    started = time.time()
    results = []
    for name in args.suite.split(","):
        log("== %s" % name)
        result = Result(name)
        try:
            SUITES[name](args, result)
        except Exception as error:
            result.check(False, "%s: harness error %r" % (name, error))
        finally:
            for rig in Rig.opened:
                rig.close(failed=True)
        results.append(result)
    text = table(results, args, time.time() - started)
    print()
    print(text)
    path = args.results or (None if args.short else os.path.join(HERE, "results.md"))
    if path:
        with open(path, "w") as out:
            out.write(text)
    sys.exit(1 if any(r.failures for r in results) else 0)


if __name__ == "__main__":
    main()
