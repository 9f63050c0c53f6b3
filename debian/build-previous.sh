#!/bin/sh
# Builds the package `make test-deb` upgrades from: the release build of an earlier revision REF of this
# repository, with that revision's sample configuration (the conffile), templates and unit, packaged by today's
# debian/ files (earlier revisions have none; the backup units, which they lack too, come along). Prints the
# .deb's path. The revision's source and build are kept in OUTDIR/previous-<commit>/: built once.
#
# Usage: debian/build-previous.sh REF VERSION OUTDIR      (run from the repository root; `make test-deb` does)
set -eu

ref=$1
version=$2
outdir=$(realpath "$3")
commit=$(git rev-parse --verify --quiet --short=7 "$ref^{commit}") ||
    { echo "build-previous: $ref is no commit of this repository (make test-deb PREVIOUS_REF=...)" >&2; exit 1; }
src=$outdir/previous-$commit
release="-c release --static-swift-stdlib -Xlinker -z -Xlinker now"

if [ ! -x "$src/.build/release/helpdeskd" ]; then
    rm -rf "$src"
    mkdir -p "$src"
    git archive "$commit" | tar -x -C "$src"
    # Today's dependency versions where that revision allows them (and no download when they are cached).
    if [ -f Package.resolved ]; then cp Package.resolved "$src/"; fi
    echo "build-previous: release build of $commit (once; kept in $src)" >&2
    # shellcheck disable=SC2086
    (cd "$src" && swift build $release) >"$src.log" 2>&1 || { tail -30 "$src.log" >&2; exit 1; }
fi

rm -rf "$src/debian"
cp -R debian "$src/debian"
for unit in helpdeskd-backup.service helpdeskd-backup.timer; do
    [ -f "$src/systemd/$unit" ] || cp "systemd/$unit" "$src/systemd/$unit"
done
cd "$src"
debian/build-deb.sh "$src/.build/release/helpdeskd" "$version" "$outdir"
