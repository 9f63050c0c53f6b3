#!/bin/sh
# Installs, upgrades, removes and purges the package in a clean Debian 12 tree (debootstrap, then chroot; no
# systemd runs there) and checks the files, the user, the conffile, the secrets, the unit's enablement and what
# the maintainer scripts do on each step. `make test-deb` builds the two packages and runs this: PREVIOUS is the
# build of an earlier revision (debian/build-previous.sh), whose program writes the store the upgrade must keep
# and migrate, under the configuration the admin edited.
#
# Usage: debian/test-deb.sh PREVIOUS.deb NEW.deb CACHEDIR      (from the repository root)
#
# The tree is made once and kept as CACHEDIR/bookworm-<Depends hash>.tar: Debian 12 minbase, apt's package lists,
# and the .deb files of the runtime libraries the package depends on, downloaded but not installed (apt installs
# them from that cache when it installs the package: the test also proves the Depends suffice).
set -eu

previous=$1
new=$2
cache=$3
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$cache"

depends=$(dpkg-deb -f "$new" Depends)
runtime=$(echo "$depends" | tr ',' '\n' | sed -e 's/(.*)//' -e 's/|.*//' -e 's/ //g' | grep -v '^$' | tr '\n' ' ')
key=$( (echo "$depends"; dpkg-deb -f "$previous" Depends) | sha256sum | cut -c1-16)
tarball="$cache/bookworm-$key.tar"

root=$(mktemp -d "${TMPDIR:-/tmp}/helpdeskd-chroot.XXXXXX")
mounted=""
cleanup() {
    for point in $mounted; do umount "$point" 2>/dev/null || umount -l "$point" 2>/dev/null || true; done
    rm -rf "$root"
}
trap cleanup EXIT

if [ ! -f "$tarball" ]; then
    echo "test-deb: making the Debian 12 tree (debootstrap, once; cached as $tarball)"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
        { tail -20 "$cache/debootstrap.log"; exit 1; }
    echo 'APT::Sandbox::User "root";' > "$root/etc/apt/apt.conf.d/90helpdeskd-test"
    chroot "$root" apt-get update -qq
    # shellcheck disable=SC2086
    chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -qq --download-only -y $runtime >/dev/null
    tar -C "$root" -cf "$tarball.new" .
    mv "$tarball.new" "$tarball"
    rm -rf "$root"
    mkdir "$root"
fi
tar -C "$root" -xf "$tarball"
# mktemp made it 0700: inside the chroot that is /, and the service user must be able to enter it.
chmod 0755 "$root"
mount -t proc proc "$root/proc" && mounted="$root/proc $mounted"
mount -t devpts devpts "$root/dev/pts" -o newinstance,ptmxmode=0666 2>/dev/null && mounted="$root/dev/pts $mounted" || true
# The tree is in a private temporary directory: apt fetches as root instead of its _apt user.
echo 'APT::Sandbox::User "root";' > "$root/etc/apt/apt.conf.d/90helpdeskd-test"
cp "$previous" "$root/tmp/previous.deb"
cp "$new" "$root/tmp/new.deb"

failures=0
checks=0
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
check() {
    # check DESCRIPTION COMMAND...: runs COMMAND in the tree; a failure is reported and counted.
    description=$1
    shift
    checks=$((checks + 1))
    if in_root sh -c "$*" >/dev/null 2>&1; then
        echo "ok   $description"
    else
        echo "FAIL $description"
        echo "     $*"
        failures=$((failures + 1))
    fi
}
stat_is() { echo "[ \"\$(stat -c '%a %U:%G' $1)\" = '$2' ]"; }

echo "== install $(dpkg-deb -f "$previous" Version)"
in_root apt-get install -y -qq /tmp/previous.deb >"$root/tmp/install.log" 2>&1 ||
    { cat "$root/tmp/install.log"; exit 1; }
