#!/usr/bin/env python3
"""Turns the parse benchmark's best runs into a Markdown table (used by bench/parse.sh).

    report_parse.py RESULTS.jsonl MANIFEST.json [--results-md bench/results-parse.md]
                    [--heading TEXT] [--meta KEY=VALUE ...]
    report_parse.py --pick SUBSET RUN BEST_JSON NEW_JSON SLOW_SECONDS

RESULTS.jsonl holds one object per (subset, parser): the parser's own JSON line plus "subset",
"runs" (how many runs the best was taken from) and, for a row that could not run, "skipped"
(the reason). Prints the table; with --results-md also writes it into that file under a heading
for today's date and this machine, replacing a section with the same heading (so re-running on
the same day updates it) and appending otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

PARSER_ORDER = ["helpdeskd", "gmime", "fast-mail-parser", "python-email"]
SUBSET_ORDER = ["attachments", "text"]

RESULTS_PREAMBLE = """# Parse benchmark results

`bench/parse.sh` (or `make bench-parse`) appends a section here per day and machine; a re-run
on the same day and machine replaces its section. See bench/README.md for what is measured.
MB/s is 10^6 bytes of input per second; every parser parses the same in-memory messages; the
best of up to 3 runs is shown ("runs"). helpdeskd/peer > 1 means helpdeskd is faster.
"""


def fmt_int(n: int) -> str:
    return f"{n:,}"


def build_table(rows: list[dict], manifest: dict) -> tuple[str, list[str]]:
    notes: list[str] = []
    by_key = {(r["subset"], r["parser"]): r for r in rows}
    lines = ["| subset | parser | MB/s | messages/s | leaf parts | decoded bytes | helpdeskd/peer | runs |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    parsers = [p for p in PARSER_ORDER if any(r["parser"] == p for r in rows)]
    parsers += sorted({r["parser"] for r in rows} - set(parsers))
    subsets = [s for s in SUBSET_ORDER if any(r["subset"] == s for r in rows)]
    for subset in subsets:
        expected = manifest.get("subsets", {}).get(subset, {})
        hd = by_key.get((subset, "helpdeskd"))
        hd_rate = hd["mb_per_s"] if hd and "skipped" not in hd else None
        decoded_values = {r["decoded_bytes"] for p in parsers
                          if (r := by_key.get((subset, p))) and "skipped" not in r}
        for parser in parsers:
            r = by_key.get((subset, parser))
            if r is None:
                continue
            if "skipped" in r:
                lines.append(f"| {subset} | {parser} | — | — | — | — | — | skipped: {r['skipped']} |")
                continue
            leaf = fmt_int(r["leaf_parts"])
            if expected and r["leaf_parts"] != expected.get("leaf_parts"):
                leaf += " ‡"
                notes.append(f"‡ {parser} on {subset}: {r['leaf_parts']:,} leaf parts, the corpus manifest says "
                             f"{expected['leaf_parts']:,} (multipart/* and message/rfc822 are containers, the "
                             "parts inside an embedded message count): this parser counts differently.")
            if expected and r["messages"] != expected.get("messages"):
                notes.append(f"{parser} on {subset} parsed {r['messages']:,} files, the manifest lists "
                             f"{expected['messages']:,}.")
            if parser == "helpdeskd":
                ratio = "—"
            elif hd_rate is None:
                ratio = "n/a"
            else:
                ratio = f"{hd_rate / r['mb_per_s']:.2f}×" if r["mb_per_s"] > 0 else "n/a"
            lines.append(f"| {subset} | {parser} | {r['mb_per_s']:.1f} | {r['messages_per_s']:,.0f} | {leaf} | "
                         f"{fmt_int(r['decoded_bytes'])} | {ratio} | {r['runs']} |")
        if len(decoded_values) > 1:
            notes.append(f"decoded bytes differ on {subset}: the parsers disagree on what some leaf decodes to "
                         "(charset fallbacks, line endings, or HTML converted to text by helpdeskd).")
    return "\n".join(lines), notes


def update_results_md(path: str, heading: str, body: str) -> None:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        text = RESULTS_PREAMBLE
    section = f"## {heading}\n\n{body.rstrip()}\n"
    # Sections run from one "## " heading to the next (or the end).
    pattern = re.compile(r"^## " + re.escape(heading) + r"\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def pick(subset: str, run: str, best: str, new: str, slow: str) -> int:
    """One run is done: prints the better of BEST and NEW (with "subset" and "runs") on stdout and a
    progress line on stderr; exits 3 when the run took longer than SLOW_SECONDS."""
    line = json.loads(new)
    print(f"  {line['parser']:17s} {subset:12s} run {run}: {line['seconds']:8.3f} s {line['mb_per_s']:9.1f} MB/s "
          f"{line['messages_per_s']:10.0f} msg/s", file=sys.stderr)
    kept = line
    if best:
        old = json.loads(best)
        if old["seconds"] <= line["seconds"]:
            kept = old
    kept["subset"], kept["runs"] = subset, int(run)
    print(json.dumps(kept, separators=(",", ":")))
    return 3 if line["seconds"] > float(slow) else 0


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--pick":
        return pick(*argv[1:6])
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("manifest")
    ap.add_argument("--results-md")
    ap.add_argument("--heading", default=None, help="section heading in --results-md")
    ap.add_argument("--meta", action="append", default=[], help="KEY=VALUE lines shown above the table")
    args = ap.parse_args(argv)
    with open(args.results, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    with open(args.manifest, encoding="utf-8") as f:
        manifest = json.load(f)
    table, notes = build_table(rows, manifest)
    print(table)
    for n in notes:
        print(f"\n{n}")
    if args.results_md:
        meta = []
        for kv in args.meta:
            k, _, v = kv.partition("=")
            meta.append(f"- {k}: {v}")
        corpus = ", ".join(f"{name} {s['messages']:,} messages / {s['bytes'] / 1e6:.1f} MB / "
                           f"{s['leaf_parts']:,} leaf parts" for name, s in manifest.get("subsets", {}).items())
        meta.append(f"- corpus (seed {manifest.get('seed')}): {corpus}")
        body = "\n".join(meta) + "\n\n" + table + "\n" + "".join(f"\n{n}\n" for n in notes)
        update_results_md(args.results_md, args.heading or "results", body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
