#!/usr/bin/env python3
"""Turns the benchmark results into the Markdown table of `make bench` (used by bench/bench.sh).

    report.py --system .build-bench/system-results.json --parse .build-bench/parse-results.jsonl
              --helpdeskd BIN [--elapsed SECONDS] [--results-md bench/results.md]

Prints the report; with --results-md also writes it into that file under a heading for today's date
and this machine, replacing a section with the same heading and appending otherwise.
"""

import argparse
import json
import os
import re
import subprocess
import time

PREAMBLE = """# Benchmark results (`make bench`)

`bench/bench.sh` (or `make bench`) writes a section here per day and machine; a re-run on the same day
and machine replaces its section. See bench/README.md for what is measured and how. The parse benchmark's
own, fuller record is bench/results-parse.md.
"""


def fmt(value, digits=1):
    if value is None:
        return "—"
    if isinstance(value, (int, float)) and abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def verdict(ok):
    return "—" if ok is None else ("**met**" if ok else "**missed**")


def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return cpu, os.cpu_count()


def parse_rows(path):
    rows = []
    if path and os.path.exists(path):
        with open(path) as f:
            rows = [json.loads(line) for line in f if line.strip()]
    lines = []
    for subset in ("attachments", "text"):
        by = {r["parser"]: r for r in rows if r.get("subset") == subset and "skipped" not in r}
        hd = by.get("helpdeskd")
        if not hd:
            continue
        peers = ", ".join(f"{p} {fmt(r['mb_per_s'])} ({hd['mb_per_s'] / r['mb_per_s']:.2f}×)"
                          for p, r in by.items() if p != "helpdeskd")
        gmime = by.get("gmime")
        lines.append(f"| parse, {subset} subset (bench/parse.sh) | MB/s (messages/s) | {fmt(hd['mb_per_s'])} "
                     f"({fmt(hd['messages_per_s'], 0)}) | {peers} | above GMime | "
                     f"{verdict(None if gmime is None else hd['mb_per_s'] > gmime['mb_per_s'])} |")
    return lines


def delay(d):
    if not d or not d.get("n"):
        return "—"
    return f"{d['p50'] * 1000:.0f} ms / {d['p99'] * 1000:.0f} ms"


