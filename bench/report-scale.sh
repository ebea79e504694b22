#!/usr/bin/env bash
# The report at scale (issue #13): a 100-unit × 50-indicator period in a store of
# 200,000 records — `fieldsync report --format html` (read, score, render) beside
# `fieldsync scores --format json` (read, score, the document alone: its floor), and
# the PDF through headless Chromium; times, peak memory and sizes.
#
#   bench/report-scale.sh [RECORDS] [REPS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
records=${1:-200000} reps=${2:-3}
. "$ROOT/bench/release.sh"
release_binaries fieldsync fieldsync-bench
work=$(mktemp -d "${TMPDIR:-/tmp}/fieldsync-report-XXXXXX")
trap 'rm -rf "$work"' EXIT
# The store: fieldsync-bench's 100 × 50 scheme and one file of RECORDS spot-checks, ingested.
"$BIN/fieldsync-bench" --sizes "$records" --reps 1 --small-reps 1 --dir "$work/bench" --keep >/dev/null
site=$(ls -d "$work/bench/fieldsync-$records-0")
config="$site/fieldsync.toml"
measure() {  # label, output file, command…
    local label=$1 out=$2; shift 2
    for _ in $(seq 1 "$reps"); do
        /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/stdout" 2>"$work/stderr"
        read -r seconds kb <"$work/time"
        size=$(stat -c %s "$out" 2>/dev/null || echo 0)
        printf '%s: %s s, %s KB peak, output %s bytes\n' "$label" "$seconds" "$kb" "$size"
    done
}
measure "scores --format json (the document: the floor)" "$work/stdout" "$BIN/fieldsync" scores --config "$config" --format json
measure "report --format html" "$work/r.html" "$BIN/fieldsync" report --config "$config" -o "$work/r.html"
if command -v chromium >/dev/null; then
    measure "report --format pdf (Chromium prints it)" "$work/r.pdf" "$BIN/fieldsync" report --config "$config" --format pdf -o "$work/r.pdf"
    pdfinfo "$work/r.pdf" 2>/dev/null | grep Pages || true
fi