check "installed with its Depends" "dpkg-query -W -f='\${Status}' helpdeskd | grep -q 'install ok installed'"
check "the binary runs with only the Depends installed" "helpdeskd --version | grep -q ."
check "no library is missing" "! ldd /usr/bin/helpdeskd | grep -q 'not found'"
check "the Swift runtime is linked in" "! ldd /usr/bin/helpdeskd | grep -q swift"
check "system user helpdeskd, nologin, home /var/lib/helpdeskd" \
    "getent passwd helpdeskd | grep -q ':/var/lib/helpdeskd:/usr/sbin/nologin\$' && [ \$(id -u helpdeskd) -lt 1000 ]"
check "/var/lib/helpdeskd 0700 helpdeskd" "$(stat_is /var/lib/helpdeskd '700 helpdeskd:helpdeskd')"
check "/var/backups/helpdeskd 0700 root" "$(stat_is /var/backups/helpdeskd '700 root:root')"
check "/etc/helpdeskd 0750 root:helpdeskd" "$(stat_is /etc/helpdeskd '750 root:helpdeskd')"
check "helpdeskd.toml 0640 root:helpdeskd" "$(stat_is /etc/helpdeskd/helpdeskd.toml '640 root:helpdeskd')"
check "helpdeskd.toml is a conffile" "dpkg-query -W -f='\${Conffiles}' helpdeskd | grep -q '/etc/helpdeskd/helpdeskd.toml '"
for secret in imap.secret smtp.secret imap.token hmac.key; do
    check "$secret 0600 root" "$(stat_is /etc/helpdeskd/$secret '600 root:root')"
done
check "hmac.key: 32 random bytes" "[ \$(stat -c %s /etc/helpdeskd/hmac.key) = 32 ]"
check "unit, backup service and timer in /lib/systemd/system" \
    "grep -q '^ExecStart=/usr/bin/helpdeskd run' /lib/systemd/system/helpdeskd.service &&
     grep -q 'ExecStart=/usr/bin/helpdeskd backup' /lib/systemd/system/helpdeskd-backup.service &&
     [ -f /lib/systemd/system/helpdeskd-backup.timer ]"
check "sysusers and tmpfiles entries" "[ -f /usr/lib/sysusers.d/helpdeskd.conf ] && [ -f /usr/lib/tmpfiles.d/helpdeskd.conf ]"
check "templates" "[ -f /usr/share/helpdeskd/templates/acknowledgement.mustache ]"
check "man pages helpdeskd(8), helpdeskd.toml(5)" \
    "[ -f /usr/share/man/man8/helpdeskd.8.gz ] && zcat /usr/share/man/man5/helpdeskd.toml.5.gz | grep -q 'ticket_prefix'"
check "enabled: the multi-user.target.wants link made without systemd" \
    "[ -L /etc/systemd/system/multi-user.target.wants/helpdeskd.service ]"
check "the backup timer is not enabled" "[ ! -e /etc/systemd/system/timers.target.wants/helpdeskd-backup.timer ]"

# The daemon's user reads the configuration through its group; systemd would hand it a copy of the key
# (LoadCredential=): a directory of its own stands in for $CREDENTIALS_DIRECTORY.
in_root sh -c 'install -d -m 0700 -o helpdeskd /run/credentials-test &&
    install -m 0400 -o helpdeskd /etc/helpdeskd/hmac.key /run/credentials-test/hmac.key &&
    printf "From: Anna <anna@example.edu>\r\nTo: helpdesk@example.com\r\nSubject: Exam will not load\r\nMessage-ID: <a1@example.edu>\r\n\r\nServer: proctor.example.edu\r\n" > /tmp/anna.eml &&
    printf "From: Carl <carl@example.net>\r\nTo: helpdesk@example.com\r\nSubject: Blank page after login\r\nMessage-ID: <c1@example.net>\r\n\r\nServer: lms.example.net\r\n" > /tmp/carl.eml &&
    chmod 644 /tmp/anna.eml /tmp/carl.eml'
as_service="runuser -u helpdeskd -- env CREDENTIALS_DIRECTORY=/run/credentials-test helpdeskd"
config="--config /etc/helpdeskd/helpdeskd.toml"
check "the service user reads the configuration and creates the store" \
    "$as_service ingest $config /tmp/anna.eml | grep -q 'created HD-000001' &&
     $as_service ingest $config /tmp/carl.eml | grep -q 'created HD-000002'"
