#!/usr/bin/env python3
"""How long one scrape of the metrics endpoint takes while other clients hold connections open.

    bench/metrics_scrape.py BINARY [--idle 10] [--rounds 5]

Starts `BINARY run` with `[metrics] listen` on a free loopback port (its IMAP and SMTP servers point at
closed loopback ports: the daemon only logs that it cannot poll), opens `--idle` connections that send
nothing, plus the same number that dribble one byte of a request line every 200 ms, and times a complete
`GET /metrics` (connect to the last byte) `--rounds` times for each case, with fresh other clients each
round. Prints one line per case with the median and the worst time. Everything stays on 127.0.0.1 and
stops by itself.
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(port, timeout=60):
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    elapsed = time.monotonic() - started
    if not data.startswith(b"HTTP/1.1 200") or b"helpdeskd_tickets" not in data:
        raise RuntimeError("unexpected answer: %r" % data[:200])
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--idle", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="metrics-scrape-")
    state = os.path.join(work, "state")
    os.mkdir(state, 0o700)
    secret = os.path.join(work, "imap.secret")
    with open(os.open(secret, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.write("unused\n")
    port = free_port()
    config = os.path.join(work, "helpdeskd.toml")
    with open(config, "w") as f:
        f.write(
            '[helpdesk]\naddress = "helpdesk@example.com"\nstate_directory = "%s"\n'
            '[imap]\nurl = "imap://127.0.0.1:%d/INBOX"\npassword_file = "%s"\nallow_plaintext = true\n'
            'poll_interval = "1h"\nidle = false\n'
            '[smtp]\nurl = "smtp://127.0.0.1:%d"\ntls = "none"\n'
            '[password_reset]\nurl = "https://example.com/reset"\n'
            '[metrics]\nlisten = "127.0.0.1:%d"\n' % (state, free_port(), secret, free_port(), port))
    log = open(os.path.join(work, "daemon.log"), "wb")
    daemon = subprocess.Popen([args.binary, "run", "--config", config], stdout=log, stderr=log,
                              stdin=subprocess.DEVNULL)
    stop = threading.Event()
    held = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                scrape(port, timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or daemon.poll() is not None:
                    sys.exit("the metrics endpoint did not come up; see " + log.name)
                time.sleep(0.1)

        def measure(name, hold):
            """`hold()` opens this round's other clients; each round gets fresh ones."""
            times = []
            for _ in range(args.rounds):
                others = hold()
                held.extend(others)
                time.sleep(0.2)  # the server has accepted them before the scrape connects
                times.append(scrape(port))
                for sock in others:
                    sock.close()
            print("%-34s median %7.1f ms  worst %7.1f ms" % (name, statistics.median(times) * 1000,
                                                               max(times) * 1000))

        def idle():
            return [socket.create_connection(("127.0.0.1", port)) for _ in range(args.idle)]

        def dribble(sock):
            request = b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 100000
            for byte in request:
                if stop.is_set():
                    return
                try:
                    sock.send(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.2)

        def idle_and_dribbling():
            slow = idle()
            for sock in slow:
                threading.Thread(target=dribble, args=(sock,), daemon=True).start()
            return idle() + slow

        measure("no other client", lambda: [])
        measure("%d idle connections" % args.idle, idle)
        measure("%d idle + %d dribbling" % (args.idle, args.idle), idle_and_dribbling)
    finally:
        stop.set()
        for sock in held:
            sock.close()
        daemon.terminate()
        try:
            daemon.wait(10)
        except subprocess.TimeoutExpired:
            daemon.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
