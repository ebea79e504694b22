#!/usr/bin/env bash
# The Ningde demo, end to end: the reference central receiver on loopback, the
# fieldsync daemon on fixtures/ningde, the offices' files dropped one by one as the
# offices would (write, then rename), then what was accepted and rejected, the
# scoreboard, and the delivery landing at central.
#
#   scripts/demo.sh BIN_DIR        (make demo does this)
#   KEEP=1 scripts/demo.sh BIN_DIR keep the receiver running to look at its page
set -euo pipefail

bin=${1:?usage: demo.sh BIN_DIR (the directory with fieldsync and fieldsync-central)}
root=$(cd "$(dirname "$0")/.." && pwd)
demo="$root/demo"
rm -rf "$demo"
cp -r "$root/fixtures/ningde" "$demo"
rm -rf "$demo/state" "$demo/spool"
cd "$demo"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "1. 中心接收端 The central receiver (reference implementation) on 127.0.0.1"
"$bin/fieldsync-central" --host 127.0.0.1 --port 0 --database "$demo/central.sqlite" \
  --token-file "$demo/central-tokens" >"$demo/central.out" 2>"$demo/central.log" &
pids+=($!)
for _ in $(seq 1 100); do grep -q '^listening on' "$demo/central.out" 2>/dev/null && break; sleep 0.1; done
central=$(sed -n 's/^listening on //p' "$demo/central.out")
[ -n "$central" ] || { echo "the receiver did not start:"; cat "$demo/central.log"; exit 1; }
echo "listening on $central"
# Point the demo config at the receiver's real port.
sed -i "s#^url = .*#url = \"$central/api/fieldsync/v1/scores\"#" fieldsync.toml

say "2. fieldsync check: config and scheme"
"$bin/fieldsync" check --config fieldsync.toml

say "3. fieldsync run: the daemon starts, watching every drop directory (its log: demo/fieldsync.log)"
"$bin/fieldsync" run --config fieldsync.toml 2>"$demo/fieldsync.log" &
pids+=($!)
for _ in $(seq 1 100); do grep -q 'fieldsync started' "$demo/fieldsync.log" 2>/dev/null && break; sleep 0.1; done
sed 's/^/  daemon: /' "$demo/fieldsync.log"