check "store 0600 helpdeskd" "$(stat_is /var/lib/helpdeskd/helpdeskd.sqlite '600 helpdeskd:helpdeskd')"
# Read from outside without touching it (immutable: no lock, no -shm; the commands have closed the store).
schema_of() {
    python3 -c 'import sys, sqlite3; print(sqlite3.connect("file:" + sys.argv[1] + "?immutable=1", uri=True)
        .execute("SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1").fetchone()[0])' "$1"
}
previous_schema=$(schema_of "$root/var/lib/helpdeskd/helpdeskd.sqlite")
echo "     the previous program's store is at schema $previous_schema"
key_before=$(in_root sha256sum /etc/helpdeskd/hmac.key)
uid_before=$(in_root id -u helpdeskd)
# The admin edits the configuration.
in_root sh -c 'echo "# edited by the admin" >> /etc/helpdeskd/helpdeskd.toml'

# From here systemd "runs": /run/systemd/system exists and /usr/bin/systemctl (systemd is not installed) is a
# stand-in that records what the maintainer scripts ask of it, directly or through deb-systemd-invoke and
# deb-systemd-helper (dpkg's PATH for maintainer scripts has no /usr/local).
in_root sh -c 'mkdir -p /run/systemd/system && printf "%s\n" "#!/bin/sh" "echo \"\$*\" >> /tmp/systemctl.log" "exit 0" \
    > /usr/bin/systemctl && chmod 755 /usr/bin/systemctl && : > /tmp/systemctl.log'

# The upgrade as README says (keep the admin's configuration; the package's new sample beside it).
conffile() { dpkg-deb --fsys-tarfile "$1" | tar -xO ./etc/helpdeskd/helpdeskd.toml | sha256sum | cut -c1-64; }
new_sample=$(conffile "$new")
newest_schema=$(sed -n 's/.*registerMigration("\(.*\)").*/\1/p' Sources/TicketStore/SQLite/Schema.swift | tail -1)
echo "== upgrade to $(dpkg-deb -f "$new" Version)"
in_root apt-get install -y -qq -o Dpkg::Options::=--force-confold /tmp/new.deb >"$root/tmp/upgrade.log" 2>&1 ||
    { cat "$root/tmp/upgrade.log"; exit 1; }
check "upgraded" "[ \"\$(dpkg-query -W -f='\${Version}' helpdeskd)\" = '$(dpkg-deb -f "$new" Version)' ]"
if [ "$(conffile "$previous")" = "$new_sample" ]; then
    check "the admin's configuration kept, no prompt" \
        "grep -q 'edited by the admin' /etc/helpdeskd/helpdeskd.toml && [ ! -e /etc/helpdeskd/helpdeskd.toml.dpkg-dist ]"
