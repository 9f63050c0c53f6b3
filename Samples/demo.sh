#!/usr/bin/env bash
# `make demo`: shows what helpdeskd does today with the sample emails in this folder.
set -euo pipefail
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
echo "helpdeskd $("$bin" --version)"
echo "The daemon is not built yet; this demo grows with every milestone."
