#!/bin/sh
# Builds helpdeskd_VERSION_amd64.deb from the release binary and the files in this directory with the dpkg
# tools alone (no debhelper): dpkg-shlibdeps finds the Depends from the libraries the binary links,
# dpkg-gencontrol writes the control file, dpkg-deb builds the archive with root-owned files.
#
# Usage: debian/build-deb.sh BINARY VERSION OUTDIR      (run from the repository root; `make deb` does)
set -eu

binary=$1
version=$2
outdir=$3
[ -x "$binary" ] || { echo "build-deb: no binary at $binary (make release)" >&2; exit 1; }
mkdir -p "$outdir"

work=$(mktemp -d "${TMPDIR:-/tmp}/helpdeskd-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
pkg=$work/helpdeskd
# Dates inside the package (man pages, changelog, file times) are the changelog's: two builds of the same
# sources give the same package.
SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -ldebian/changelog -STimestamp)
export SOURCE_DATE_EPOCH
date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)

# The binary, without symbols (the Swift runtime inside it keeps its own metadata sections).
install -D -m 0755 "$binary" "$pkg/usr/bin/helpdeskd"
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$pkg/usr/bin/helpdeskd"

# systemd: the units with the package's paths; the user and the directories.
install -d "$pkg/lib/systemd/system"
for unit in helpdeskd.service helpdeskd-backup.service helpdeskd-backup.timer; do
    sed -e 's#/usr/local/bin/helpdeskd#/usr/bin/helpdeskd#g' \
        -e 's#^Documentation=file:///usr/local/share/doc/helpdeskd/README.md#Documentation=man:helpdeskd(8) file:///usr/share/doc/helpdeskd/README.md.gz#' \
        -e 's#`make install` creates any of these#the package creates any of these#' \
        "systemd/$unit" > "$pkg/lib/systemd/system/$unit"
    chmod 0644 "$pkg/lib/systemd/system/$unit"
done
install -D -m 0644 systemd/helpdeskd.sysusers "$pkg/usr/lib/sysusers.d/helpdeskd.conf"
install -D -m 0644 debian/helpdeskd.tmpfiles "$pkg/usr/lib/tmpfiles.d/helpdeskd.conf"

# The sample configuration is the conffile (kept, or offered as .dpkg-dist, on upgrades).
install -D -m 0644 Samples/helpdeskd.toml "$pkg/etc/helpdeskd/helpdeskd.toml"
sed -i 's#(installed as /etc/helpdeskd/helpdeskd.toml by `make install`)#(installed as /etc/helpdeskd/helpdeskd.toml by the package)#' \
    "$pkg/etc/helpdeskd/helpdeskd.toml"

install -d "$pkg/usr/share/helpdeskd/templates"
install -m 0644 Samples/templates/*.mustache Samples/templates/README.md "$pkg/usr/share/helpdeskd/templates/"

# Man pages from the binary's help and the sample's comments.
install -d "$pkg/usr/share/man/man8" "$pkg/usr/share/man/man5"
python3 debian/manpages.py "$pkg/usr/bin/helpdeskd" Samples/helpdeskd.toml "$work" "$version" "$date"
gzip -9n -c "$work/helpdeskd.8" > "$pkg/usr/share/man/man8/helpdeskd.8.gz"
gzip -9n -c "$work/helpdeskd.toml.5" > "$pkg/usr/share/man/man5/helpdeskd.toml.5.gz"

# Documentation: copyright, the changelog (a native package's), the README, the sample.
doc=$pkg/usr/share/doc/helpdeskd
install -D -m 0644 debian/copyright "$doc/copyright"
sed "1s/([^)]*)/($version)/" debian/changelog | gzip -9n > "$doc/changelog.gz"
gzip -9n -c README.md > "$doc/README.md.gz"
install -D -m 0644 Samples/helpdeskd.toml "$doc/examples/helpdeskd.toml"
install -D -m 0644 debian/lintian-overrides "$pkg/usr/share/lintian/overrides/helpdeskd"

# Control: Depends from the libraries the binary needs, maintainer scripts, conffiles, checksums.
install -d -m 0755 "$pkg/DEBIAN"
for script in postinst prerm postrm; do install -m 0755 "debian/$script" "$pkg/DEBIAN/$script"; done
install -m 0644 debian/conffiles "$pkg/DEBIAN/conffiles"
dpkg-shlibdeps -T"$work/substvars" -e"$pkg/usr/bin/helpdeskd"
dpkg-gencontrol -phelpdeskd -v"$version" -ldebian/changelog -cdebian/control -T"$work/substvars" \
    -f"$work/files" -P"$pkg"
(cd "$pkg" && find . -type f ! -path './DEBIAN/*' -printf '%P\n' | LC_ALL=C sort | xargs md5sum > DEBIAN/md5sums)
chmod 0644 "$pkg/DEBIAN/md5sums"

deb="$outdir/helpdeskd_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "$deb"
