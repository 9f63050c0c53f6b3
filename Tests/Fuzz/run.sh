#!/usr/bin/env bash
# Builds a libFuzzer target and runs it for SECONDS (default 60): MIMEFuzzer (the default, the MIME
# parser) or IncidentFuzzer (parse, then the incident extractor).
#
#   Tests/Fuzz/run.sh [SECONDS] [TARGET]
#
# Everything it writes is under .build-fuzz/ (git-ignored):
#   corpus/     the working corpus: seeded from Tests/Fuzz/Seeds and, when present, the shared public
#               corpora (*.eml, *.msg), then grown by libFuzzer. Kept between runs, so runs add up.
#   artifacts/  inputs that crashed, hung (> 10 s), or used more than 2 GB. For each: fix the bug in
#               Sources/MIME, then copy the input to Tests/MIMETests/Regressions/, where
#               FuzzRegressionTests replays every file.
#   fuzz.log    libFuzzer's output of the last run.
# IncidentFuzzer keeps its own corpus-IncidentFuzzer/, artifacts-IncidentFuzzer/ and fuzz-IncidentFuzzer.log
# (seeded also with the extraction fixtures and the samples); fix its findings in Sources/Incident and keep
# each input as a regression test in Tests/IncidentTests (a replay like MIMETests' FuzzRegressionTests).
# Exits non-zero when the run produced a finding.
set -euo pipefail

seconds="${1:-60}"
target="${2:-MIMEFuzzer}"
case "$target" in
MIMEFuzzer | IncidentFuzzer) ;;
*) echo "run.sh: unknown target $target (MIMEFuzzer or IncidentFuzzer)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/../.."
scratch=.build-fuzz
corpus="$scratch/corpus"
artifacts="$scratch/artifacts"
log="$scratch/fuzz.log"
if [ "$target" != MIMEFuzzer ]; then
    corpus="$scratch/corpus-$target"
    artifacts="$scratch/artifacts-$target"
    log="$scratch/fuzz-$target.log"
fi
# Read-only public corpora (see their README): copied into the working corpus, never modified. They sit
# in shared/ beside the checkout (CI) or the worktrees; SHARED_CORPORA overrides.
shared_corpora="${SHARED_CORPORA:-}"
if [ -z "$shared_corpora" ]; then
    for candidate in ../shared/corpora /work/shared/corpora; do
        if [ -d "$candidate" ]; then shared_corpora="$candidate"; break; fi
    done
fi

# The exact spelling matters: without both flags the target links without coverage, or not at all.
swift build -c debug --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address \
    --package-path Tests/Fuzz --scratch-path "$scratch" --product "$target"
binary="$(swift build -c debug --package-path Tests/Fuzz --scratch-path "$scratch" --show-bin-path)/$target"

mkdir -p "$corpus" "$artifacts"
# Files are stored under their content hash, as libFuzzer names its own, so re-seeding adds no duplicates.
seed() {
    local file="$1"
    local hash
    hash="$(sha1sum "$file" | cut -d' ' -f1)"
    [ -e "$corpus/$hash" ] || cp "$file" "$corpus/$hash"
}
for file in Tests/Fuzz/Seeds/*; do seed "$file"; done
if [ "$target" = IncidentFuzzer ]; then
    for file in Tests/IncidentTests/Fixtures/*.eml Samples/*.eml; do [ -e "$file" ] && seed "$file"; done
fi
if [ -n "$shared_corpora" ] && [ -d "$shared_corpora" ]; then
    while IFS= read -r -d '' file; do seed "$file"; done \
        < <(find "$shared_corpora" -type f \( -name '*.eml' -o -name '*.msg' \) -print0)
fi
echo "corpus: $(find "$corpus" -type f | wc -l) inputs before the run"

marker="$scratch/.run-started"
touch "$marker"
# SWIFT_BACKTRACE=enable=no: on a crash Swift's backtracer would otherwise wait on the dying process
# and the run would hang instead of writing the crash artifact. Only libFuzzer's milestones and reports
# are shown; the whole output is in fuzz.log.
set +e
SWIFT_BACKTRACE=enable=no "$binary" "$corpus" \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 2>&1 | tee "$log" \
    | grep --line-buffered -E '^(#[0-9]+[[:space:]]+(INITED|DONE|pulse)|==[0-9]+==|SUMMARY|Test unit written|artifact_prefix)'
status="${PIPESTATUS[0]}"
set -e
echo
echo "corpus: $(find "$corpus" -type f | wc -l) inputs after the run"
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" || true
grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true
findings="$(find "$artifacts" -type f -newer "$marker" | sort)"
if [ -n "$findings" ]; then
    echo "findings (reproduce with: SWIFT_BACKTRACE=enable=no $binary FILE):"
    echo "$findings"
    exit 1
fi
echo "findings: none"
exit "$status"
