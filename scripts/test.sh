#!/usr/bin/env bash
# `make test`: build, run every test, check the systemd units.
#
# The whole output of `swift test` goes to .build/test.log as well as to the screen.
# CI shows only the end of a run, and a crash ends it with a backtrace's register dump
# and image list, so when the run fails its end repeats what went wrong: the failed
# tests, a crash's message and crashed thread, and the tests running at that moment
# (scripts/test-digest.py).
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}

$SWIFT build --build-tests || exit $?
mkdir -p .build
$SWIFT test 2>&1 | tee .build/test.log
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  python3 scripts/test-digest.py .build/test.log
  exit "$rc"
fi
systemd/check.sh
