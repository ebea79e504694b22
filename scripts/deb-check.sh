#!/usr/bin/env bash
# make deb-check: the .deb on a machine without Swift. A minimal Debian 12 root made by
# debootstrap (from DEB_MIRROR, default deb.debian.org), the package installed there
# with apt (which fetches what Depends: names), then, inside it (chroot):
#   fieldsync --version; no Swift runtime anywhere (ldd names no libswift*);
#   fieldsync provision for the installed config, systemd-sysusers, systemd-tmpfiles;
#   fieldsync check on the installed config, as the daemon's user;
#   a one-file ingest as the daemon's user, and its receipt;
#   the same package installed again with a changed conffile kept (the operator's edit);
#   purge: the config gone, the store and the spool still there.
# Needs root, debootstrap and the network to the mirror. Bounded: the whole check is
# given DEB_CHECK_TIMEOUT seconds (1200).
#
#   scripts/deb-check.sh [PACKAGE.deb]      (default: scripts/deb.sh builds it)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MIRROR=${DEB_MIRROR:-http://deb.debian.org/debian}
LIMIT=${DEB_CHECK_TIMEOUT:-1200}
[ "$(id -u)" = 0 ] || { echo "deb-check: needs root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "deb-check: apt-get install debootstrap" >&2; exit 2; }
if [ "${1:-}" = "--inside-timeout" ]; then shift; else exec timeout --kill-after=30 "$LIMIT" "$0" --inside-timeout "$@"; fi
started=$(date +%s)
deb=${1:-$("$ROOT/scripts/deb.sh" | tail -n 1)}
[ -f "$deb" ] || { echo "deb-check: no package at $deb" >&2; exit 2; }

target=$(mktemp -d /var/tmp/fieldsync-deb-check-XXXXXX)
chmod 0755 "$target"   # the root of the new system: every user traverses it
cleanup() {
    umount -R "$target/proc" 2>/dev/null || true
    if [ -n "${DEB_CHECK_KEEP:-}" ]; then echo "deb-check: kept $target" >&2; else rm -rf --one-file-system "$target"; fi
}
trap cleanup EXIT
step() { echo "deb-check: $*" >&2; }
inside() { chroot "$target" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

step "debootstrap bookworm (minbase) from $MIRROR"
debootstrap --variant=minbase bookworm "$target" "$MIRROR" >"$target.debootstrap.log" 2>&1 \
    || { tail -n 20 "$target.debootstrap.log" >&2; rm -f "$target.debootstrap.log"; exit 1; }
rm -f "$target.debootstrap.log"
mount -t proc proc "$target/proc"
cp /etc/resolv.conf "$target/etc/resolv.conf"
cp "$deb" "$target/tmp/"
inside test ! -e /usr/bin/swift -a ! -d /opt/swift || { echo "deb-check: the root has Swift" >&2; exit 1; }

step "apt install $(basename "$deb")"
inside apt-get -qq update
inside apt-get -qq install -y --no-install-recommends "/tmp/$(basename "$deb")" >/dev/null
inside fieldsync --version
if inside sh -c 'ldd /usr/bin/fieldsync /usr/bin/fieldsync-central' | grep -i 'swift\|not found'; then
    echo "deb-check: a binary wants the Swift runtime or a library the package does not pull in" >&2; exit 1
fi

step "provision the installed config, then check it as the daemon's user"
inside sh -ec '
    fieldsync provision --config /etc/fieldsync/fieldsync.toml --kind sysusers -o /etc/sysusers.d/fieldsync-sources.conf
    fieldsync provision --config /etc/fieldsync/fieldsync.toml --kind tmpfiles -o /etc/tmpfiles.d/fieldsync-sources.conf
    systemd-sysusers
    systemd-tmpfiles --create || echo "(tmpfiles: the ACL lines are refused on some file systems)"
    id fieldsync | grep -q fieldsync-shouning
    test "$(stat -c "%a %U %G" /var/spool/fieldsync/units/shouning)" = "3770 fieldsync fieldsync-shouning"
    test "$(stat -c "%a %U %G" /var/spool/fieldsync/units/shouning/rejected)" = "2750 fieldsync fieldsync-shouning"'
inside runuser -u fieldsync -- fieldsync check --config /etc/fieldsync/fieldsync.toml

step "one file ingested as the daemon's user"
cp "$ROOT/fixtures/ningde/drops/shouning/"*.json "$target/var/spool/fieldsync/units/shouning/"
touch -d '1 hour ago' "$target/var/spool/fieldsync/units/shouning/"*.json
inside sh -c 'chown fieldsync:fieldsync-shouning /var/spool/fieldsync/units/shouning/*.json'   # as a clerk of the group drops it
inside runuser -u fieldsync -- fieldsync ingest --config /etc/fieldsync/fieldsync.toml
ls "$target/var/spool/fieldsync/units/shouning/receipts/"*.receipt.json >/dev/null \
    || { echo "deb-check: no receipt" >&2; exit 1; }

step "reinstall keeps an edited conffile; purge keeps the store and the spool"
echo '# edited by the operator' >> "$target/etc/fieldsync/fieldsync.toml"
inside dpkg -i --force-confold "/tmp/$(basename "$deb")" >/dev/null
grep -q 'edited by the operator' "$target/etc/fieldsync/fieldsync.toml" || { echo "deb-check: the edit was lost" >&2; exit 1; }
inside dpkg --purge fieldsync >/dev/null
[ ! -e "$target/etc/fieldsync/fieldsync.toml" ] || { echo "deb-check: purge left the config" >&2; exit 1; }
[ -e "$target/var/lib/fieldsync/fieldsync.sqlite" ] || { echo "deb-check: purge removed the store" >&2; exit 1; }
[ -d "$target/var/spool/fieldsync/units/shouning/receipts" ] || { echo "deb-check: purge removed the spool" >&2; exit 1; }
step "passed in $(( $(date +%s) - started )) s"
