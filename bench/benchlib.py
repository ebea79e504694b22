"""What the benchmarks in bench/ share: children that never outlive the run, the
percentile they all report, a reference central on loopback, and inotifywait as the
clock for files appearing. Imported by the Python inside bench/*.sh."""
import atexit, os, subprocess, sys, threading, time, urllib.error, urllib.request

children = []


def stop_children():
    """Terminates (then kills) every child still running."""
    for p in children:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


atexit.register(stop_children)


def percentile(samples, p):
    """The nearest-rank percentile: the smallest sample with at least p % at or below it."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def start_central(central_bin, database):
    """fieldsync-central on 127.0.0.1 (a port of the kernel's choosing); its base URL."""
    central = subprocess.Popen([central_bin, "--host", "127.0.0.1", "--port", "0", "--database", database,
                                "--log-level", "error"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    children.append(central)
    line = central.stdout.readline().strip()
    if not line.startswith("listening on http://"):
        sys.exit("central did not start: %r" % line)
    return line.split()[-1]


def central_sequence(base_url, office, period="2026"):
    """The sequence of the latest document central holds for office/period (0: none)."""
    try:
        with urllib.request.urlopen("%s/api/fieldsync/v1/offices/%s/periods/%s" % (base_url, office, period)) as r:
            return int(r.headers["Fieldsync-Sequence"])
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return 0
        raise


class Watch:
    """inotifywait -m on a directory; every reported name timestamped on arrival."""

    def __init__(self, directory, events="moved_to"):
        self.seen, self.count, self.cond = {}, 0, threading.Condition()
        self.proc = subprocess.Popen(["inotifywait", "-m", "-e", events, "--format", "%f", directory],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
        for line in self.proc.stderr:  # "Setting up watches." / "Watches established."
            if b"established" in line:
                break
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        buf = b""
        while True:
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                return
            now = time.perf_counter()
            buf += chunk
            *lines, buf = buf.split(b"\n")
            with self.cond:
                for line in lines:
                    self.seen.setdefault(line.decode(), now)
                    self.count += 1
                self.cond.notify_all()

    def wait(self, predicate, timeout, what="the files"):
        with self.cond:
            if not self.cond.wait_for(lambda: predicate(self), timeout):
                sys.exit("timed out after %ss waiting for %s" % (timeout, what))

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