def build(system, parse_path):
    lines = ["| benchmark | measure | helpdeskd | peer (helpdeskd/peer) | target | result |",
             "| --- | --- | ---: | --- | --- | --- |"]
    lines += parse_rows(parse_path)
    ing = system.get("ingest")
    if ing:
        lines.append(f"| ingest {ing['emails']:,} emails from files (`helpdeskd ingest`) | emails/s (MB/s) | "
                     f"{fmt(ing['emails_per_s'])} ({fmt(ing['mb_per_s'])}) | first 1,000: {fmt(ing['first_batch_per_s'])}/s, "
                     f"last 1,000: {fmt(ing['last_batch_per_s'])}/s | — | — |")
        lines.append(f"| ingest: store size | MB after {ing['emails']:,} emails ({fmt(ing['input_mb'])} MB of mail) | "
                     f"{fmt(ing['db_mb'])} | — | — | — |")
    hd, py = system.get("e2e_helpdeskd"), system.get("e2e_python")
    sub = system.get("e2e_helpdeskd_subset")
    if hd:
        ok = hd["emails_per_s"] >= 200 and hd["all_answers_delivered"]
        peer = "—"
        if py and py["emails"] == hd["emails"]:
            peer = f"python_helpdesk.py {fmt(py['emails_per_s'])} ({hd['emails_per_s'] / py['emails_per_s']:.2f}×)"
        elif py:
            peer = "see the next row"
        lines.append(f"| end to end {hd['emails']:,} emails: Dovecot → store → SMTP sink (`run --once`) | emails/s, "
                     f"every answer delivered | {fmt(hd['emails_per_s'])} | {peer} | ≥ 200/s with answers | {verdict(ok)} |")
    if sub and py:
        ok = sub["emails_per_s"] >= 200 and sub["all_answers_delivered"]
        lines.append(f"| end to end, the first {sub['emails']:,} emails (both get the same mailbox) | emails/s, every "
                     f"answer delivered | {fmt(sub['emails_per_s'])} | python_helpdesk.py {fmt(py['emails_per_s'])} "
                     f"({sub['emails_per_s'] / py['emails_per_s']:.2f}×) | ≥ 200/s with answers | {verdict(ok)} |")
    ah, ap = system.get("ack_helpdeskd"), system.get("ack_python")
    if ah:
        rate = f"{ah['rate_per_s']:g}/s for {ah['seconds']} s"
        lines.append(f"| ack delay, {rate}: Maildir file → answer in sink | p50 / p99 | {delay(ah['delay_from_landing_s'])} "
                     f"| {delay(ap['delay_from_landing_s']) if ap else '—'} | — | — |")
        p50 = ah["delay_from_poll_s"].get("p50")
        lines.append(f"| ack delay, {rate}: poller took it → answer in sink | p50 / p99 | {delay(ah['delay_from_poll_s'])} "
                     f"| {delay(ap['delay_from_poll_s']) if ap else '—'} | < 1 s p50 | "
                     f"{verdict(None if p50 is None else p50 < 1)} |")
    mem = system.get("memory")
    if mem:
        h = mem["huge"]
        lines.append(f"| memory: ingest one {h['mb']:.0f} MB email | peak RSS MB | {fmt(h['ingest_peak_rss_mb'])} | "
                     f"(parse only: {fmt(h['parse_peak_rss_mb'])}) | < {fmt(h['target_mb'])} (3× + 50) | "
                     f"{verdict(h['ingest_peak_rss_mb'] < h['target_mb'] and h['exit'] == 0)} |")
        worst = max(mem["hostile"], key=lambda r: max(r["parse_peak_rss_mb"], r["ingest_peak_rss_mb"]))
        largest = max(r["mb"] for r in mem["hostile"])
        target = 3 * largest + 50
        peak = max(max(r["parse_peak_rss_mb"], r["ingest_peak_rss_mb"]) for r in mem["hostile"])
        lines.append(f"| memory: hostile corpus ({len(mem['hostile'])} files, largest {largest:.1f} MB) | peak RSS MB, "
                     f"parse or ingest | {fmt(peak)} ({worst['file']}) | — | < {target:.0f} (3× + 50) | "
                     f"{verdict(peak < target)} |")
    if ah:
        lines.append(f"| memory: daemon 7 s after the trickle drained | VmRSS MB (peak VmHWM) | {fmt(ah['idle_rss_mb'])} "
                     f"({fmt(ah['peak_rss_mb'])}) | python_helpdesk.py {fmt(ap['idle_rss_mb']) if ap else '—'} | — | — |")
        if ah.get("rest_rss_mb") is not None:
            idle = ah["rest_rss_mb"]
            lines.append(f"| memory: idle daemon, 20 s without mail | VmRSS MB | {fmt(idle)} | python_helpdesk.py "
                         f"{fmt(ap.get('rest_rss_mb')) if ap else '—'} | < 30 | {verdict(idle < 30)} |")
    return lines


