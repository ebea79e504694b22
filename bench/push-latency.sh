#!/usr/bin/env bash
# Push benchmark (not a test): prints a Markdown table of figures.
#
#  1. change-to-2xx latency: `fieldsync-central` on loopback (port 0), `fieldsync run`
#     with debounce = "0s"; a report file is renamed into a drop directory and the clock
#     stops when the daemon logs `delivered` for the new sequence (central has stored it
#     before it answers 2xx). Checked afterwards: central's latest sequence equals the
#     number of changes made.
#  2. push time of one 100-unit x 50-indicator scores document: `fieldsync push` (the
#     whole command: start, load, restage, POST, record) vs `curl` posting the same bytes
#     with the same headers (wall clock of the curl process, and curl's own time_total).
#     Every timed POST is a replay of a stored key, answered 201 by central's
#     byte-for-byte comparison, for both. `fieldsync push` with nothing pending gives the
#     command's fixed cost (process start, config and scheme load, restage = scoring).
#
# Usage: bench/push-latency.sh [REPS]            (default 20)
# Environment: BIN=dir with fieldsync and fieldsync-central (default: release build,
#              built if missing); BENCH_CONFIG=debug to use (and build) the debug build.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
REPS=${1:-20}
CONFIG=${BENCH_CONFIG:-release}
if [ -z "${BIN:-}" ]; then
    BIN=$(cd "$ROOT" && swift build -c "$CONFIG" --show-bin-path)
    if [ ! -x "$BIN/fieldsync" ] || [ ! -x "$BIN/fieldsync-central" ]; then
        (cd "$ROOT" && swift build -c "$CONFIG" --product fieldsync >&2 \
                    && swift build -c "$CONFIG" --product fieldsync-central >&2)
    fi
fi
command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }
export FIELDSYNC_BENCH_DIR="$ROOT/bench"
exec python3 - "$BIN" "$REPS" "$ROOT/bench/one-unit-scheme.toml" <<'PY'
import atexit, json, os, random, shutil, sqlite3, subprocess, sys, tempfile, time
sys.path.insert(0, os.environ["FIELDSYNC_BENCH_DIR"])
import benchlib
from benchlib import children, percentile, start_central, stop_children

bin_dir, reps, one_unit_scheme = sys.argv[1], int(sys.argv[2]), sys.argv[3]
fieldsync, central_bin = os.path.join(bin_dir, "fieldsync"), os.path.join(bin_dir, "fieldsync-central")
work = tempfile.mkdtemp(prefix="fieldsync-pushbench-")

def cleanup():
    stop_children()
    shutil.rmtree(work, ignore_errors=True)
atexit.register(cleanup)

def fail(message):
    print("push-latency: " + message, file=sys.stderr)
    sys.exit(1)

def wait_for(what, condition, timeout=30.0, step=0.0005):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            fail("timed out waiting for " + what)
        time.sleep(step)

# --- central ---------------------------------------------------------------------------
base = start_central(central_bin, os.path.join(work, "central.sqlite"))
push_url = base + "/api/fieldsync/v1/scores"

def central_sequence(office, period="2026"):
    return benchlib.central_sequence(base, office, period)

def make_site(name, office, scheme, sources, push_extra=""):
    root = os.path.join(work, name)
    os.makedirs(root)
    with open(os.path.join(root, "scheme.toml"), "w") as f:
        f.write(scheme)
    config = 'office = "%s"\nstate_dir = "state"\nschemes = ["scheme.toml"]\n\n' % office
    for s in sources:
        os.makedirs(os.path.join(root, s["path"]), exist_ok=True)
        config += "[[source]]\n" + "".join('%s = "%s"\n' % kv for kv in s.items()) + "\n"
    config += '[push]\nurl = "%s"\ndebounce = "0s"\ntimeout = "30s"\n%s' % (push_url, push_extra)
    with open(os.path.join(root, "fieldsync.toml"), "w") as f:
        f.write(config)
    return root

