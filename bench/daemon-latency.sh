#!/usr/bin/env bash
# Drop-to-receipt latency and burst throughput of `fieldsync run`.
#
#   bench/daemon-latency.sh [--binary PATH] [--dir BASE] [--files N] [--burst N]
#
# Starts the daemon on a throw-away site under BASE (default: $TMPDIR or /tmp; use
# /dev/shm to take the disk's fsync cost out), then
#   1. drops N (100) one-record files one after another — each written outside the drop
#      directory, renamed in, and the next one only after the previous receipt — and
#      measures rename → receipt per file;
#   2. renames a burst of M (1,000) prepared files in as fast as it can and measures the
#      time until the last receipt, beside the floor: how long `inotifywait -m` on the
#      drop directory takes to report the same M renames.
# Receipts are observed with `inotifywait -m -e moved_to` on receipts/ (the daemon
# writes each receipt to a temporary name and renames it), timestamped on arrival.
# Prints a Markdown table. Needs bash, python3, inotify-tools.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary=""
base="${TMPDIR:-/tmp}"
files=100
burst=1000
while [[ $# -gt 0 ]]; do
    case "$1" in
        --binary) binary="$2"; shift 2 ;;
        --dir) base="$2"; shift 2 ;;
        --files) files="$2"; shift 2 ;;
        --burst) burst="$2"; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
if [[ -z "$binary" ]]; then
    for candidate in "$here/.build/release/fieldsync" "$here/.build/debug/fieldsync"; do
        if [[ -x "$candidate" ]]; then binary="$candidate"; break; fi
    done
fi
[[ -x "$binary" ]] || { echo "no fieldsync binary; build it or pass --binary" >&2; exit 2; }
command -v inotifywait >/dev/null || { echo "inotifywait not found (apt-get install inotify-tools)" >&2; exit 2; }

export FIELDSYNC_BENCH_DIR="$here/bench"
exec python3 - "$binary" "$base" "$files" "$burst" "$here/bench/one-unit-scheme.toml" <<'PY'
import os, shutil, signal, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.environ["FIELDSYNC_BENCH_DIR"])
from benchlib import Watch, percentile as pct

binary, base, n_files, n_burst, one_unit_scheme = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
root = tempfile.mkdtemp(prefix="fieldsync-bench-", dir=base)
drop = os.path.join(root, "spool", "shouning")
outside = os.path.join(root, "outside")
receipts = os.path.join(drop, "receipts")
os.makedirs(outside)
os.makedirs(receipts)
os.makedirs(os.path.join(drop, "rejected"))
shutil.copy(one_unit_scheme, os.path.join(root, "scheme.toml"))
config = os.path.join(root, "fieldsync.toml")
with open(config, "w") as f:
    f.write('''office = "bench"
state_dir = "state"
schemes = ["scheme.toml"]
[[source]]
name = "shouning"
path = "spool/shouning"
role = "reporter"
unit = "shouning"
''')

def record(i):
    return ('{"id": "b-%d", "kind": "report", "period": "2026", "unit": "shouning", '
            '"indicator": "siren.fixed", "value": %d, "observed_at": "2026-11-20"}\n' % (i, i % 3)).encode()

env = dict(os.environ)
for key in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM"):
    env.pop(key, None)
env.setdefault("FIELDSYNC_LOG_LEVEL", "info")
log = open(os.path.join(root, "daemon.log"), "wb")
daemon = subprocess.Popen([binary, "run", "--config", config], stderr=log, stdout=subprocess.DEVNULL, env=env)
try:
    deadline = time.perf_counter() + 60
    while b"fieldsync started" not in open(os.path.join(root, "daemon.log"), "rb").read():
        if daemon.poll() is not None or time.perf_counter() > deadline:
            raise SystemExit("the daemon did not start:\n" + open(os.path.join(root, "daemon.log")).read())
        time.sleep(0.01)   # start-up only; the measurements below wait on events

    receipt_watch = Watch(receipts)

    # 1. one after another
    latencies = []
    for i in range(n_files):
        name = "seq-%04d.json" % i
        tmp = os.path.join(outside, name)
        with open(tmp, "wb") as f:
            f.write(record(i))
        t0 = time.perf_counter()
        os.rename(tmp, os.path.join(drop, name))
        receipt_watch.wait(lambda w: name + ".receipt.json" in w.seen, 30)
        latencies.append((receipt_watch.seen[name + ".receipt.json"] - t0) * 1000)

    # 2. a burst, beside inotifywait on the drop directory as the floor
    names = ["burst-%05d.json" % i for i in range(n_burst)]
    for i, name in enumerate(names):
        with open(os.path.join(outside, name), "wb") as f:
            f.write(record(100000 + i))
    drop_watch = Watch(drop)
    before = receipt_watch.count
    t0 = time.perf_counter()
    for name in names:
        os.rename(os.path.join(outside, name), os.path.join(drop, name))
    t_renamed = time.perf_counter()
    drop_watch.wait(lambda w: all(n in w.seen for n in names), 60)
    t_floor = max(drop_watch.seen[n] for n in names)
    receipt_watch.wait(lambda w: all(n + ".receipt.json" in w.seen for n in names), 600)
    t_done = max(receipt_watch.seen[n + ".receipt.json"] for n in names)
    burst_lat = sorted((receipt_watch.seen[n + ".receipt.json"] - t0) * 1000 for n in names)
    drop_watch.stop()
    receipt_watch.stop()

    daemon.send_signal(signal.SIGTERM)
    status = daemon.wait(timeout=30)

    # df names ext4 as such (stat -f says "ext2/ext3" for the whole family).
    fs = subprocess.run(["df", "--output=fstype", root], capture_output=True, text=True).stdout.split()[-1]
    print("### fieldsync run: drop-to-receipt\n")
    print("binary `%s`, site on %s (%s), %d CPUs, exit status after SIGTERM %d\n"
          % (binary, base, fs, os.cpu_count(), status))
    print("| measurement | n | p50 | p90 | p99 | max |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print("| rename → receipt, one after another | %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms |"
          % (len(latencies), pct(latencies, 50), pct(latencies, 90), pct(latencies, 99), max(latencies)))
    print("| burst: first rename → each receipt | %d | %.0f ms | %.0f ms | %.0f ms | %.0f ms |"
          % (len(burst_lat), pct(burst_lat, 50), pct(burst_lat, 90), pct(burst_lat, 99), burst_lat[-1]))
    print()
    print("| burst of %d files | time | files/s |" % n_burst)
    print("| --- | ---: | ---: |")
    print("| renaming them in (the bench's own loop) | %.1f ms | %.0f |" % ((t_renamed - t0) * 1000, n_burst / (t_renamed - t0)))
    print("| floor: inotifywait reports all %d renames | %.1f ms | %.0f |" % (n_burst, (t_floor - t0) * 1000, n_burst / (t_floor - t0)))
    print("| fieldsync: last receipt written | %.1f ms | %.0f |" % ((t_done - t0) * 1000, n_burst / (t_done - t0)))
finally:
    if daemon.poll() is None:
        daemon.kill()
        daemon.wait()
    log.close()
    if os.environ.get("KEEP") != "1":
        shutil.rmtree(root, ignore_errors=True)
    else:
        print("\nkept", root, file=sys.stderr)
PY
