#!/usr/bin/env python3
"""The staff workspace under load: the queue and a ticket page with 10,000 tickets, 16 clients, intake running.

    bench/web.py --helpdeskd PATH [--tickets 10000] [--seconds 20] [--connections 16] [--results FILE]

1. generates mail with bench/mailgen.py (seed 42) until the store holds --tickets tickets (about 1.5
   emails per ticket: replies and machine mail open none) and ingests it with `helpdeskd ingest`;
2. starts `helpdeskd web` on the store, adds a staff account and logs in over HTTP (form, CSRF, cookie);
3. runs wrk (Debian's) with --connections clients for --seconds against `/` (the queue: counts, categories,
   the 200 most urgent of the open and suspended tickets) and `/tickets/HD-<middle>` (a ticket page: every
   email parsed again for its text and sources, an audit event written per view), each while another
   `helpdeskd ingest` process keeps adding emails to the same store (intake running);
4. prints a table and, with --results, writes it to a Markdown file.

Target (issue #19): p95 under 50 ms at 16 clients.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(ROOT, ".build-bench", "web")


def say(text):
    print(text, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ticket_count(hd, config):
    out = subprocess.run([hd, "status", "--config", config, "--json"], capture_output=True, text=True)
    try:
        return sum(json.loads(out.stdout)["tickets"].values())
    except (ValueError, KeyError):
        return 0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(base, user, password):
    """The session cookie, by the same form a browser posts."""
    with urllib.request.urlopen(base + "/login") as response:
        page = response.read().decode()
        login_cookie = response.headers["Set-Cookie"].split(";")[0]
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf": csrf, "next": "/", "username": user, "password": password}).encode()
    request = urllib.request.Request(base + "/login", data=data, headers={"Cookie": login_cookie})
    try:
        urllib.request.build_opener(NoRedirect).open(request)
    except urllib.error.HTTPError as error:
        for header in error.headers.get_all("Set-Cookie"):
            name_value = header.split(";")[0]
            if name_value.startswith("helpdeskd=") and name_value != "helpdeskd=":
                return name_value
    raise SystemExit("bench/web.py: login failed")


def wrk(url, cookie, seconds, connections):
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-H", f"Cookie: {cookie}",
         "-s", os.path.join(HERE, "wrk_percentiles.lua"), url], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--helpdeskd", required=True)
    ap.add_argument("--tickets", type=int, default=10000)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--results")
    ap.add_argument("--reuse-store", action="store_true", help="keep the last run's store if it is big enough")
    args = ap.parse_args()
    hd = os.path.abspath(args.helpdeskd)
    if shutil.which("wrk") is None:
        raise SystemExit("bench/web.py: wrk is missing (apt-get install wrk, or make deps)")

    os.makedirs(WORK, exist_ok=True)
    state = os.path.join(WORK, "state")
    config = os.path.join(WORK, "helpdeskd.toml")
    reuse = args.reuse_store and os.path.exists(config) and ticket_count(hd, config) >= args.tickets
    if not reuse:
        shutil.rmtree(state, ignore_errors=True)
        os.makedirs(state, mode=0o700)
    with open(config, "w") as f:
        # Answer caps raised (as in bench/system.py) so that intake does the same work for every email; the
        # session cookie without Secure because wrk speaks plain HTTP on loopback.
        f.write(f"""[helpdesk]
