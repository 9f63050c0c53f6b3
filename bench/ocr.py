#!/usr/bin/env python3
"""OCR time per screenshot (issue #21): `helpdeskd ocr-worker` on generated 1080p screenshots, one core.

    python3 bench/ocr.py --helpdeskd PATH [--dir DIR] [--count N] [--results bench/results-ocr.md]

Renders the screenshots with Tests/OCR/screenshots.py into DIR (.build-bench/ocr-screenshots) unless they are
there, keeps the 1920x1080 ones, and runs the worker on each as the daemon does (OMP_THREAD_LIMIT=1, the image on
standard input) pinned to one core (taskset -c 0). Reports the median and 95th percentile of wall time and CPU time
(the child's user + system time, process start and language loading included) and the peak RSS. Targets: median
<= 1 s, p95 <= 3 s.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--helpdeskd", required=True)
    parser.add_argument("--dir", default=os.path.join(ROOT, ".build-bench", "ocr-screenshots"))
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--languages", default="eng")
    parser.add_argument("--results", default="")
    arguments = parser.parse_args()
    if not os.path.exists(os.path.join(arguments.dir, "truth.json")):
        subprocess.run([sys.executable, os.path.join(ROOT, "Tests", "OCR", "screenshots.py"), "--out", arguments.dir,
                        "--count", str(arguments.count)], check=True)
    with open(os.path.join(arguments.dir, "truth.json")) as f:
        truth = json.load(f)
    images = [os.path.join(arguments.dir, name + ".png") for name, case in sorted(truth.items())
              if case.get("kind") in ("page", "photo") and case.get("size", [1920, 1080]) == [1920, 1080]]
    images = [path for path in images if open(path, "rb").read(24)[16:24] == (1920).to_bytes(4, "big") + (1080).to_bytes(4, "big")]
    env = dict(os.environ, OMP_THREAD_LIMIT="1", SWIFT_BACKTRACE="enable=no")
    walls, cpus, failures = [], [], 0
    peak = 0
    for path in images:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        with open(path, "rb") as image:
            done = subprocess.run(["taskset", "-c", "0", arguments.helpdeskd, "ocr-worker", "--languages",
                                   arguments.languages], stdin=image, capture_output=True, env=env)
        walls.append(time.monotonic() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        peak = max(peak, after.ru_maxrss)
        failures += done.returncode != 0
    result = {
        "images": len(images), "failures": failures, "languages": arguments.languages,
        "wall_median": statistics.median(walls), "wall_p95": percentile(walls, 0.95),
        "cpu_median": statistics.median(cpus), "cpu_p95": percentile(cpus, 0.95), "peak_rss_mb": peak / 1024,
    }
    table = (
        f"| OCR per 1080p screenshot ({result['images']} images, languages {arguments.languages}, one core) | "
        f"wall median {result['wall_median']:.2f} s, p95 {result['wall_p95']:.2f} s | "
        f"CPU median {result['cpu_median']:.2f} s, p95 {result['cpu_p95']:.2f} s | peak RSS {result['peak_rss_mb']:.0f} MB |"
        f" failures {failures} |")
    print(json.dumps(result))
    print(table)
    if arguments.results:
        with open(arguments.results, "w") as f:
            f.write(f"# OCR benchmark\n\n{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, `python3 bench/ocr.py`, "
                    f"{os.cpu_count()} cores (pinned to one)\n\n| what | wall | CPU | memory | |\n| --- | --- | --- | --- | --- |\n"
                    + table + "\n\nTargets (issue #21): median <= 1 s, p95 <= 3 s on one core.\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
