#!/usr/bin/env bash
# Reading Excel (#12): a benchmark, not a test. 200,000 spot-checks as a workbook
# (written by openpyxl), taken in by `fieldsync ingest` (the whole intake), beside the
# same rows as CSV through the same intake, and beside openpyxl (read-only mode) only
# reading the workbook's rows. Prints one line per run: what, seconds, peak RSS.
#
#   bench/workbook-read.sh [RECORDS] [REPS]      (200000, 3)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
records=${1:-200000} reps=${2:-3}
. "$ROOT/bench/release.sh"
release_binaries fieldsync fieldsync-bench
python3 -c 'import openpyxl' 2>/dev/null || { echo "openpyxl not found (pip install openpyxl)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/fieldsync-workbook-XXXXXX")
trap 'rm -rf "$work"' EXIT
"$BIN/fieldsync-bench" --generate "$records" "$work/site" >/dev/null
csv=$(ls "$work"/site/spool/inspectors/*.csv)
mv "$csv" "$work/rows.csv"
python3 - "$work/rows.csv" "$work/rows.xlsx" <<'PY'
import csv, sys
from openpyxl import Workbook
wb = Workbook(write_only=True)
ws = wb.create_sheet("data")
with open(sys.argv[1], encoding="utf-8") as f:
    for i, row in enumerate(csv.reader(f)):
        if i > 0:
            row[7] = int(row[7])  # the revision as a number cell
        ws.append(row)
wb.save(sys.argv[2])
PY
cd "$work/site"
for _ in $(seq 1 "$reps"); do
    for what in xlsx csv openpyxl; do
        rm -rf state spool/inspectors/*
        case $what in
            xlsx|csv) cp "$work/rows.$what" "spool/inspectors/rows.$what"; touch -d '-1 min' "spool/inspectors/rows.$what"
                /usr/bin/time -f "$what through fieldsync ingest: %e s, %M KB" "$BIN/fieldsync" ingest --config fieldsync.toml 2>&1 >/dev/null | tail -1 ;;
            openpyxl) /usr/bin/time -f "xlsx rows read by openpyxl (read-only, nothing else): %e s, %M KB" python3 -c "
from openpyxl import load_workbook
ws = load_workbook('$work/rows.xlsx', read_only=True).worksheets[0]
sum(1 for _ in ws.iter_rows(values_only=True))" 2>&1 | tail -1 ;;
        esac
    done
done
