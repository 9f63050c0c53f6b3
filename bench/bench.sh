#!/usr/bin/env bash
# Every benchmark (issue #9): parse, ingest, end to end with the acknowledgement delay, memory.
#
#   bench/bench.sh            # or: make bench   (as root: Dovecot's master must run as root)
#
# 1. builds helpdeskd in release mode (or uses HELPDESKD=/path/to/helpdeskd),
# 2. runs the parse benchmark as it is (bench/parse.sh, which records bench/results-parse.md),
# 3. runs bench/system.py: ingest of 10,000 generated emails, end to end through a local Dovecot
#    and SMTP sink for helpdeskd and the Python peer, the acknowledgement delay at a trickle, memory,
# 4. prints the table and writes it, with date, machine and command, to bench/results.md,
# 5. runs bench/web.py: the staff workspace's queue and ticket page under wrk with 10,000 tickets while
#    intake runs, into bench/results-web.md,
# 6. runs bench/ocr.py: OCR time per 1080p screenshot on one core, into bench/results-ocr.md.
#
# Knobs (environment): HELPDESKD, BENCH_MESSAGES (10000), BENCH_ONLY ("parse,ingest,e2e,ack,memory"),
# BENCH_PEER_MESSAGES (2000: the first 2,000 of the emails for the Python peer end to end; it does ~10/s),
# BENCH_ACK_RATE (5), BENCH_ACK_SECONDS (60), BENCH_RESULTS=bench/results.md ("" = print only), BENCH_OCR
# (off; "on" runs ingest and end to end with OCR);
# the parse benchmark's own knobs (BENCH_RUNS, BENCH_PARSERS, …) pass through to bench/parse.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$PWD/.build-bench
SWIFT=${SWIFT:-swift}
ONLY=${BENCH_ONLY:-parse,ingest,e2e,ack,memory,web,ocr}
mkdir -p "$OUT/logs"
say() { printf '%s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { say "bench.sh: run as root (the end-to-end benchmark starts Dovecot, whose master must be root)"; exit 1; }
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }

started=$(date +%s)
if [ -n "${HELPDESKD:-}" ]; then
  HD=$HELPDESKD
else
  say "Building helpdeskd (swift build -c release --static-swift-stdlib --product helpdeskd; log in $OUT/logs/swift-build.log)"
  "$SWIFT" build -c release --static-swift-stdlib --product helpdeskd >"$OUT/logs/swift-build.log" 2>&1 \
    || { say "swift build failed: see $OUT/logs/swift-build.log"; exit 1; }
  HD="$("$SWIFT" build -c release --show-bin-path)/helpdeskd"
fi

rm -f "$OUT/system-results.json"
if [[ ",$ONLY," == *",parse,"* ]]; then
  say "== Parse benchmark (bench/parse.sh)"
  HELPDESKD=$HD bench/parse.sh
elif [ -f "$OUT/parse-results.jsonl" ]; then
  say "== Parse benchmark skipped: the table repeats the last run's rows ($OUT/parse-results.jsonl)"
fi
system_only=$(printf '%s' "$ONLY" | tr ',' '\n' | grep -vE '^(parse|web|ocr)$' | paste -sd, || true)
if [ -n "$system_only" ]; then
  python3 bench/system.py --helpdeskd "$HD" --only "$system_only" --messages "${BENCH_MESSAGES:-10000}" \
    --peer-messages "${BENCH_PEER_MESSAGES:-2000}" \
    --ack-rate "${BENCH_ACK_RATE:-5}" --ack-seconds "${BENCH_ACK_SECONDS:-60}"
fi
if [[ ",$ONLY," == *",web,"* ]]; then
  say "== Web workspace benchmark (bench/web.py)"
  python3 bench/web.py --helpdeskd "$HD" --results "${BENCH_WEB_RESULTS-bench/results-web.md}"
fi
if [[ ",$ONLY," == *",ocr,"* ]]; then
  say "== OCR benchmark (bench/ocr.py)"
  python3 bench/ocr.py --helpdeskd "$HD" --results "${BENCH_OCR_RESULTS-bench/results-ocr.md}"
fi
elapsed=$(( $(date +%s) - started ))
python3 bench/report.py --system "$OUT/system-results.json" --parse "$OUT/parse-results.jsonl" \
  --helpdeskd "$HD" --elapsed "$elapsed" --results-md "${BENCH_RESULTS-bench/results.md}"
