#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build, test and demo fieldsync.
# Idempotent and quiet when everything is there. Needs root (or sudo) only when
# something is missing.
set -euo pipefail

need=()
pkg-config --exists libcurl 2>/dev/null || need+=(libcurl4-openssl-dev)
pkg-config --exists sqlite3 2>/dev/null || need+=(libsqlite3-dev)  # GRDB's SQLite headers
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v sqlite3 >/dev/null || need+=(sqlite3)          # the ingest benchmark's peer
command -v inotifywait >/dev/null || need+=(inotify-tools) # the latency benchmark's floor
command -v openssl >/dev/null || need+=(openssl)           # TLS tests make a throw-away CA
command -v python3 >/dev/null || need+=(python3)           # TLS test server, fixture checker
command -v curl >/dev/null || need+=(curl)                 # the push benchmark's peer
command -v soffice >/dev/null || need+=(libreoffice-calc)  # a real producer of the .xlsx test workbooks
command -v chromium >/dev/null || need+=(chromium)          # prints the report to PDF; the tests see it as a person does
command -v pdftotext >/dev/null || need+=(poppler-utils)   # reads the printed report's text back
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)  # Chinese in the report and its PDF
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)  # central's PostgreSQL tests start a cluster of their own
command -v psql >/dev/null || need+=(postgresql-client)
python3 -c 'import pip' 2>/dev/null || need+=(python3-pip)

# openpyxl, the other producer of test workbooks (from PyPI).
install_openpyxl() {
  python3 -c 'import openpyxl' 2>/dev/null && return 0
  echo "setup: installing openpyxl (pip)" >&2
  python3 -m pip install -q openpyxl 2>/dev/null || python3 -m pip install -q --break-system-packages openpyxl
}

if [ ${#need[@]} -eq 0 ]; then
  install_openpyxl
  exit 0
fi

echo "setup: installing ${need[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null; then
  sudo="sudo"
else
  echo "setup: please install as root: apt-get install -y ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
install_openpyxl