address = "helpdesk@example.com"
state_directory = "{state}"
[rate_limits]
per_address_per_hour = 10000
per_address_per_day = 100000
per_domain_per_hour = 1000000
global_per_hour = 1000000
information_requests_per_ticket_per_day = 100
[web]
secure_cookies = false
""")
    emails = int(args.tickets * 1.55) + 2000
    mail = os.path.join(WORK, f"mail-{emails}")
    if not os.path.isdir(mail):
        say(f"== Generating {emails} emails (bench/mailgen.py, seed 42)")
        subprocess.run([sys.executable, os.path.join(HERE, "mailgen.py"), mail, "--messages", str(emails)],
                       check=True, stdout=subprocess.DEVNULL)
    files = sorted(os.path.join(mail, name) for name in os.listdir(mail) if name.endswith(".eml"))
    say(f"== Ingesting until the store holds {args.tickets} tickets")
    used = 0
    if reuse:
        # The reused store took about this many emails; the intake during the runs takes the ones after them (an
        # email taken twice would only be a cheap duplicate).
        used = int(args.tickets * 1.55)
    log = open(os.path.join(WORK, "ingest.log"), "w")
    started = time.time()
    while ticket_count(hd, config) < args.tickets and used < len(files):
        subprocess.run([hd, "ingest", "--config", config] + files[used:used + 1000], check=True, stdout=log,
                       stderr=log)
        used += 1000
    tickets = ticket_count(hd, config)
    say(f"   {tickets} tickets from {used} emails in {time.time() - started:.0f} s")
    password_file = os.path.join(WORK, "staff.password")
    with open(password_file, "w") as f:
        f.write("bench password, long enough\n")
    if not reuse:
        subprocess.run([hd, "staff", "add", "bench", "--password-file", password_file, "--config", config],
                       check=True, stdout=subprocess.DEVNULL)

    port = free_port()
    web = subprocess.Popen([hd, "web", "--config", config, "--listen", f"127.0.0.1:{port}"],
                           stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    rows = []
    try:
        cookie = login(base, "bench", "bench password, long enough")
        middle = f"HD-{tickets // 2:06d}"
        for name, path in (("queue `/`", "/"), (f"ticket page `/tickets/{middle}`", f"/tickets/{middle}")):
            # One client and no intake first: what one request costs, for comparison with the loaded run.
            alone = wrk(base + path, cookie, 5, 1)
            # Intake running: another process ingests the emails not used yet, in the same store.
            rest = files[used:used + 1000]
            used += len(rest)
            intake = subprocess.Popen([hd, "ingest", "--config", config] + rest, stdout=log, stderr=log)
            load_before = os.getloadavg()[0]
            result = wrk(base + path, cookie, args.seconds, args.connections)
            result["loadavg"] = f"{load_before:.1f}–{os.getloadavg()[0]:.1f}"
            intake_done = intake.poll() is not None
            intake.wait()
            result.update({"alone_p50_ms": alone["p50_ms"], "page": name, "intake_emails": len(rest), "intake_finished_during_run": intake_done,
                           "requests_per_s": round(result["requests"] / result["seconds"], 1)})
            rows.append(result)
            say(f"   {name}: {result}")
    finally:
        web.terminate()
        web.wait()

    lines = [
        f"## {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} — {os.cpu_count()} cores",
        "",
        f"- command: `bench/web.py --helpdeskd {args.helpdeskd}`; {tickets:,} tickets in the store "
        f"(bench/mailgen.py mail); wrk, {args.connections} connections, {args.seconds} s per page, while "
        "`helpdeskd ingest` adds up to 1,000 further emails to the same store",
        "",
        "| page | 1 client alone, p50 | requests/s | p50 | p95 | p99 | max | errors | load average | target p95 < 50 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        verdict = "**met**" if row["p95_ms"] < 50 and row["errors"] == 0 else "**missed**"
        lines.append(f"| {row['page']} | {row['alone_p50_ms']:.1f} ms | {row['requests_per_s']:,} | {row['p50_ms']:.1f} ms | {row['p95_ms']:.1f} ms"
                     f" | {row['p99_ms']:.1f} ms | {row['max_ms']:.1f} ms | {row['errors']} | {row['loadavg']} | {verdict} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.results:
        header = "# Web workspace benchmark (`bench/web.py`, part of `make bench`)\n\n"
        previous = open(args.results).read() if os.path.exists(args.results) else header
        if not previous.startswith("# "):
            previous = header + previous
        with open(args.results, "w") as f:
            f.write(previous.rstrip("\n") + "\n\n" + table)


if __name__ == "__main__":
    main()
