#!/usr/bin/env python3
"""Per-field precision and recall of `helpdeskd extract --ocr` on generated screenshots (Tests/OCR/README.md).

    Tests/OCR/eval_ocr.py --bin PATH/helpdeskd --dir DIR [--config FILE] [--failures] [--json OUT] [--jobs N]

DIR is what `screenshots.py --out DIR` wrote: NNN-kind.eml (an email saying only "see screenshot", with the image)
and truth.json. Precision: of the values read from screenshots, how many are right. Recall: of the values the
screenshots show, how many the report has right. Negative images (logos, noise, blank, gradients, charts) must
give no field at all. Targets (issue #21): precision >= 98% per field; recall >= 90% host, >= 85% session and
user IDs, >= 65% detection time. Exit status 1 when a target is missed.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

FIELDS = ["server", "session_id", "user_id", "detected_at"]
RECALL_TARGETS = {"server": 0.90, "session_id": 0.85, "user_id": 0.85, "detected_at": 0.65}
PRECISION_TARGET = 0.98
NEGATIVE = {"logo", "noise", "blank", "gradient", "chart"}


def minute(value):
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M")


def run(binary, path, config):
    started = time.monotonic()
    out = subprocess.run([binary, "extract", "--ocr", "--explain", path] + (["--config", config] if config else []),
                         capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": out.stderr.strip()}, time.monotonic() - started
    return json.loads(out.stdout), time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--failures", action="store_true", help="print every wrong or missed value")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--config", help="a helpdeskd configuration ([ocr] languages, limits)")
    arguments = parser.parse_args()
    with open(os.path.join(arguments.dir, "truth.json")) as f:
        truth = json.load(f)
    names = sorted(truth)
    with ThreadPoolExecutor(arguments.jobs) as pool:
        results = dict(zip(names, pool.map(lambda n: run(arguments.bin, os.path.join(arguments.dir, n + ".eml"), arguments.config), names)))

    given = {f: 0 for f in FIELDS}
    right = {f: 0 for f in FIELDS}
    expected = {f: 0 for f in FIELDS}
    negatives_with_fields = []
    by_kind = {}
    failures = []
    errors = []
    for name in names:
        case = truth[name]
        report, _ = results[name]
        if "error" in report:
            errors.append((name, report["error"]))
            continue
        read = report.get("screenshot_values", {})
        for shot in report["fields"]["screenshots"]:
            if "ocr_error" in shot:
                errors.append((name, shot["ocr_error"]))
        kind = case["kind"]
        if kind in NEGATIVE:
            if read:
                negatives_with_fields.append((name, read))
            continue
        stats = by_kind.setdefault(kind, {f: [0, 0] for f in FIELDS})
        for field in FIELDS:
            want = case["expected"].get(field)
            got = read.get(field, {}).get("value")
            if field == "detected_at":
                got = minute(got)
            if got is not None:
                given[field] += 1
            if want is not None:
                expected[field] += 1
                stats[field][1] += 1
            if got is not None and got == want:
                right[field] += 1
                stats[field][0] += 1
            elif got is not None or want is not None:
                failures.append((name, field, want, got, read.get(field, {}).get("line")))

    ok = True
    figures = {}
    print(f"{len(names)} screenshots ({sum(1 for n in names if truth[n]['kind'] in NEGATIVE)} negative)")
    print(f"{'field':12} {'precision':>10} {'recall':>8}   target")
    for field in FIELDS:
        precision = right[field] / given[field] if given[field] else 1.0
        recall = right[field] / expected[field] if expected[field] else 1.0
        met = precision >= PRECISION_TARGET and recall >= RECALL_TARGETS[field]
        ok &= met
        figures[field] = {"precision": precision, "recall": recall, "given": given[field], "right": right[field],
                          "expected": expected[field]}
        print(f"{field:12} {precision:10.1%} {recall:8.1%}   P>={PRECISION_TARGET:.0%} R>={RECALL_TARGETS[field]:.0%}"
              f"{'' if met else '  MISSED'}   ({right[field]} right of {given[field]} given, {expected[field]} shown)")
    for kind, stats in sorted(by_kind.items()):
        print(f"  {kind:8} recall: " + ", ".join(
            f"{f} {s[0]}/{s[1]}" for f, s in stats.items()))
    print(f"negative images with a field: {len(negatives_with_fields)}")
    ok &= not negatives_with_fields
    for name, read in negatives_with_fields:
        print(f"  {name}: {read}")
    if errors:
        print(f"OCR failures: {len(errors)}")
        for name, error in errors:
            print(f"  {name}: {error}")
    seconds = sorted(t for _, t in results.values())
    print(f"extract --ocr wall time per email: median {seconds[len(seconds) // 2]:.2f} s, "
          f"max {seconds[-1]:.2f} s ({arguments.jobs} at a time)")
    if arguments.failures:
        for name, field, want, got, line in failures:
            print(f"{name} {field}: expected {want!r}, got {got!r}" + (f"  [{line}]" if line else ""))
    if arguments.json:
        with open(arguments.json, "w") as f:
            json.dump({"fields": figures, "negatives_with_fields": len(negatives_with_fields)}, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