else
    check "the admin's configuration kept, the new sample beside it as helpdeskd.toml.dpkg-dist" \
        "grep -q 'edited by the admin' /etc/helpdeskd/helpdeskd.toml &&
         [ \"\$(sha256sum < /etc/helpdeskd/helpdeskd.toml.dpkg-dist | cut -c1-64)\" = '$new_sample' ]"
fi
check "configuration permissions kept" "$(stat_is /etc/helpdeskd/helpdeskd.toml '640 root:helpdeskd')"
check "the signing key kept" "[ \"\$(sha256sum /etc/helpdeskd/hmac.key)\" = '$key_before' ]"
check "the same user" "[ \$(id -u helpdeskd) = $uid_before ]"
check "the new program reads the kept configuration and opens the store ($previous_schema -> $newest_schema)" \
    "$as_service status $config | grep -q 'open'"
check "the store is at schema $newest_schema" "[ '$(schema_of "$root/var/lib/helpdeskd/helpdeskd.sqlite")' = '$newest_schema' ]"
check "every ticket the previous program stored is there" \
    "$as_service tickets show HD-000001 $config | grep -q 'Exam will not load' &&
     $as_service tickets show HD-000002 $config | grep -q 'carl@example.net'"
check "backup as root: the store at schema $newest_schema, both tickets, archive 0600" \
    "helpdeskd backup $config --out /var/backups/helpdeskd --keep 2 --json > /tmp/manifest.json &&
     grep -q '\"$newest_schema\"' /tmp/manifest.json && grep -Eq '\"tickets\" ?: ?2,' /tmp/manifest.json &&
     grep -Eq '\"integrity_check\" ?: ?\"ok\"' /tmp/manifest.json &&
     $(stat_is '/var/backups/helpdeskd/helpdeskd-*.tar' '600 root:root')"
check "restore as root: restored files belong to helpdeskd" \
    "helpdeskd restore $config /var/backups/helpdeskd/helpdeskd-*.tar &&
     $(stat_is /var/lib/helpdeskd/helpdeskd.sqlite '600 helpdeskd:helpdeskd') &&
     $as_service tickets show HD-000002 $config | grep -q 'carl@example.net'"
check "still enabled" "[ -L /etc/systemd/system/multi-user.target.wants/helpdeskd.service ]"
check "a running daemon is restarted" "grep -q 'try-restart helpdeskd.service' /tmp/systemctl.log"

echo "== remove"
in_root apt-get remove -y -qq helpdeskd >"$root/tmp/remove.log" 2>&1 || { cat "$root/tmp/remove.log"; exit 1; }
check "the binary is gone" "[ ! -e /usr/bin/helpdeskd ]"
check "the daemon is stopped" "grep -q 'stop helpdeskd.service' /tmp/systemctl.log"
check "configuration, secrets and store stay" \
    "[ -f /etc/helpdeskd/helpdeskd.toml ] && [ -f /etc/helpdeskd/imap.secret ] && [ -f /var/lib/helpdeskd/helpdeskd.sqlite ]"

echo "== purge, with a store"
in_root apt-get purge -y -qq helpdeskd >"$root/tmp/purge.log" 2>&1 || { cat "$root/tmp/purge.log"; exit 1; }
check "purge says what it kept" "grep -q 'kept /var/lib/helpdeskd' /tmp/purge.log"
check "configuration and secrets removed" \
    "[ ! -e /etc/helpdeskd/helpdeskd.toml ] && [ ! -e /etc/helpdeskd/imap.secret ] && [ ! -e /etc/helpdeskd/imap.token ]"
check "the store and its signing key kept" "[ -f /var/lib/helpdeskd/helpdeskd.sqlite ] && [ -f /etc/helpdeskd/hmac.key ]"
check "backups kept" "ls /var/backups/helpdeskd/helpdeskd-*.tar"
check "the user kept" "getent passwd helpdeskd"
check "no unit state left" "[ ! -e /etc/systemd/system/multi-user.target.wants/helpdeskd.service ] && [ ! -e /var/lib/systemd/deb-systemd-helper-enabled/helpdeskd.service.dsh-also ]"

echo "== install again over the kept store, then purge without a store"
: >"$root/tmp/systemctl.log"
in_root apt-get install -y -qq /tmp/new.deb >"$root/tmp/reinstall.log" 2>&1 ||
    { cat "$root/tmp/reinstall.log"; exit 1; }
check "a first install under systemd enables (preset) and starts nothing" \
    "grep -q 'preset-mode=enable-only preset helpdeskd.service' /tmp/systemctl.log &&
     ! grep -Eq '(^| )(start|restart|try-restart) ' /tmp/systemctl.log"
check "the kept store and key are taken up again" \
    "[ \"\$(sha256sum /etc/helpdeskd/hmac.key)\" = '$key_before' ] && $as_service status --config /etc/helpdeskd/helpdeskd.toml | grep -q open"
in_root rm -f /var/lib/helpdeskd/helpdeskd.sqlite
in_root apt-get purge -y -qq helpdeskd >"$root/tmp/purge2.log" 2>&1 || { cat "$root/tmp/purge2.log"; exit 1; }
check "without a store, purge removes /var/lib/helpdeskd and /etc/helpdeskd" "[ ! -e /var/lib/helpdeskd ] && [ ! -e /etc/helpdeskd ]"
check "dpkg forgets the package" "! dpkg-query -W helpdeskd 2>/dev/null | grep -q ."

echo "test-deb: $((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
