#!/usr/bin/env bash
# Parse benchmark: `helpdeskd parse --stats` side by side with GMime 3 (C), Python's stdlib email
# and fast-mail-parser (Rust, from PyPI) on the same generated corpus. See bench/README.md.
#
#   bench/parse.sh            # or: make bench-parse
#
# Builds what it needs into .build-bench/ (Debian packages through apt-get, with sudo when not
# root; a venv with fast-mail-parser; the GMime harness; helpdeskd in release mode), generates the
# corpus into .build-bench/corpus (reused while bench/corpus.py and its arguments are unchanged),
# runs every parser on each subset, keeps the best run, prints a Markdown table and writes it into
# bench/results-parse.md.
#
# Knobs (environment):
#   BENCH_RUNS=3              runs per parser and subset; the best (shortest) one is reported
#   BENCH_SLOW_SECONDS=15     a parser whose run takes longer is not run again on that subset
#                             (python-email on the text subset: ~50 s a run)
#   BENCH_SEED=42             corpus seed
#   BENCH_MESSAGES=           total corpus messages (default: 300 + 20,000)
#   BENCH_PARSERS="helpdeskd gmime fast-mail-parser python-email"   which rows to run
#   HELPDESKD=/path/to/bin    use this helpdeskd instead of building one
#   BENCH_SKIP_SWIFT=1        no helpdeskd row (no Swift build)
#   BENCH_RESULTS_MD=bench/results-parse.md   where to record the table ("" = nowhere)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/.build-bench
RUNS=${BENCH_RUNS:-3}
SLOW=${BENCH_SLOW_SECONDS:-15}
SEED=${BENCH_SEED:-42}
MESSAGES=${BENCH_MESSAGES:-}
PARSERS=${BENCH_PARSERS:-helpdeskd gmime fast-mail-parser python-email}
RESULTS_MD=${BENCH_RESULTS_MD-bench/results-parse.md}
SWIFT=${SWIFT:-swift}
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
# fast-mail-parser: pinned so results stay comparable; the -ng fork is the fallback.
FMP_SPECS=("fast-mail-parser==0.10.0" "fast-mail-parser-ng==0.7.1")

mkdir -p "$OUT/logs"
say() { printf '%s\n' "$*" >&2; }
wants() { case " $PARSERS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
declare -A SKIP=()   # parser -> reason it has no row

# --- Debian packages --------------------------------------------------------------------------
missing=()
for p in libgmime-3.0-dev pkg-config; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  missing+=(python3-venv)
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing: ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- GMime harness ----------------------------------------------------------------------------
if wants gmime; then
  make -s -C bench/peers OUT="$OUT" >&2
fi

# --- venv with fast-mail-parser ---------------------------------------------------------------
VENV=$OUT/venv
FMP_VERSION=""
if wants fast-mail-parser; then
  if ! "$VENV/bin/python" -c 1 2>/dev/null; then
    rm -rf "$VENV"
    python3 -m venv "$VENV"
  fi
  installed=$(cat "$VENV/.bench-fmp" 2>/dev/null || true)
  if [ -z "$installed" ]; then
    for spec in "${FMP_SPECS[@]}"; do
      # Wheels only: a source build would need a Rust toolchain, which this project does not install.
      if "$VENV/bin/pip" install -q --disable-pip-version-check --only-binary=:all: "$spec" \
          >"$OUT/logs/pip-${spec%%=*}.log" 2>&1; then
        installed=$spec
        echo "$spec" >"$VENV/.bench-fmp"
        break
      fi
      say "note: pip could not install $spec (see $OUT/logs/pip-${spec%%=*}.log)"
    done
  fi
  if [ -n "$installed" ]; then
    FMP_VERSION=$installed
  else
    SKIP[fast-mail-parser]="no wheel could be installed"
  fi
fi
PY=python3
[ -x "$VENV/bin/python" ] && PY=$VENV/bin/python

# --- helpdeskd --------------------------------------------------------------------------------
HD=""
SWIFT_VERSION=""
if wants helpdeskd; then
  if [ -n "${HELPDESKD:-}" ]; then
    HD=$HELPDESKD
  elif [ "${BENCH_SKIP_SWIFT:-0}" = 1 ]; then
    SKIP[helpdeskd]="BENCH_SKIP_SWIFT=1"
  else
    say "Building helpdeskd (swift build -c release --static-swift-stdlib --product helpdeskd; log in $OUT/logs/swift-build.log)"
    if "$SWIFT" build -c release --static-swift-stdlib --product helpdeskd >"$OUT/logs/swift-build.log" 2>&1; then
      HD="$("$SWIFT" build -c release --show-bin-path)/helpdeskd"
      SWIFT_VERSION=$("$SWIFT" --version 2>/dev/null | head -n1 || true)
    else
      SKIP[helpdeskd]="swift build failed (see .build-bench/logs/swift-build.log)"
    fi
  fi
  if [ -n "$HD" ] && ! "$HD" parse --help 2>/dev/null | grep -q -- '--stats'; then
    say "note: '$HD parse --stats' is not available yet; the helpdeskd row is skipped"
    SKIP[helpdeskd]="helpdeskd parse --stats not available yet"
    HD=""
  fi
fi

# --- corpus -----------------------------------------------------------------------------------
CORPUS=$OUT/corpus
stamp="$(sha256sum bench/corpus.py | cut -d' ' -f1) seed=$SEED messages=${MESSAGES:-default}"
if [ "$(cat "$CORPUS/.stamp" 2>/dev/null || true)" = "$stamp" ] && [ -f "$CORPUS/manifest.json" ]; then
  say "Corpus: reusing $CORPUS"
else
  say "Corpus: generating into $CORPUS"
  rm -f "$CORPUS/.stamp"
  args=("$CORPUS" --seed "$SEED")
  [ -n "$MESSAGES" ] && args+=(--messages "$MESSAGES")
  python3 bench/corpus.py "${args[@]}"
  echo "$stamp" >"$CORPUS/.stamp"
fi

# --- runs -------------------------------------------------------------------------------------
RESULTS=$OUT/parse-results.jsonl
: >"$RESULTS"

command_for() { # parser subset-dir -> the command line, in the array CMD
  case $1 in
    helpdeskd) CMD=("$HD" parse --stats "$2") ;;
    gmime) CMD=("$OUT/gmime_parse" "$2") ;;
    python-email) CMD=("$PY" bench/peers/python_peers.py email "$2") ;;
    fast-mail-parser) CMD=("$PY" bench/peers/python_peers.py fast-mail-parser "$2") ;;
  esac
}

