#!/usr/bin/env bash
# Runs every parser of fieldsync under libFuzzer for a time budget each, seeded from
# fixtures/, and prints a table: target, executions, executions per second, corpus,
# crashes. `make fuzz` builds Fuzz/ first and calls this.
#
#   scripts/fuzz.sh SECONDS [TARGET ...]      (default: all targets)
#
# Crashing inputs land in Fuzz/crashes/TARGET/; the run exits 1 if there is any.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: fuzz.sh SECONDS [TARGET ...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(csv json records gb18030 timestamp decimal config scheme sheet)
binary=Fuzz/.build/debug/fieldsync-fuzz
[ -x "$binary" ] || { echo "fuzz.sh: build Fuzz/ first (make fuzz)" >&2; exit 2; }

seed() {  # seed TARGET DIR
    local t=$1 dir=$2 n=0
    case $t in
        csv) find fixtures -name '*.csv' ;;
        json) find fixtures \( -name '*.json' -o -name '*.jsonl' -o -name '*.ndjson' \) ;;
        records|gb18030) find fixtures/ningde/drops -type f ;;
        config) find fixtures -name 'fieldsync.toml'; echo systemd/fieldsync.toml ;;
        scheme) find fixtures bench -name '*scheme*.toml' ;;
        *) ;;
    esac | while read -r f; do cp "$f" "$dir/seed-$(basename "$f" | tr -c 'A-Za-z0-9.\n' '_')"; done
    case $t in
        timestamp) for s in 2026-11-20 2026-11-20T09:30:00+08:00 '2026-11-20 09:30:00+0800' 2026-11-20T01:30:00.250Z 9999-12-31; do
                       printf '%s' "$s" > "$dir/seed-$((n += 1))"; done ;;
        decimal) for s in 79.99 -3 +0.5 .5 1e3 2.5E-2 000120 0.000001 999999999999.999999 1e40; do
                     printf '%s' "$s" > "$dir/seed-$((n += 1))"; done ;;
    esac
}

# Library leaks known by name (Fuzz/lsan.supp); any other leak is a finding.
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

failed=0
printf '| target | seconds | executions | exec/s | corpus | crashes |\n| --- | --: | --: | --: | --: | --: |\n'
for t in "${targets[@]}"; do
    corpus=Fuzz/corpus/$t crashes=Fuzz/crashes/$t
    mkdir -p "$corpus" "$crashes"
    [ -n "$(ls -A "$corpus")" ] || seed "$t" "$corpus"
    log=$(mktemp)
    FUZZ_TARGET=$t "$binary" -max_total_time="$seconds" -print_final_stats=1 -max_len=65536 -rss_limit_mb=2048 \
        -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1 || true
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    found=$(find "$crashes" -type f | wc -l)
    printf '| %s | %s | %s | %s | %s | %s |\n' "$t" "$seconds" "${runs:-?}" "${rate:-?}" "$(ls "$corpus" | wc -l)" "$found"
    if [ "$found" -gt 0 ]; then failed=1; grep -m3 -E 'ERROR|Fatal|precondition|Assertion' "$log" >&2 || true; fi
    rm -f "$log"
done
exit $failed
