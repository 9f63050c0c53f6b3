#!/usr/bin/env python3
"""The ingest, end-to-end, acknowledgement-delay and memory benchmarks (bench/README.md).

    bench/system.py --helpdeskd BIN [--only ingest,e2e,ack,memory] [--messages 10000]

Run by bench/bench.sh (make bench) after the parse benchmark; needs root (Dovecot), the Debian
packages of `make deps` and /usr/bin/time. Work goes to .build-bench/system/ (rebuilt per run; the
mail corpus in .build-bench/mail/ is reused while bench/mailgen.py and its arguments are unchanged).
Writes .build-bench/system-results.json; bench/report.py turns it into the table.
"""

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, ".build-bench")
WORK = os.path.join(OUT, "system")
SERVERS = os.path.join(ROOT, "Tests", "Servers")
PEER = os.path.join(ROOT, "bench", "peers", "python_helpdesk.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, with python3-aiosmtpd for the sink
NOBODY = (65534, 65534)


def say(*args):
    print(*args, file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


# --- corpus ---------------------------------------------------------------------------------------

def corpus(kind, messages, seed=42):
    """Generates (or reuses) a corpus; returns its directory."""
    gen = os.path.join(ROOT, "bench", "mailgen.py")
    digest = hashlib.sha256(open(gen, "rb").read() + open(os.path.join(ROOT, "bench", "corpus.py"), "rb").read())
    args = {"mail": ["--messages", str(messages), "--seed", str(seed)], "huge": ["--huge", "50"],
            "hostile": ["--hostile"]}[kind]
    directory = os.path.join(OUT, "mail" if kind == "mail" else kind)
    stamp = f"{digest.hexdigest()} {' '.join(args)}"
    stamp_file = os.path.join(directory, ".stamp")
    if os.path.exists(stamp_file) and open(stamp_file).read() == stamp:
        return directory
    say(f"  generating {kind} corpus into {directory}")
    shutil.rmtree(directory, ignore_errors=True)
    subprocess.run([sys.executable, gen, directory] + args, check=True, stdout=subprocess.DEVNULL)
    with open(stamp_file, "w") as f:
        f.write(stamp)
    return directory


def mail_files(directory):
    return sorted(os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".eml"))


# --- servers and configuration --------------------------------------------------------------------

class Servers:
    """A throw-away Dovecot and SMTP sink in WORK/name."""

    def __init__(self, name):
        self.dir = os.path.join(WORK, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        os.chmod(self.dir, 0o755)
        self.dovecot = os.path.join(self.dir, "dovecot")
        os.makedirs(self.dovecot, exist_ok=True)
        self.imap_port, self.smtp_port = free_port(), free_port()
        subprocess.run([os.path.join(SERVERS, "dovecot.sh"), "start", self.dovecot, str(self.imap_port)], check=True,
                       stdout=subprocess.DEVNULL)
        self.sink = os.path.join(self.dir, "sink")
        self.sink_log = open(os.path.join(self.dir, "sink.log"), "w")
        self.sink_proc = subprocess.Popen([SYSTEM_PYTHON, os.path.join(SERVERS, "smtp_sink.py"), "--dir", self.sink,
                                           "--port", str(self.smtp_port)], stdout=self.sink_log, stderr=self.sink_log)
        wait_port(self.smtp_port)
        self.maildir = os.path.join(self.dovecot, "home", "Maildir")
        self.delivered = 0

    def seed(self, files):
        """Puts mail into INBOX as a delivery agent would (new/, zero-padded names, owned by nobody)."""
        new = os.path.join(self.maildir, "new")
        for path in files:
            self.delivered += 1
            target = os.path.join(new, f"{self.delivered:010d}.bench:2,")
            shutil.copyfile(path, target)
            os.chown(target, *NOBODY)

    def deliver(self, path):
        """One message, atomically (tmp/ then rename into new/); returns the time it landed."""
        self.delivered += 1
        name = f"{self.delivered:010d}.bench:2,"
        tmp = os.path.join(self.maildir, "tmp", name)
        shutil.copyfile(path, tmp)
        os.chown(tmp, *NOBODY)
        os.rename(tmp, os.path.join(self.maildir, "new", name))
        return time.time()

    def answers(self):
        new = os.path.join(self.sink, "maildir", "new")
        return sorted(os.path.join(new, f) for f in os.listdir(new)) if os.path.isdir(new) else []

    def inbox_left(self):
        return sum(len(os.listdir(os.path.join(self.maildir, d))) for d in ("new", "cur"))

    def stop(self):
        self.sink_proc.send_signal(signal.SIGTERM)
        try:
            self.sink_proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.sink_proc.kill()
        subprocess.run([os.path.join(SERVERS, "dovecot.sh"), "stop", self.dovecot, "--now"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


def write_config(name, servers=None):
    """A bench configuration: answer caps raised so that no answer is suppressed by them."""
    etc = os.path.join(WORK, name, "etc")
    os.makedirs(etc, exist_ok=True)
    os.chmod(etc, 0o700)
    secret = os.path.join(etc, "imap.secret")
    with open(secret, "w") as f:
        f.write("helpdesk-secret")
    os.chmod(secret, 0o600)
    imap_port = servers.imap_port if servers else 1
    smtp_port = servers.smtp_port if servers else 1
    config = os.path.join(etc, "helpdeskd.toml")
    with open(config, "w") as f:
        f.write(f"""[helpdesk]
address = "helpdesk@example.com"
name = "Example Helpdesk"
state_directory = "{os.path.join(WORK, name, 'state')}"
[imap]
url = "imap://127.0.0.1:{imap_port}/INBOX"
user = "helpdesk"
password_file = "{secret}"
allow_plaintext = true
poll_interval = "1s"
[smtp]
url = "smtp://127.0.0.1:{smtp_port}"
tls = "none"
[password_reset]
url = "https://proctor.example.edu/reset-password"
# Benchmark only: the caps are raised to their maximum so that every answer is sent (defaults: 10, 40, 500, 1).
[rate_limits]
per_address_per_hour = 10000
per_address_per_day = 100000
global_per_hour = 1000000
per_domain_per_hour = 1000000
information_requests_per_ticket_per_day = 100
# OCR off: the generated screenshots are noise, and reading them would measure Tesseract, not the pipeline.
# bench/ocr.py measures OCR per screenshot (results-ocr.md); BENCH_OCR=on runs these rows with it.
[ocr]
enabled = {"true" if os.environ.get("BENCH_OCR") == "on" else "false"}
[log]
level = "info"
""")
    return config


def db_path(name):
    return os.path.join(WORK, name, "state", "helpdeskd.sqlite")


def db_size(path):
    return sum(os.path.getsize(path + suffix) for suffix in ("", "-wal", "-shm") if os.path.exists(path + suffix))


def outbox_status(path):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return dict(db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall())


def ticket_status(path):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return dict(db.execute("SELECT status, COUNT(*) FROM ticket GROUP BY status").fetchall())


# --- benchmarks -----------------------------------------------------------------------------------

def children_cpu():
    """CPU seconds (user + system) used so far by finished child processes: a measure contention does not inflate."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_ingest(hd, files, batch=1000):
    """helpdeskd ingest, in batches of 1,000 files (one process each) into one growing store."""
    config = write_config("ingest")
    db = db_path("ingest")
    log = open(os.path.join(WORK, "ingest", "ingest.log"), "w")
    batches, cpu = [], []
    load = [loadavg()]
    for start in range(0, len(files), batch):
        chunk = files[start:start + batch]
        t0, c0 = time.perf_counter(), children_cpu()
        subprocess.run([hd, "ingest", "--config", config] + chunk, check=True, stdout=log, stderr=log)
        batches.append(time.perf_counter() - t0)
        cpu.append(children_cpu() - c0)
        say(f"  ingest {start + len(chunk)}/{len(files)}: {len(chunk) / batches[-1]:.0f} emails/s, "
            f"{cpu[-1] * 1000 / len(chunk):.1f} ms CPU per email")
    load.append(loadavg())
    total = sum(batches)
    mb = sum(os.path.getsize(f) for f in files) / 1e6
    return {
        "emails": len(files), "seconds": round(total, 2), "emails_per_s": round(len(files) / total, 1),
        "mb_per_s": round(mb / total, 1), "input_mb": round(mb, 1),
        "first_batch_per_s": round(batch / batches[0], 1), "last_batch_per_s": round(len(files[-batch:]) / batches[-1], 1),
        "cpu_ms_per_email": round(sum(cpu) * 1000 / len(files), 2),
        "first_batch_cpu_ms": round(cpu[0] * 1000 / batch, 2), "last_batch_cpu_ms": round(cpu[-1] * 1000 / batch, 2),
        "db_mb": round(db_size(db) / 1e6, 1), "tickets": ticket_status(db), "outbox": outbox_status(db),
        "loadavg": load,
    }


def bench_e2e_helpdeskd(hd, files):
    servers = Servers("e2e-helpdeskd")
    try:
        servers.seed(files)
        config = write_config("e2e-helpdeskd", servers)
        log = open(os.path.join(servers.dir, "helpdeskd.log"), "w")
        load = [loadavg()]
        t0, c0 = time.perf_counter(), children_cpu()
        subprocess.run([hd, "run", "--once", "--config", config], check=True, stdout=log, stderr=log)
        seconds = time.perf_counter() - t0
        cpu = children_cpu() - c0
        load.append(loadavg())
        db = db_path("e2e-helpdeskd")
        outbox = outbox_status(db)
        answers = len(servers.answers())
        return {
            "emails": len(files), "seconds": round(seconds, 2), "emails_per_s": round(len(files) / seconds, 1),
            "answers_delivered": answers, "outbox": outbox, "inbox_left": servers.inbox_left(),
            "all_answers_delivered": outbox.get("queued", 0) == 0 and answers == outbox.get("sent", 0),
            "cpu_ms_per_email": round(cpu * 1000 / len(files), 2),
            "db_mb": round(db_size(db) / 1e6, 1), "loadavg": load,
        }
    finally:
        servers.stop()


def bench_e2e_python(files):
    servers = Servers("e2e-python")
    try:
        servers.seed(files)
        db = os.path.join(servers.dir, "peer.sqlite")
        log = open(os.path.join(servers.dir, "peer.log"), "w")
        load = [loadavg()]
        t0, c0 = time.perf_counter(), children_cpu()
        subprocess.run([SYSTEM_PYTHON, PEER, "--imap-port", str(servers.imap_port), "--smtp-port",
                        str(servers.smtp_port), "--db", db, "--once"], check=True, stdout=log, stderr=log)
        seconds = time.perf_counter() - t0
        cpu = children_cpu() - c0
        load.append(loadavg())
        return {
            "emails": len(files), "seconds": round(seconds, 2), "emails_per_s": round(len(files) / seconds, 1),
            "answers_delivered": len(servers.answers()), "inbox_left": servers.inbox_left(),
            "cpu_ms_per_email": round(cpu * 1000 / len(files), 2),
            "db_mb": round(db_size(db) / 1e6, 1), "loadavg": load,
        }
    finally:
        servers.stop()


class StampedLines:
    """Reads a process's output line by line and keeps (arrival time, line)."""

    def __init__(self, stream, copy_to):
        self.lines = []
        self.copy_to = copy_to
        self.thread = threading.Thread(target=self._run, args=(stream,), daemon=True)
        self.thread.start()

    def _run(self, stream):
        for line in iter(stream.readline, b""):
            now = time.time()
            text = line.decode("utf-8", "replace").rstrip("\n")
            self.lines.append((now, text))
            self.copy_to.write(f"{now:.6f} {text}\n")
            self.copy_to.flush()


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values):
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50": round(percentile(values, 50), 3), "p99": round(percentile(values, 99), 3),
            "max": round(max(values), 3), "mean": round(statistics.mean(values), 3)}


def header_value(raw, name):
    match = re.search(rb"^" + name.encode() + rb":[ \t]*(.*(?:\r?\n[ \t].*)*)", raw, re.IGNORECASE | re.MULTILINE)
    return re.sub(rb"\s+", b" ", match.group(1)).strip().decode("utf-8", "replace") if match else None


def vm(pid):
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                values[key] = round(int(value.split()[0]) / 1024, 1)
    return values


def bench_ack(hd, files, who, rate=5.0, seconds=60):
    """A daemon running; `rate` emails/s land in the Maildir for `seconds`; time until each answer is in the sink."""
    servers = Servers(f"ack-{who}")
    proc = None
    try:
        log = open(os.path.join(servers.dir, f"{who}.log"), "w")
        if who == "helpdeskd":
            config = write_config(f"ack-{who}", servers)
            proc = subprocess.Popen([hd, "run", "--config", config], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        else:
            db = os.path.join(servers.dir, "peer.sqlite")
            proc = subprocess.Popen([SYSTEM_PYTHON, "-u", PEER, "--imap-port", str(servers.imap_port), "--smtp-port",
                                     str(servers.smtp_port), "--db", db, "--poll", "1", "--verbose"],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        stamped = StampedLines(proc.stdout, log)
        time.sleep(3)  # logged in, first (empty) poll done
        count = int(rate * seconds)
        landed = {}  # Message-ID -> (landing time, sequence number = IMAP UID in a fresh mailbox)
        load = [loadavg()]
        start = time.time()
        for n, path in enumerate(files[:count]):
            due = start + n / rate
            if due > time.time():
                time.sleep(due - time.time())
            raw = open(path, "rb").read(64 << 10)
            msgid = header_value(raw, "Message-ID")
            landed[msgid] = (servers.deliver(path), n + 1)
        load.append(loadavg())
        # Drain: wait until no new answer arrived for 5 s (at most 60 s).
        last, seen = time.time(), -1
        while time.time() - last < 5 and time.time() - start < seconds + 60:
            now_seen = len(servers.answers())
            if now_seen != seen:
                seen, last = now_seen, time.time()
            time.sleep(0.5)
        time.sleep(2)
        memory = vm(proc.pid)
        # At rest: helpdeskd gives back cached memory once no mail has come for 15 s (MailboxPoller.restAfter).
        time.sleep(max(0.0, last + 20 - time.time()))
        rest = vm(proc.pid)
        # When the poller took each message: helpdeskd logs "ingested"/"machine mail stored" with uid=N after the
        # commit; the peer prints "stored uid N" after its commit.
        taken = {}
        for at, line in stamped.lines:
            match = re.search(r"uid[=: ](\d+)", line)
            if match and ("ingested" in line or "stored" in line):
                taken.setdefault(int(match.group(1)), at)
        by_uid = {uid: msgid for msgid, (_, uid) in landed.items()}
        from_landing, from_poll = [], []
        answered = 0
        for path in servers.answers():
            raw = open(path, "rb").read(64 << 10)
            reply_to = header_value(raw, "In-Reply-To")
            if reply_to not in landed:
                continue
            answered += 1
            at = os.stat(path).st_mtime
            t_land, uid = landed.pop(reply_to)
            from_landing.append(at - t_land)
            if uid in taken:
                from_poll.append(at - taken[uid])
        return {
            "emails": count, "rate_per_s": rate, "seconds": seconds, "answered": answered,
            "delay_from_landing_s": summary(from_landing), "delay_from_poll_s": summary(from_poll),
            "idle_rss_mb": memory.get("VmRSS"), "peak_rss_mb": memory.get("VmHWM"),
            # VmRSS = anonymous memory (heap, stacks) + pages of mapped files (the binary, shared libraries).
            "idle_rss_anon_mb": memory.get("RssAnon"), "idle_rss_file_mb": memory.get("RssFile"), "loadavg": load,
            "rest_rss_mb": rest.get("VmRSS"), "rest_rss_anon_mb": rest.get("RssAnon"),
            "rest_rss_file_mb": rest.get("RssFile"),
            "by_uid_known": len(by_uid),
        }
    finally:
        if proc:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        servers.stop()


def max_rss(command):
    """Runs command under /usr/bin/time -v; returns (maximum resident set size in MB, seconds)."""
    t0 = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-v"] + command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - t0
    match = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    if result.returncode != 0:
        say(f"  note: exit {result.returncode}: {' '.join(command)}\n{result.stderr.decode()[-500:]}")
    return round(int(match.group(1)) / 1024, 1), round(seconds, 2), result.returncode


def bench_memory(hd):
    huge_dir = corpus("huge", 0)
    huge = mail_files(huge_dir)[0]
    config = write_config("memory")
    rss, secs, status = max_rss([hd, "ingest", "--config", config, huge])
    size_mb = os.path.getsize(huge) / 1e6
    out = {"huge": {"file": os.path.basename(huge), "mb": round(size_mb, 1), "ingest_peak_rss_mb": rss,
                    "seconds": secs, "exit": status, "target_mb": round(3 * size_mb + 50, 1)}}
    rss, secs, status = max_rss([hd, "parse", "--stats", huge])
    out["huge"]["parse_peak_rss_mb"] = rss
    hostile_dir = corpus("hostile", 0)
    rows = []
    for path in mail_files(hostile_dir):
        mb = os.path.getsize(path) / 1e6
        parse_rss, parse_secs, parse_status = max_rss([hd, "parse", "--stats", path])
        ingest_rss, ingest_secs, ingest_status = max_rss([hd, "ingest", "--config", config, path])
        rows.append({"file": os.path.basename(path), "mb": round(mb, 2), "parse_peak_rss_mb": parse_rss,
                     "parse_seconds": parse_secs, "parse_exit": parse_status, "ingest_peak_rss_mb": ingest_rss,
                     "ingest_seconds": ingest_secs, "ingest_exit": ingest_status,
                     "target_mb": round(3 * mb + 50, 1)})
        say(f"  {rows[-1]}")
    out["hostile"] = rows
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--helpdeskd", required=True)
    ap.add_argument("--only", default="ingest,e2e,ack,memory")
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--peer-messages", type=int, default=None,
                    help="end to end: how many of the emails the Python peer gets (default: all)")
    ap.add_argument("--ack-rate", type=float, default=5.0)
    ap.add_argument("--ack-seconds", type=int, default=60)
    ap.add_argument("--results", default=os.path.join(OUT, "system-results.json"))
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/system.py must run as root (Dovecot's master process must)")
    only = set(args.only.split(","))
    hd = os.path.abspath(args.helpdeskd)
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    # bench.sh removes the results before a run; a partial re-run (--only) adds to them.
    results = json.load(open(args.results)) if os.path.exists(args.results) else {}
    results.setdefault("started", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    mail = corpus("mail", args.messages)
    files = mail_files(mail)
    results["corpus"] = json.load(open(os.path.join(mail, ".manifest.json")))

    def save():
        with open(args.results, "w") as f:
            json.dump(results, f, indent=1)

    if "ingest" in only:
        say(f"== Ingest: {len(files)} emails into a new store (helpdeskd ingest)")
        results["ingest"] = bench_ingest(hd, files)
        say(f"  {results['ingest']}")
        save()
    if "e2e" in only:
        say(f"== End to end: {len(files)} emails, Dovecot -> helpdeskd run --once -> SMTP sink")
        results["e2e_helpdeskd"] = bench_e2e_helpdeskd(hd, files)
        say(f"  {results['e2e_helpdeskd']}")
        save()
    peer_files = files[:args.peer_messages] if args.peer_messages else files
    if "e2e" in only:
        say(f"== End to end: {len(peer_files)} emails, Dovecot -> python_helpdesk.py --once -> SMTP sink")
        results["e2e_python"] = bench_e2e_python(peer_files)
        say(f"  {results['e2e_python']}")
        save()
    if ("e2e" in only or "e2e-subset" in only) and len(peer_files) < len(files):
        # The same emails as the peer, in a mailbox of the same size: Dovecot's cost per message grows with it.
        say(f"== End to end: the peer's {len(peer_files)} emails, Dovecot -> helpdeskd run --once -> SMTP sink")
        results["e2e_helpdeskd_subset"] = bench_e2e_helpdeskd(hd, peer_files)
        say(f"  {results['e2e_helpdeskd_subset']}")
        save()
    if "ack" in only:
        for who in ("helpdeskd", "python"):
            say(f"== Acknowledgement delay: {who}, {args.ack_rate:g} emails/s for {args.ack_seconds} s")
            results[f"ack_{who}"] = bench_ack(hd, files, who, args.ack_rate, args.ack_seconds)
            say(f"  {results[f'ack_{who}']}")
            save()
    if "memory" in only:
        say("== Memory: one 50 MB email, hostile structures")
        results["memory"] = bench_memory(hd)
        save()
    results["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