def details(system):
    out = []
    c = system.get("corpus")
    if c:
        kinds = ", ".join(f"{v:,} {k}" for k, v in sorted(c["kinds"].items(), key=lambda kv: -kv[1]))
        out.append(f"- mail (bench/mailgen.py, seed {c['seed']}): {c['messages']:,} emails, {c['bytes'] / 1e6:.0f} MB: "
                   f"{kinds}")
    ing = system.get("ingest")
    if ing:
        cpu = ""
        if "cpu_ms_per_email" in ing:
            cpu = (f"; CPU (user + system) {ing['cpu_ms_per_email']} ms per email, first 1,000 "
                   f"{ing['first_batch_cpu_ms']} ms, last 1,000 {ing['last_batch_cpu_ms']} ms")
        out.append(f"- ingest: {ing['seconds']} s in batches of 1,000 files (one process each){cpu}; tickets "
                   f"{ing['tickets']}; outbox {ing['outbox']}")
    for key, name in (("e2e_helpdeskd", "helpdeskd run --once"), ("e2e_helpdeskd_subset", "helpdeskd run --once"),
                      ("e2e_python", "python_helpdesk.py --once")):
        e = system.get(key)
        if e:
            extra = f"; outbox {e['outbox']}" if "outbox" in e else ""
            if "cpu_ms_per_email" in e:
                extra += f"; its CPU (user + system) {e['cpu_ms_per_email']} ms per email"
            out.append(f"- end to end, {name}, {e['emails']:,} emails: {e['seconds']} s, {e['answers_delivered']:,} answers in the sink, "
                       f"{e['inbox_left']} left in INBOX{extra}; store {e['db_mb']} MB")
    for key, name in (("ack_helpdeskd", "helpdeskd run"), ("ack_python", "python_helpdesk.py --poll 1")):
        a = system.get(key)
        if a:
            out.append(f"- ack delay, {name}: {a['answered']} of {a['emails']} answered; from landing "
                       f"{a['delay_from_landing_s']}; from the poll {a['delay_from_poll_s']}")
            for when, key in (("7 s after the drain", "idle"), ("20 s without mail", "rest")):
                if a.get(f"{key}_rss_anon_mb") is not None:
                    out.append(f"- {name}, {when}: VmRSS {a[f'{key}_rss_mb']} MB = {a[f'{key}_rss_anon_mb']} MB "
                               f"anonymous (heap, stacks) + {a[f'{key}_rss_file_mb']} MB of mapped files (binary, "
                               f"shared libraries)")
    mem = system.get("memory")
    if mem:
        out.append("- memory, hostile corpus (peak RSS MB; exit status 0 unless noted):")
        for r in mem["hostile"]:
            notes = "".join(f" {k} {r[k]}" for k in ("parse_exit", "ingest_exit") if r[k] != 0)
            out.append(f"  - {r['file']} ({r['mb']} MB): parse {r['parse_peak_rss_mb']} ({r['parse_seconds']} s), "
                       f"ingest {r['ingest_peak_rss_mb']} ({r['ingest_seconds']} s){notes}")
    loads = []
    for key in ("ingest", "e2e_helpdeskd", "e2e_helpdeskd_subset", "e2e_python", "ack_helpdeskd", "ack_python"):
        if key in system:
            loads.append(f"{key} {system[key]['loadavg'][0]:.1f}→{system[key]['loadavg'][1]:.1f}")
    if loads:
        out.append("- load average (1 min) at start → end of each phase: " + ", ".join(loads))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--system", required=True)
    ap.add_argument("--parse")
    ap.add_argument("--helpdeskd", default="")
    ap.add_argument("--elapsed", type=int)
    ap.add_argument("--results-md", default="")
    args = ap.parse_args()
    system = json.load(open(args.system)) if os.path.exists(args.system) else {}
    cpu, cores = machine()
    heading = f"{time.strftime('%Y-%m-%d', time.gmtime())} — {cpu}, {cores} cores"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    version = ""
    if args.helpdeskd:
        version = subprocess.run([args.helpdeskd, "--version"], capture_output=True, text=True).stdout.strip()
    meta = [f"- command: `make bench` (bench/bench.sh), as root; commit {commit or 'unknown'}, helpdeskd {version}",
            f"- machine: {cores} cores, {cpu}; {system.get('started', '?')} – {system.get('finished', '?')}"
            + (f", {args.elapsed // 60} min {args.elapsed % 60} s in all" if args.elapsed else ""),
            "- bench configuration: `poll_interval = \"1s\"`, answer caps raised to their maximum (per address 10,000 per "
            "hour and 100,000 per day, 1,000,000 in all per hour, 100 information requests per ticket per day) so that "
            "no answer is suppressed by a cap; OCR "
            + ("on" if os.environ.get("BENCH_OCR") == "on" else "off (measured apart in results-ocr.md)")
            + "; everything else as shipped"]
    if args.parse and os.path.exists(args.parse):
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(args.parse)))
        meta.append(f"- parse rows: bench/parse.sh as recorded in bench/results-parse.md, run finished {when}")
    body = "\n".join(meta) + "\n\n" + "\n".join(build(system, args.parse)) + "\n\n" + "\n".join(details(system)) + "\n"
    print(f"### {heading}\n\n{body}")
    if args.results_md:
        text = open(args.results_md).read() if os.path.exists(args.results_md) else PREAMBLE
        section = f"## {heading}\n\n{body}"
        pattern = re.compile(r"^## " + re.escape(heading) + r"\n.*?(?=^## |\Z)", re.S | re.M)
        if pattern.search(text):
            text = pattern.sub(lambda _: section + "\n", text).rstrip("\n") + "\n"
        else:
            text = text.rstrip("\n") + "\n\n" + section
        with open(args.results_md, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