def store(root):
    return sqlite3.connect(os.path.join(root, "state", "fieldsync.sqlite"), timeout=30)

def outbox_pending(root):
    db = store(root)
    try:
        return db.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
    except sqlite3.OperationalError:
        return -1
    finally:
        db.close()

rows = []

# --- 1. change-to-2xx latency through `fieldsync run` ----------------------------------------
small_scheme = open(one_unit_scheme, encoding="utf-8").read()
lat = make_site("latency", "bench-latency", small_scheme,
                [dict(name="shouning", path="spool/shouning", role="reporter", unit="shouning")])
log_path = os.path.join(lat, "run.log")
env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "JOURNAL_STREAM")}
env["FIELDSYNC_LOG_LEVEL"] = "info"
with open(log_path, "wb") as log:
    daemon = subprocess.Popen([fieldsync, "run", "--config", os.path.join(lat, "fieldsync.toml")],
                              stdout=subprocess.DEVNULL, stderr=log, env=env)
children.append(daemon)

def log_text():
    with open(log_path, "rb") as f:
        return f.read().decode("utf-8", "replace")

wait_for("fieldsync run to start", lambda: "fieldsync started" in log_text(), step=0.01)
wait_for("the start-up document to be delivered", lambda: outbox_pending(lat) == 0, step=0.01)
drop = os.path.join(lat, "spool", "shouning")
latencies = []
start_sequence = central_sequence("bench-latency")
for i in range(reps + 1):  # the first change is a warm-up
    record = {"id": "r-1", "revision": i + 1, "kind": "report", "period": "2026", "unit": "shouning",
              "indicator": "siren.fixed", "value": i + 1, "observed_at": "2026-11-20"}
    tmp = os.path.join(drop, ".change-%d.json.tmp" % i)
    with open(tmp, "w") as f:
        json.dump(record, f)
    before = len(log_text().split("\n"))
    t0 = time.perf_counter()
    os.rename(tmp, os.path.join(drop, "change-%d.json" % i))
    wait_for("delivery of change %d" % i,
             lambda: any("delivered" in l for l in log_text().split("\n")[before - 1:]))
    t1 = time.perf_counter()
    if i > 0:
        latencies.append((t1 - t0) * 1000)
final_sequence = central_sequence("bench-latency")
if final_sequence != start_sequence + reps + 1:
    fail("central holds sequence %d, expected %d" % (final_sequence, start_sequence + reps + 1))
daemon.terminate()
daemon.wait(20)
rows.append(("change-to-2xx, `fieldsync run` (debounce 0s), 1 record", reps,
             percentile(latencies, 50), percentile(latencies, 99), min(latencies), max(latencies)))

# --- 2. a 100-unit x 50-indicator document: `fieldsync push` vs curl -------------------------
units = ["u%03d" % u for u in range(1, 101)]
indicators = ["ind.%02d" % i for i in range(1, 51)]
scheme = 'period = "2026"\nname = "100 units x 50 indicators"\ntimezone = "Asia/Shanghai"\n'
scheme += "[weights]\nindicators = 1\npublic = 0\n"
for u in units:
    scheme += '[[unit]]\ncode = "%s"\nname = "单位%s"\n' % (u, u[1:])
for n, code in enumerate(indicators):
    scheme += ('[[indicator]]\ncode = "%s"\nname = "指标%s 固定式防空警报器"\naspect = "%s"\npoints = 2\n'
               'rule = "ratio"\ntarget = 10\noverall = { aggregate = "share_met", target = 1 }\n'
               % (code, code[4:], "business" if n % 2 == 0 else "capacity"))
big = make_site("big", "bench-big", scheme, [dict(name="inspectors", path="spool/inspectors", role="inspector")])
rng = random.Random(7)
with open(os.path.join(big, "spool", "inspectors", "all.jsonl"), "w") as f:
    for u in units:
        for code in indicators:
            f.write(json.dumps({"id": "%s-%s" % (u, code), "kind": "spotcheck", "period": "2026", "unit": u,
                                "indicator": code, "value": rng.randint(0, 12), "observed_at": "2026-11-20"}) + "\n")
