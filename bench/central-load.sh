#!/usr/bin/env bash
# Central's load (#14): a benchmark, not a test; prints a Markdown table.
#
#   bench/central-load.sh [--offices N] [--connections N] [--pushes N] [--rate R] [--dir BASE]
#
# One real city-size scores document (11 units × 40 indicators, about 95 KB compact),
# scored by `fieldsync` itself from generated spot-checks; then `fieldsync-bench
# --central-load` pushes new sequences of it (never a replay) for N (1,000) offices,
# each with its own token, over C (64) kept-alive connections, M (5,000) pushes, side by
# side in one run, first as fast as the server answers (each connection sends its next
# push when the previous is answered: the capacity), then offered at R (200) pushes/s
# (open loop: the latency a push sees at that load, counted from when it was due),
# against:
#   1. one receiver on SQLite (a city's set-up);
#   2. one receiver on PostgreSQL;
#   3. two receivers on the same PostgreSQL, the connections spread over both (as a
#      load balancer would).
# PostgreSQL is a throw-away cluster (Debian's postgresql 15) with its defaults — fsync
# and synchronous_commit on: the WAL's flush is part of what is measured — on a unix
# socket. Each set-up gets a fresh database. Beside each: the CPU seconds the receivers
# and PostgreSQL used, and PostgreSQL's WAL bytes, to see where the limit is.
# Everything runs on this one machine. BASE defaults to $TMPDIR or /tmp (a real disk).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
offices=1000 connections=64 pushes=5000 rate=200 base="${TMPDIR:-/tmp}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --offices) offices="$2"; shift 2 ;;
        --connections) connections="$2"; shift 2 ;;
        --pushes) pushes="$2"; shift 2 ;;
        --rate) rate="$2"; shift 2 ;;
        --dir) base="$2"; shift 2 ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
. "$ROOT/bench/release.sh"
release_binaries fieldsync fieldsync-central fieldsync-bench
PG=/usr/lib/postgresql/15/bin
[ -x "$PG/initdb" ] || { echo "PostgreSQL 15 not found (apt-get install postgresql)" >&2; exit 2; }

work=$(mktemp -d "$base/fieldsync-central-load-XXXXXX")
chmod 755 "$work"
receivers=()
cleanup() {
    for pid in "${receivers[@]}"; do kill "$pid" 2>/dev/null || true; done
    as_postgres "$PG/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
# PostgreSQL will not run as root: nobody, when we are.
as_postgres() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; else "$@"; fi; }

# 1. The document: a city's scheme and spot-checks, ingested and scored by fieldsync.
"$BIN/fieldsync-bench" --generate 880 "$work/city" 11 40 >/dev/null
touch -d '1 minute ago' "$work"/city/spool/inspectors/*.csv  # past the quiet period
"$BIN/fieldsync" ingest --config "$work/city/fieldsync.toml" >/dev/null 2>&1
"$BIN/fieldsync" scores --config "$work/city/fieldsync.toml" --format json >"$work/document.json"
for ((i = 0; i < offices; i++)); do printf 'office-%04d load-token-%04d-0123456789abcdef\n' "$i" "$i"; done >"$work/tokens"

# 2. A throw-away PostgreSQL.
mkdir -m 700 "$work/pg"
[ "$(id -u)" = 0 ] && chown 65534:65534 "$work/pg"
as_postgres "$PG/initdb" -D "$work/pg/data" -A trust -U fieldsync -E UTF8 >/dev/null
as_postgres "$PG/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
    -o "-k $work/pg -c listen_addresses='' -c max_connections=200" start >/dev/null
psql_() { psql -h "$work/pg" -U fieldsync -d "$1" -qAtc "$2"; }
pg_cpu() {  # CPU seconds of every PostgreSQL process so far
    local total=0 pid
    for pid in $(pgrep -u 65534 postgres 2>/dev/null || pgrep postgres); do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}
pid_cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# Starts a receiver on DATABASE; sets PORT and adds its pid to receivers.
start_receiver() {
    local out="$work/receiver-${#receivers[@]}.out"
    "$BIN/fieldsync-central" --host 127.0.0.1 --port 0 --database "$1" --token-file "$work/tokens" \
        --log-level warning >"$out" 2>"$out.err" &
    receivers+=($!)
    for _ in $(seq 1 300); do
        PORT=$(sed -n 's|^listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$out")
        [ -n "$PORT" ] && return 0
        sleep 0.1
    done
    echo "fieldsync-central did not start: $(cat "$out.err")" >&2
    exit 1
}

ticks=$(getconf CLK_TCK)
echo "central under load: $offices offices, $connections connections, $pushes pushes, each a new sequence;" \
     "$(nproc) cores for everything (receivers, PostgreSQL, the load generator)."
echo
echo "| set-up | pushes | time | pushes/s | p50 | p99 | max | errors | receivers' CPU | PostgreSQL's CPU | WAL |"
echo "| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |"
run() {  # LABEL DATABASE RECEIVERS [RATE]
    local label="$1" database="$2" count="$3" targets="" pids=() before_pg wal0="" row pace=()
    [ -n "${4:-}" ] && pace=(--rate "$4") && label="$label, offered $4/s"
    for ((r = 0; r < count; r++)); do
        start_receiver "$database"
        pids+=("${receivers[-1]}")
        targets+="${targets:+,}127.0.0.1:$PORT"
    done
    before_pg=$(pg_cpu)
    [[ "$database" == postgres* ]] && wal0=$(psql_ postgres "SELECT pg_current_wal_lsn()")
    row=$("$BIN/fieldsync-bench" --central-load "$work/document.json" --targets "$targets" --offices "$offices" \
          --connections "$connections" --pushes "$pushes" --label "$label" "${pace[@]}")
    local cpu=0 pid
    for pid in "${pids[@]}"; do cpu=$((cpu + $(pid_cpu "$pid"))); done
    local pg="–" wal="–"
    if [ -n "$wal0" ]; then
        pg="$(awk -v t="$(( $(pg_cpu) - before_pg ))" -v k="$ticks" 'BEGIN { printf "%.1f s", t / k }')"
        wal=$(psql_ postgres "SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), '$wal0'))")
    fi
    echo "$row $(awk -v t="$cpu" -v k="$ticks" 'BEGIN { printf "%.1f s", t / k }') | $pg | $wal |"
    for pid in "${pids[@]}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
}
n=0
for pace in "" "$rate"; do
    n=$((n + 1))
    mkdir "$work/sqlite$n"
    run "SQLite, one receiver" "$work/sqlite$n/central.sqlite" 1 $pace
    psql_ postgres "CREATE DATABASE one$n"
    run "PostgreSQL, one receiver" "postgres://fieldsync@/one$n?host=$work/pg" 1 $pace
    psql_ postgres "CREATE DATABASE two$n"
    run "PostgreSQL, two receivers" "postgres://fieldsync@/two$n?host=$work/pg" 2 $pace
    stored=$(psql_ "two$n" "SELECT count(*) FROM document")
    [ "$stored" = "$pushes" ] || echo "two receivers stored $stored documents of $pushes pushes" >&2
done
echo
echo "Each document as stored: $(psql_ two1 "SELECT pg_size_pretty(pg_total_relation_size('document') / count(*)) FROM document")" \
     "in PostgreSQL (TOAST compresses the body), $(( $(stat -c %s "$work/sqlite1/central.sqlite") / pushes / 1024 )) kB in SQLite."
