#!/usr/bin/env python3
"""What went wrong in a failed `swift test` log, in a few dozen lines.

Prints the failed tests (XCTest and Swift Testing), each crash's message and the
frames of its crashed thread, and the tests that had started and not ended when the
log stops — under a crash, the suspects.
"""
import re
import sys

lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()

def section(title, items, limit=40):
    if not items:
        return
    print(f"--- {title} ---")
    for item in items[:limit]:
        print(item)
    if len(items) > limit:
        print(f"… {len(items) - limit} more in {sys.argv[1]}")

failures = [l for l in lines
            if re.match(r"^✘ Test ", l) or re.search(r": error: ", l)
            or re.match(r"^Test Case '.*' failed", l)]
section("failed", failures)

crash = []
for i, l in enumerate(lines):
    if "Fatal error" in l or "Program crashed" in l or "Precondition failed" in l:
        crash.append(l)
    if re.match(r"^Thread \d+( \".*\")? crashed:", l):
        # The crashed thread's frames, up to the next thread, the registers or the images.
        crash.append(l)
        for frame in lines[i + 1:i + 120]:
            if frame.startswith(("Registers:", "Images")) or re.match(r"^Thread \d+", frame):
                break
            if frame.strip():
                crash.append(frame)
section("crash", crash, limit=120)

# Swift Testing: a test or suite "started" and later "passed"/"failed"; XCTest: a test case
# "started" and later "passed"/"failed".
open_tests = {}
for l in lines:
    m = re.match(r"^◇ (Test|Suite) (\"[^\"]*\"|\S+\(.*?\)|\S+) started\.", l)
    if m:
        open_tests[m.group(2)] = l
        continue
    # Only a test's end: "passed after", "failed after", "skipped" (an issue recorded
    # along the way is not an end), whatever symbol leads the line.
    m = re.match(r"^\S+ (Test|Suite) (\"[^\"]*\"|\S+\(.*?\)|\S+) .*?(passed after|failed after|skipped)", l)
    if m and not l.startswith("◇"):
        open_tests.pop(m.group(2), None)
        continue
    m = re.match(r"^Test Case '([^']*)' started", l)
    if m:
        open_tests[m.group(1)] = l
        continue
    m = re.match(r"^Test Case '([^']*)' (passed|failed|skipped)", l)
    if m:
        open_tests.pop(m.group(1), None)
# The last to start are the likeliest suspects; tests start in parallel, so many may be open.
still_open = [v for v in open_tests.values() if not v.startswith(("◇ Suite", "◇ Test run"))]
section("started and not ended (the last 15 to start)", still_open[-15:], limit=15)