config = os.path.join(big, "fieldsync.toml")
# Just written: ingest would leave it for its quiet period (SPEC §4.2). An hour old, as a dropped file would be.
hour_ago = time.time() - 3600
os.utime(os.path.join(big, "spool", "inspectors", "all.jsonl"), (hour_ago, hour_ago))
subprocess.run([fieldsync, "ingest", "--config", config], check=True, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
db = store(big)
sequence, document = db.execute(
    "SELECT o.sequence, d.document FROM outbox AS o JOIN outbox_document AS d USING (period, sequence) "
    "WHERE o.state = 'pending' ORDER BY o.sequence DESC LIMIT 1").fetchone()
db.close()
doc_path = os.path.join(work, "doc.json")
with open(doc_path, "wb") as f:
    f.write(document)
key = "bench-big/2026/%d" % sequence

def make_pending():
    db = store(big)
    db.execute("UPDATE outbox SET state = 'pending', next_attempt_at = NULL WHERE period = '2026' AND sequence = ?",
               (sequence,))
    db.commit()
    db.close()

def timed_push(expect):
    """One whole `fieldsync push`, in ms; its output must contain `expect`."""
    t0 = time.perf_counter()
    r = subprocess.run([fieldsync, "push", "--config", config], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       env=env, text=True)
    t1 = time.perf_counter()
    if r.returncode != 0 or expect not in r.stdout:
        fail("fieldsync push (expected %r) failed: %s" % (expect, r.stdout))
    return (t1 - t0) * 1000

def fieldsync_push():
    make_pending()
    return timed_push("delivered")

def fieldsync_push_nothing():
    return timed_push("nothing pending")

def curl_post():
    t0 = time.perf_counter()
    r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}",
                        "-H", "Content-Type: application/json", "-H", "Idempotency-Key: " + key,
                        "-H", "User-Agent: fieldsync/1", "-H", "Expect:",
                        "--data-binary", "@" + doc_path, push_url], stdout=subprocess.PIPE, text=True)
    t1 = time.perf_counter()
    code, total = r.stdout.split()
    if code != "201":
        fail("curl got HTTP %s" % code)
    return (t1 - t0) * 1000, float(total) * 1000

fieldsync_push()  # first delivery stores the document; every timed POST below is a replay
curl_post()
push_times, idle_times, curl_walls, curl_totals = [], [], [], []
for _ in range(reps):
    push_times.append(fieldsync_push())
    idle_times.append(fieldsync_push_nothing())
    wall, total = curl_post()
    curl_walls.append(wall)
    curl_totals.append(total)
if central_sequence("bench-big") != sequence:
    fail("central does not hold the big document")
size = len(document)
label = "%d-byte document (100 units x 50 indicators)" % size
rows.append(("`fieldsync push`, whole command, " + label, reps, percentile(push_times, 50),
             percentile(push_times, 99), min(push_times), max(push_times)))
rows.append(("`fieldsync push`, whole command, nothing pending (start, load, restage; no POST)", reps,
             percentile(idle_times, 50), percentile(idle_times, 99), min(idle_times), max(idle_times)))
rows.append(("`curl --data-binary`, whole process, same bytes and headers", reps, percentile(curl_walls, 50),
             percentile(curl_walls, 99), min(curl_walls), max(curl_walls)))
rows.append(("`curl`, its own `time_total` (transfer only)", reps, percentile(curl_totals, 50),
             percentile(curl_totals, 99), min(curl_totals), max(curl_totals)))

print("| measurement | n | p50 ms | p99 ms | min ms | max ms |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for name, n, p50, p99, lo, hi in rows:
    print("| %s | %d | %.1f | %.1f | %.1f | %.1f |" % (name, n, p50, p99, lo, hi))
print()
print("binaries: %s; %d CPUs; p99 of %d samples is the nearest rank (about the maximum)."
      % (bin_dir, os.cpu_count(), reps))
PY