for subset in attachments text; do
  for parser in $PARSERS; do
    if [ -n "${SKIP[$parser]:-}" ]; then
      printf '{"subset":"%s","parser":"%s","skipped":"%s"}\n' "$subset" "$parser" "${SKIP[$parser]}" >>"$RESULTS"
      continue
    fi
    command_for "$parser" "$CORPUS/$subset"
    best=""
    n=0
    for i in $(seq 1 "$RUNS"); do
      log=$OUT/logs/$parser-$subset-$i.log
      status=0
      out=$("${CMD[@]}" 2>"$log") || status=$?
      line=$(printf '%s\n' "$out" | grep '^{' | tail -n1 || true)
      if [ -z "$line" ]; then
        say "  $parser on $subset: no result (exit $status); see $log"
        break
      fi
      [ "$status" = 0 ] || say "  warning: $parser exited $status on $subset (messages that failed are in $log)"
      n=$((n + 1))
      # the fastest run so far; exit status 3: this run was slow, do not repeat
      pick=0
      best=$(python3 bench/report_parse.py --pick "$subset" "$n" "$best" "$line" "$SLOW") || pick=$?
      if [ "$pick" = 3 ]; then
        [ "$i" -lt "$RUNS" ] && say "  ($parser took over ${SLOW} s on $subset: not repeated)"
        break
      elif [ "$pick" != 0 ]; then
        say "  could not read $parser's result: $line"
        best=""
        break
      fi
    done
    if [ -n "$best" ]; then
      echo "$best" >>"$RESULTS"
    else
      printf '{"subset":"%s","parser":"%s","skipped":"failed, see .build-bench/logs/%s-%s-*.log"}\n' \
        "$subset" "$parser" "$parser" "$subset" >>"$RESULTS"
    fi
  done
done

# --- report -----------------------------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
cpu=${cpu:-unknown CPU}
heading="$(date -u +%Y-%m-%d) — ${cpu}, nproc $(nproc)"
meta=(--meta "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
      --meta "GMime=$(pkg-config --modversion gmime-3.0 2>/dev/null || echo n/a)"
      --meta "Python=$("$PY" -c 'import platform; print(platform.python_version())')"
      --meta "fast-mail-parser=${FMP_VERSION:-n/a}"
      --meta "runs=best of ${RUNS}, a run over ${SLOW} s is not repeated")
[ -n "$SWIFT_VERSION" ] && meta+=(--meta "Swift=$SWIFT_VERSION")
report_args=("$RESULTS" "$CORPUS/manifest.json" "${meta[@]}")
[ -n "$RESULTS_MD" ] && report_args+=(--results-md "$RESULTS_MD" --heading "$heading")
echo
echo "### Parse benchmark — $heading"
echo
python3 bench/report_parse.py "${report_args[@]}"
[ -n "$RESULTS_MD" ] && say "" && say "Recorded in $RESULTS_MD"
exit 0
