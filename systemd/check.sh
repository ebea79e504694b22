#!/bin/sh
# check.sh — static checks of the systemd integration, for CI and by hand.
#
#   systemd/check.sh            (from anywhere; needs no root, starts nothing)
#
# 1. systemd-analyze verify on both units.  verify insists that ExecStart= binaries
#    exist, so it runs on copies whose /usr/local/bin/ is rewritten (as `make
#    install` would) to BIN_DIR: the real build products if you set BIN_DIR,
#    otherwise stub executables in a temporary directory.  Any output fails.
# 2. systemd-analyze security --offline=true: fails if the "Overall exposure level"
#    of fieldsync.service (or fieldsync-central.service) is above MAX_EXPOSURE
#    (default 1.1: no worse than it is).
# 3. sysusers.d / tmpfiles.d syntax: applied to a throw-away --root.
# 4. resource bounds: MemoryMax=, TasksMax=, LimitNOFILE= on both units;
#    SocketBindDeny=any on the daemon (it never listens), SocketBindAllow= on central.
#
# Exits 0 with a "skip" message when systemd-analyze is missing (or too old for
# --offline), 1 when a check fails.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
MAX_EXPOSURE=${MAX_EXPOSURE:-1.1}
BIN_DIR=${BIN_DIR:-}

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "check.sh: skip: systemd-analyze not found"
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
failed=0
fail() { echo "check.sh: FAIL: $*" >&2; failed=1; }

# --- 1. verify ----------------------------------------------------------------
if [ -z "$BIN_DIR" ]; then
    BIN_DIR=$tmp/bin
    mkdir -p "$BIN_DIR"
    for p in fieldsync fieldsync-central; do
        printf '#!/bin/sh\nexit 0\n' > "$BIN_DIR/$p"
        chmod 0755 "$BIN_DIR/$p"
    done
fi
mkdir -p "$tmp/units"
for u in fieldsync.service fieldsync-central.service; do
    sed "s|/usr/local/bin/|$BIN_DIR/|g" "$here/$u" > "$tmp/units/$u"
done
if out=$(systemd-analyze verify "$tmp/units/fieldsync.service" "$tmp/units/fieldsync-central.service" 2>&1) \
        && [ -z "$out" ]; then
    echo "verify: clean (binaries from $BIN_DIR)"
else
    printf '%s\n' "$out" >&2
    fail "systemd-analyze verify"
fi

# --- 2. security --------------------------------------------------------------
if ! systemd-analyze security --offline=true "$here/fieldsync.service" >/dev/null 2>&1 \
        && ! systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
    echo "check.sh: skip security: this systemd-analyze has no --offline (needs systemd >= 250)"
else
    for u in fieldsync.service fieldsync-central.service; do
        # "→ Overall exposure level for fieldsync.service: 1.1 OK 🙂"
        level=$(systemd-analyze security --offline=true --no-pager "$here/$u" 2>/dev/null \
                | sed -n 's/.*Overall exposure level for [^:]*: *\([0-9][0-9.]*\).*/\1/p')
        if [ -z "$level" ]; then
            fail "$u: no 'Overall exposure level' line from systemd-analyze security"
        elif awk -v l="$level" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(l > m) }'; then
            fail "$u: exposure $level > $MAX_EXPOSURE"
        else
            echo "security: $u exposure $level (max $MAX_EXPOSURE)"
        fi
    done
fi

# --- 3. sysusers / tmpfiles -----------------------------------------------------
if command -v systemd-sysusers >/dev/null 2>&1 && command -v systemd-tmpfiles >/dev/null 2>&1; then
    root=$tmp/root
    mkdir -p "$root/etc"
    if ! out=$(cat "$here/fieldsync.sysusers" "$here/fieldsync-sources.sysusers" | systemd-sysusers --root="$root" - 2>&1); then
        printf '%s\n' "$out" >&2; fail "systemd-sysusers"
    elif ! grep -q '^fieldsync-shouning:x:[0-9]*:fieldsync$' "$root/etc/group"; then
        fail "sysusers: fieldsync is not a member of fieldsync-shouning"
    else
        echo "sysusers: clean"
    fi
    # The ACL lines name the user "fieldsync", which tmpfiles resolves on the host,
    # not in --root; on a host without that user they are reported and skipped.
    out=$(cat "$here/fieldsync.tmpfiles" "$here/fieldsync-sources.tmpfiles" | systemd-tmpfiles --root="$root" --create - 2>&1) || rc=$?
    out=$(printf '%s\n' "$out" | grep -v 'Failed to parse ACL "default:user:fieldsync:rwx"' || true)
    if [ "${rc:-0}" -ne 0 ] || [ -n "$out" ]; then
        printf '%s\n' "$out" >&2; fail "systemd-tmpfiles"
    elif [ "$(stat -c %a "$root/var/spool/fieldsync/units/shouning")" != 3770 ] \
            || [ "$(stat -c %a "$root/var/spool/fieldsync/units/shouning/rejected")" != 2750 ]; then
        fail "tmpfiles: unexpected modes on units/shouning"
    else
        echo "tmpfiles: clean"
    fi
else
    echo "check.sh: skip sysusers/tmpfiles: systemd-sysusers or systemd-tmpfiles not found"
fi

# --- 4. resource bounds ------------------------------------------------------------
has() { grep -Eq "^$2" "$here/$1" || fail "$1: no $2"; }
for u in fieldsync.service fieldsync-central.service; do
    for d in 'MemoryMax=[0-9]' 'TasksMax=[0-9]' 'LimitNOFILE=[0-9]'; do has "$u" "$d"; done
done
has fieldsync.service 'SocketBindDeny=any$'
has fieldsync-central.service 'SocketBindAllow=tcp:[0-9]'
has fieldsync-central.service 'SocketBindDeny=any$'
[ "$failed" -eq 0 ] && echo "bounds: memory, tasks, descriptors and socket binding set on both units"

exit "$failed"