say "4. 各单位报送文件 The offices drop their files (write, then rename)"
total=0
for dir in drops/*/; do
  src=$(basename "$dir")
  case $src in inspectors|survey) target="spool/$src" ;; *) target="spool/units/$src" ;; esac
  for f in "$dir"*; do
    name=$(basename "$f")
    case $name in *.md) continue ;; esac
    cp "$f" "$target/.$name.part"
    mv "$target/.$name.part" "$target/$name"
    total=$((total + 1))
    printf '  %-11s drops %s\n' "$src" "$name"
  done
done

# Wait until every file has a receipt or an errors file.
for _ in $(seq 1 300); do
  done_count=$(find spool -path '*/receipts/*.receipt.json' -o -path '*/rejected/*.errors.txt' | wc -l)
  [ "$done_count" -ge "$total" ] && break
  sleep 0.1
done

say "5. 已接收 Accepted: what the daemon logged, then each receipt (receipts/)"
grep -E ' (accepted|rejected)' "$demo/fieldsync.log" | sed 's/^/  daemon: /' | head -n 30
find spool -path '*/receipts/*.receipt.json' | sort | while read -r r; do
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("  %-40s records %d: new %d, updated %d, ignored %d, retracted %d" % (r["file"], r["records"], r["imported"], r["updated"], r["ignored"], r["retracted"]))' "$r"
done

say "6. 已退回 Rejected (rejected/NAME.errors.txt: line, field, reason)"
find spool -path '*/rejected/*.errors.txt' | sort | while read -r e; do
  echo "  $(basename "${e%.errors.txt}"):"
  sed 's/^/      /' "$e"
done

say "7. 成绩表 The scoreboard: fieldsync scores"
"$bin/fieldsync" scores --config fieldsync.toml

say "8. 推送 Delivery to central"
seq_local=$("$bin/fieldsync" scores --config fieldsync.toml --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sequence"])')
for _ in $(seq 1 100); do
  got=$(curl -s "$central/api/fieldsync/v1/offices/ningde-rfb/periods/2026" | python3 -c 'import json,sys
try: print(json.load(sys.stdin)["sequence"])
except Exception: print(0)' 2>/dev/null || echo 0)
  [ "$got" = "$seq_local" ] && [ "$got" != 0 ] && break
  sleep 0.2
done
"$bin/fieldsync" status --config fieldsync.toml | sed -n '/^推送 Push/,$p'
if [ "${got:-0}" = "$seq_local" ] && [ "$seq_local" != 0 ]; then
  echo "central holds sequence $got of ningde-rfb/2026 — the same document as 'fieldsync scores --format json'"
  curl -s "$central/api/fieldsync/v1/offices/ningde-rfb/periods/2026" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("  overall total %s (%s %s)" % (d["overall"]["total"], d["overall"]["grade_zh"], d["overall"]["grade"]))'
else
  echo "central has not received the latest sequence yet; see demo/fieldsync.log"
fi

say "9. 填报模板 A fill-in workbook: made by fieldsync template, filled as a clerk would, dropped, accepted, corrected"
"$bin/fieldsync" template --config fieldsync.toml --source shouning -o "$demo/寿宁县-填报模板.xlsx"
# The clerk opens a workbook, types values in the 数值 cells of some rows, saves it
# (as the file given), and drops it.
fill() {
  python3 - "$@" <<'FILL'
import sys
from openpyxl import load_workbook
wb = load_workbook(sys.argv[1])
ws = wb["数据"]
value = [c.value for c in ws[1]].index("数值") + 1
for pair in sys.argv[3:]:
    code, v = pair.split("=")
    for row in ws.iter_rows(min_row=2):
        if row[0].value.endswith("-" + code):
            ws.cell(row=row[0].row, column=value, value=v if v in ("是", "否") else int(v))
            print("  clerk types 数值 =", v, "for", row[4].value)
wb.save(sys.argv[2])
FILL
}
receipt() {
  for _ in $(seq 1 100); do [ -f "spool/units/shouning/receipts/$1.receipt.json" ] && break; sleep 0.1; done
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("  receipt 回执: %s — records %d: new %d, updated %d, unchanged %d" % (r["file"], r["records"], r["imported"], r["updated"], r["ignored"]))' \
    "spool/units/shouning/receipts/$1.receipt.json"
}
fill "$demo/寿宁县-填报模板.xlsx" "$demo/寿宁县-填报.xlsx" duty.24h=是 siren.drill=1
cp "$demo/寿宁县-填报.xlsx" "$demo/.part" && mv "$demo/.part" spool/units/shouning/寿宁县-填报.xlsx
receipt 寿宁县-填报.xlsx
echo "  (the rows left empty were skipped)"
# A moment later the clerk sees the drill count is wrong, corrects it in the same
# workbook and drops it again: no id or revision to touch.
sleep 1
fill "$demo/寿宁县-填报.xlsx" "$demo/寿宁县-填报-更正.xlsx" siren.drill=2
cp "$demo/寿宁县-填报-更正.xlsx" "$demo/.part" && mv "$demo/.part" spool/units/shouning/寿宁县-填报-更正.xlsx
receipt 寿宁县-填报-更正.xlsx
echo "  (the corrected row is its next revision; an older copy dropped later would be refused)"

say "10. 报告 The leadership meeting's report: fieldsync report (HTML; a PDF when Chromium is installed)"
# The daemon scores each change as a sequence (debounce 1 s): wait for the correction's,
# so the trend shows the scores before and after it.
for _ in $(seq 1 100); do
  "$bin/fieldsync" status --config fieldsync.toml --format json | python3 -c 'import json,sys; sys.exit(any(p["changed_not_staged_since"] for p in json.load(sys.stdin)["push"]["periods"]))' && break
  sleep 0.1
done
"$bin/fieldsync" report --config fieldsync.toml -o "$demo/宁德-2026-报告.html"
if command -v chromium >/dev/null; then
  "$bin/fieldsync" report --config fieldsync.toml --format pdf -o "$demo/宁德-2026-报告.pdf"
fi
echo "  the same page for the same document at central: $central/report/ningde-rfb/2026"

say "11. 监控 What monitoring reads: the daemon's metrics textfile (state/metrics.prom) and central's /metrics"
for _ in $(seq 1 100); do [ -s state/metrics.prom ] && break; sleep 0.1; done
grep -E '^fieldsync_(files_total\{source="(shouning|inspectors)"|outbox_documents|delivery_attempts_total\{outcome="delivered"|build_info)' \
  state/metrics.prom | sort | sed 's/^/  /'
echo "  … $(grep -c '^fieldsync_' state/metrics.prom) series in all (fieldsync metrics prints the same; docs/OPERATIONS.md has the alert rules)"
curl -s "$central/metrics" | grep -E '^fieldsync_central_(pushes_total\{office="ningde-rfb"|database_up)' | sed 's/^/  central: /'

say "Done 完成"
echo "Files: demo/ (spool/ receipts and rejected files, state/ the SQLite store and archive, fieldsync.log)."
if [ "${KEEP:-0}" = 1 ]; then
  echo "The city scoreboard page: open $central/ in a browser. Press Enter to stop."
  read -r _ || true
else
  echo "Run with KEEP=1 (make demo KEEP=1) to keep the receiver running and open its scoreboard page at $central/."
fi
