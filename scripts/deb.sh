#!/usr/bin/env bash
# make deb: fieldsync_VERSION_amd64.deb — both binaries (the daemon and the reference
# receiver: one version, one set of units, one package) built with the Swift standard
# library and Foundation linked in (--static-swift-stdlib) and stripped, so that a
# server without a Swift toolchain runs them with Debian's own libraries only; the
# files laid out by the same systemd/install.mk as `make install` (PREFIX=/usr, units
# in /lib/systemd/system); Depends: from what the binaries really link
# (dpkg-shlibdeps); the maintainer scripts of packaging/deb/. Then lintian.
#
#   scripts/deb.sh [OUT_DIR]          (default: .build/deb; prints the .deb's path last)
#
# VERSION: from the newest tag like v1.2.3 (v1.2.3-rc1 is 1.2.3~rc1, before 1.2.3),
# with +N.gSHA for N commits since; without a tag 0~N.gitYYYYMMDD.SHA, N the commits
# so far and the date the commit's own: the same commit always makes the same version,
# whatever the day it is built, and a later commit a higher one.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/.build/deb}
SWIFT=${SWIFT:-swift}
SCRATCH=$ROOT/.build-deb
started=$(date +%s)

cd "$ROOT"
sha=$(git rev-parse --short=7 HEAD)
if tag=$(git describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null); then
    version=${tag#v}
    version=${version/-/\~}
    since=$(git rev-list --count "$tag..HEAD")
    [ "$since" = 0 ] || version="$version+$since.g$sha"
else
    version="0~$(git rev-list --count HEAD).git$(git log -1 --format=%cd --date=format:%Y%m%d).$sha"
fi
arch=$(dpkg --print-architecture)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then version="$version+dirty"; fi
echo "deb: fieldsync $version" >&2

# 1. The binaries: release, the Swift runtime linked in, stripped.
for product in fieldsync fieldsync-central; do
    "$SWIFT" build -c release --scratch-path "$SCRATCH" --static-swift-stdlib --product "$product" >&2
done
bin=$("$SWIFT" build -c release --scratch-path "$SCRATCH" --show-bin-path)
# The binary must name the commit it is packaged from. The GitVersion plugin's inputs
# (HEAD, the branch, the index, the sources) see to it; should it ever not, the build is
# planned anew (Package.swift touched) and run again, and the check below decides.
described=$(git describe --always --dirty --tags)
if [ "$("$bin/fieldsync" --version)" != "$described" ]; then
    touch Package.swift
    for product in fieldsync fieldsync-central; do
        "$SWIFT" build -c release --scratch-path "$SCRATCH" --static-swift-stdlib --product "$product" >&2
    done
fi
[ "$("$bin/fieldsync" --version)" = "$described" ] \
    || { echo "deb: fieldsync --version says $("$bin/fieldsync" --version), not $described" >&2; exit 1; }

# The manual pages, from the commands' own help (swift-argument-parser's generator),
# dated by the commit.
"$SWIFT" build -c release --scratch-path "$SCRATCH" --static-swift-stdlib --product generate-manual >&2

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
mkdir -p "$root"

# 2. The files, as make install lays them out under /usr.
make -s -f systemd/install.mk install DESTDIR="$root" BIN_SRC="$bin" PREFIX=/usr \
    UNITDIR=/lib/systemd/system SYSUSERSDIR=/usr/lib/sysusers.d TMPFILESDIR=/usr/lib/tmpfiles.d >/dev/null
strip --strip-unneeded "$root/usr/bin/fieldsync" "$root/usr/bin/fieldsync-central"
# /etc/fieldsync stays 0750 and its files 0640 (root:root here; postinst's tmpfiles
# gives them the group fieldsync): the config is the daemon's, not every user's.
install -m 0644 packaging/deb/copyright "$root/usr/share/doc/fieldsync/copyright"
mkdir -p "$root/usr/share/man/man1"
for product in fieldsync fieldsync-central; do
    "$bin/generate-manual" "$bin/$product" --date "$(git log -1 --format=%cd --date=format:%Y-%m-%d)" \
        --authors "the fieldsync authors" --output-directory "$stage"
    # A blank line of the help text is a paragraph break to mdoc (groff warns at an empty line).
    sed 's/^$/.Pp/' "$stage/$product.1" | gzip -9n > "$root/usr/share/man/man1/$product.1.gz"
done
cat > "$stage/changelog" <<EOF
fieldsync ($version) stable; urgency=medium

  * Built from commit $(git rev-parse HEAD).

 -- fieldsync maintainers <fieldsync@example.org>  $(git log -1 --format=%cD)
EOF
gzip -9n < "$stage/changelog" > "$root/usr/share/doc/fieldsync/changelog.gz"   # a native package's
gzip -9n "$root/usr/share/doc/fieldsync/README.md"
find "$root/usr" "$root/lib" -type d -exec chmod 0755 {} +

# 3. Depends: what the binaries link, as Debian's packages provide it.
mkdir -p "$stage/shlibs/debian"
printf 'Source: fieldsync\n\nPackage: fieldsync\nArchitecture: %s\n' "$arch" > "$stage/shlibs/debian/control"
depends=$(cd "$stage/shlibs" && dpkg-shlibdeps -O "$root/usr/bin/fieldsync" "$root/usr/bin/fieldsync-central" \
          | sed -n 's/^shlibs:Depends=//p')

# 4. Control files: conffiles are every file under /etc (an operator's edits survive).
mkdir -p "$root/DEBIAN"
(cd "$root" && find etc -type f | sed 's|^|/|' | sort) > "$root/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@DEPENDS@|$depends|" -e "s|@SIZE@|$size|" -e "s|@ARCH@|$arch|" packaging/deb/control.in > "$root/DEBIAN/control"
install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$root/DEBIAN/"

mkdir -p "$OUT"
deb="$OUT/fieldsync_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2

# 5. lintian: errors fail the build; warnings are printed, except the two tags of
# packaging/deb/lintian-overrides.txt: /etc/fieldsync is 0750 with 0640 files and
# /etc/fieldsync-central 0700 on purpose (the config is the daemon's, central's token
# list root's), not the 0755/0644 lintian expects.
if command -v lintian >/dev/null; then
    lintian --fail-on error --suppress-tags-from-file packaging/deb/lintian-overrides.txt "$deb" >&2
else
    echo "deb: lintian not installed (apt-get install lintian): not checked" >&2
fi
echo "deb: built in $(( $(date +%s) - started )) s; Depends: $depends, systemd, init-system-helpers" >&2
echo "$deb"
